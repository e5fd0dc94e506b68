"""``python -m tests.server.make_archive DIR [SECONDS]``: the web suites' small archive in a data
dir of its own (SQLite), for a real ``rostra serve`` to serve. SECONDS sets the recording's
length (10 by default; the load benchmark's slow clients need one larger than socket buffers)."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main(data_dir: str, seconds: float = 10.0) -> None:
    os.environ["ROSTRA_DATA_DIR"] = data_dir
    os.environ.pop("ROSTRA_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rostra.settings")
    import django

    django.setup()
    from rostra.cli.database import ensure_database
    from tests.mediafactory import write_audio
    from tests.public.content import build_archive

    ensure_database()
    work = Path(data_dir) / "incoming"
    work.mkdir(parents=True, exist_ok=True)
    build_archive(write_audio(work / "talk.webm", seconds=seconds))


if __name__ == "__main__":
    main(sys.argv[1], *(float(value) for value in sys.argv[2:3]))
