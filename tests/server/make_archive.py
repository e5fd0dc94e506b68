"""``python -m tests.server.make_archive DIR``: the web suites' small archive in a data dir of its
own (SQLite), for a real ``rostra serve`` to serve."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main(data_dir: str) -> None:
    os.environ["ROSTRA_DATA_DIR"] = data_dir
    os.environ.pop("ROSTRA_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rostra.settings")
    import django

    django.setup()
    from rostra.cli.database import ensure_database
    from tests.public.content import build_archive

    ensure_database()
    work = Path(data_dir) / "incoming"
    work.mkdir(parents=True, exist_ok=True)
    build_archive(tmp_path=work)


if __name__ == "__main__":
    main(sys.argv[1])
