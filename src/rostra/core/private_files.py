"""The data dir holds password and token hashes (the SQLite database) and the secret key: it is
private to the account that runs rostra (0700), and those files are 0600 from their first byte.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def make_private_dir(path: Path) -> None:
    """Create ``path`` (and parents) as 0700; tighten it when it exists, is ours and is open to
    others (an older rostra created it 0755)."""
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    _tighten(path, PRIVATE_DIR_MODE)


def make_private_file(path: Path) -> None:
    """Tighten an existing file of ours to 0600 (the SQLite database, which SQLite creates with
    the process umask; its -wal and -shm files copy the database file's mode)."""
    _tighten(path, PRIVATE_FILE_MODE)


def write_private_text(path: Path, text: str) -> None:
    """Write a new file that is 0600 from the start (never readable by others, not even
    between the write and a chmod)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


def _tighten(path: Path, mode: int) -> None:
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & 0o077:
        path.chmod(mode)


def keep_sqlite_private(sender, connection, **kwargs) -> None:
    """connection_created receiver: the SQLite database file is 0600."""
    if connection.vendor == "sqlite":
        name = str(connection.settings_dict.get("NAME") or "")
        if name and name != ":memory:" and not name.startswith("file:"):
            make_private_file(Path(name))
