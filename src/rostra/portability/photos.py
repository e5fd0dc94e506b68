"""Speaker photos in a bundle: the files travel byte for byte under ``media/photos/``.

A photo is stored by content (``photos/<sha[:2]>/<sha>.<ext>``, see
rostra.archive.domain.speaker_photos), so its name is its checksum: at export the file is
checked against its name, and on restore the bundle's copy (checksummed in the manifest
like every file) must match its name too before it is copied into the media folder.

Bundles stay format version 2: a photo adds keys to speaker records and files the manifest
lists, both of which a reader of version 2 without photo support verifies and ignores.
"""

from __future__ import annotations

import re
from pathlib import Path

from rostra.core.digests import sha256_of
from rostra.core.errors import UserError
from rostra.core.storage import copy_atomically, media_file

# The only shape a stored photo's path has; anything else in a bundle is refused rather than
# written somewhere in the media folder.
PHOTO_PATH = re.compile(r"photos/(?P<prefix>[0-9a-f]{2})/(?P<sha>[0-9a-f]{64})\.(jpg|png|webp)")


def photo_paths(speakers: list[dict]) -> list[str]:
    """Each stored photo once (speakers may share one), in a stable order."""
    return sorted({r["photo_path"] for r in speakers if r.get("photo_path")})


def _expected_sha(relative: str, *, where: str) -> str:
    match = PHOTO_PATH.fullmatch(relative)
    if not match or match["sha"][:2] != match["prefix"]:
        raise UserError(f"speaker photo path {relative!r} in {where} is not a stored photo's "
                        "path (photos/<sha[:2]>/<sha>.<jpg|png|webp>)")
    return match["sha"]


def export_photo(relative: str, directory: Path, speakers: list[dict]) -> tuple[str, int]:
    """Copy one stored photo into the bundle; returns (sha256, size).

    Raises UserError (one line) when the file is missing or does not match its name.
    """
    expected = _expected_sha(relative, where="the archive")
    source = media_file(relative)
    if not source.is_file():
        owners = ", ".join(r["slug"] for r in speakers if r.get("photo_path") == relative)
        raise UserError(f"speaker photo {source} (speaker {owners}) is missing; import the "
                        "program again to fetch it, or restore the file, then export")
    target = directory / "media" / relative
    with open(source, "rb") as stream:
        sha256, size = copy_atomically(stream, target)
    if sha256 != expected:
        target.unlink()
        raise UserError(f"speaker photo {source} does not match its checksum; the stored "
                        "file is damaged: import the program again to fetch it, then export")
    return sha256, size


def restore_photos(directory: Path, speakers: list[dict], listed: set[str]) -> list[Path]:
    """Copy the bundle's photos into the media folder; returns the files written.

    ``listed``: the files the manifest checksums (already verified). Call before writing
    anything else: raises UserError when a photo a speaker names is not in the bundle or
    does not match its name. A photo already present with the right bytes is kept.
    """
    relatives = photo_paths(speakers)
    for relative in relatives:
        expected = _expected_sha(relative, where="the bundle")
        bundled = f"media/{relative}"
        if bundled not in listed:
            raise UserError(f"bundle file {bundled} (a speaker photo) is missing; the bundle "
                            "is incomplete")
        if sha256_of(directory / bundled) != expected:
            raise UserError(f"bundle file {bundled} does not match its name's checksum; "
                            "nothing was imported")
    copied = []
    for relative in relatives:
        target = media_file(relative)
        if target.is_file() and sha256_of(target) == _expected_sha(relative, where="the bundle"):
            continue
        with open(directory / "media" / relative, "rb") as stream:
            copy_atomically(stream, target)
        copied.append(target)
    return copied
