"""Content digests of files (media and model files run to gigabytes: read in chunks).

Free of Django, so the pipeline (model installs) and the archive (media storage) share it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path


def sha256_of(path: Path) -> str:
    return digest_of(path, hashlib.sha256()).hexdigest()


def digest_of(path: Path, digest):
    """Feed the file at ``path`` to ``digest`` (a hashlib object, possibly already fed a
    prefix) and return it."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, lambda: digest)
