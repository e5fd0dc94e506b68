"""Paths in the data directory, and writing files so a crash never leaves half a file."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

CHUNK = 1 << 20



def data_dir() -> Path:
    return Path(settings.DATA_DIR)


def media_dir() -> Path:
    return Path(settings.MEDIA_DIR)


def model_cache_dir() -> Path:
    return data_dir() / "models"


def media_file(relative_path: str) -> Path:
    return media_dir() / relative_path


def copy_atomically(source: BinaryIO, destination: Path) -> tuple[str, int]:
    """Copy a stream to ``destination`` through a temporary file and a rename.

    Returns (sha256, size) of what was written. A crash leaves only a ``.tmp`` file that is
    never mistaken for the real one.
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, temp_name = tempfile.mkstemp(dir=destination.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as temp:
            for chunk in iter(lambda: source.read(CHUNK), b""):
                digest.update(chunk)
                size += len(chunk)
                temp.write(chunk)
            temp.flush()
            os.fsync(temp.fileno())
        os.replace(temp_name, destination)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return digest.hexdigest(), size


def write_atomically(destination: Path, data: bytes) -> None:
    import io

    copy_atomically(io.BytesIO(data), destination)
