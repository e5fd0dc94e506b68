"""Speaker photos a program names (pretalx ``avatar``, CSV ``speaker_photos``), stored locally.

The site never hot-links a photo from another server (that would tell it who reads which
page): a photo given as a URL is fetched once, at import time, with a size limit and only if
its bytes are a JPEG, PNG or WebP image; a photo given as a file is read next to the program.
Either is stored once by content, ``media/photos/<sha[:2]>/<sha>.<ext>``. A photo that cannot
be had (offline, too big, not an image) leaves the speaker without one: the import goes on and
says so in one line, since a program without photos is still a program.
"""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from rostra.core.storage import media_dir, write_atomically

MAX_PHOTO_BYTES = 2 * 1024 * 1024
FETCH_TIMEOUT_S = 10
PHOTO_FOLDER = "photos"
# The first bytes of each accepted type: what the file is, whatever its name or header says.
MAGIC = ((b"\xff\xd8\xff", "jpg"), (b"\x89PNG\r\n\x1a\n", "png"))
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


@dataclass
class PhotoOutcome:
    """Stored photos by source, and why the others were not (for the one-line notice)."""

    stored: dict[str, str] = field(default_factory=dict)  # source → path in the media folder
    failed: dict[str, str] = field(default_factory=dict)  # source → reason

    def notice(self) -> str:
        """One line for the import's report ("" when every photo was stored)."""
        if not self.failed:
            return ""
        reasons = sorted(set(self.failed.values()))
        return (f"{len(self.failed)} speaker photo(s) not stored ({'; '.join(reasons[:3])}); "
                "those speaker pages show no photo; import again to retry")


class PhotoRefused(Exception):
    pass


def image_extension(data: bytes) -> str:
    """``jpg``, ``png`` or ``webp`` from the bytes themselves; PhotoRefused otherwise."""
    for magic, extension in MAGIC:
        if data.startswith(magic):
            return extension
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    raise PhotoRefused("not a JPEG, PNG or WebP image")


def content_type(path: str) -> str:
    return CONTENT_TYPES.get(path.rsplit(".", 1)[-1], "application/octet-stream")


def _read_url(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "rostra-import"})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_S) as response:
            data = response.read(MAX_PHOTO_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise PhotoRefused(f"the server answered {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise PhotoRefused(f"cannot reach the photo's server ({reason})") from None
    return data


def _read_file(source: str, base_dir: Path) -> bytes:
    path = (base_dir / source).resolve()
    try:
        with open(path, "rb") as handle:
            return handle.read(MAX_PHOTO_BYTES + 1)
    except OSError as error:
        raise PhotoRefused(f"cannot read {source} ({error.strerror})") from None


def store_photo_bytes(data: bytes) -> str:
    """Store ``data`` by content; returns its path relative to the media folder."""
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoRefused(f"larger than {MAX_PHOTO_BYTES // (1024 * 1024)} MB")
    if not data:
        raise PhotoRefused("empty")
    extension = image_extension(data)
    sha256 = hashlib.sha256(data).hexdigest()
    relative = f"{PHOTO_FOLDER}/{sha256[:2]}/{sha256}.{extension}"
    destination = media_dir() / relative
    if not destination.exists():
        write_atomically(destination, data)
    return relative


def store_photos(sources, *, base_dir: Path) -> PhotoOutcome:
    """Fetch or read each source (a URL, or a file relative to ``base_dir``) and store it.

    Side effects: files under ``media/photos/``; network requests for URL sources. After the
    first source whose server cannot be reached, the other URLs are not tried (offline: one
    wait of FETCH_TIMEOUT_S, not one per speaker).
    """
    outcome = PhotoOutcome()
    offline_reason = ""
    for source in dict.fromkeys(sources):
        is_url = source.startswith(("http://", "https://"))
        try:
            if is_url and offline_reason:
                raise PhotoRefused(offline_reason)
            data = _read_url(source) if is_url else _read_file(source, base_dir)
            outcome.stored[source] = store_photo_bytes(data)
        except PhotoRefused as refused:
            if is_url and str(refused).startswith("cannot reach"):
                offline_reason = str(refused)
            outcome.failed[source] = str(refused)
    return outcome
