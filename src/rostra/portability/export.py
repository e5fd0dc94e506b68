"""Writing a bundle (see rostra.portability for the layout)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from rostra import __version__
from rostra.core.errors import UserError
from rostra.core.storage import copy_atomically, media_dir, media_file, write_atomically
from rostra.portability import ARCHIVE, EXPORT_INFO, FORMAT, FORMAT_VERSION, MANIFEST
from rostra.pipeline.renditions.plan import KIND_HLS
from rostra.portability.photos import export_photo, photo_paths
from rostra.portability.records import archive_document


@dataclass(frozen=True)
class ExportResult:
    directory: Path
    counts: dict
    files: int
    media_bytes: int


def dump_json(value) -> bytes:
    """Deterministic JSON: sorted keys, no ASCII escaping, a final newline."""
    return (json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode()


def dump_document(document: dict) -> bytes:
    """archive.json: deterministic, one record per line (readable in a diff, and fast: each
    line goes through json's C encoder, which an indented dump cannot use)."""
    def line(record) -> str:
        return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    sections = []
    for name in sorted(document):
        rows = ",\n".join(line(record) for record in document[name])
        sections.append(f"{json.dumps(name)}:[\n{rows}\n]" if rows else f"{json.dumps(name)}:[]")
    return ("{\n" + ",\n".join(sections) + "\n}\n").encode("utf-8")


def export_archive(directory: Path) -> ExportResult:
    """Write the whole archive into ``directory`` (new or empty).

    Side effects: files under ``directory`` only; the database is read in one transaction so
    the bundle is consistent. Raises UserError for a non-empty folder or a missing media file.
    Nothing in the checksummed files depends on when the export ran, so exporting the same
    archive twice gives identical files (export-info.json aside).
    """
    directory = Path(directory)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise UserError(f"{directory} is not an empty folder; export into a new folder")
    with transaction.atomic():
        document = archive_document()
    subtitles = _subtitle_files(document)
    directory.mkdir(parents=True, exist_ok=True)
    checksums: dict[str, str] = {}

    def write(relative: str, data: bytes) -> None:
        # Plain writes (no fsync per file): the manifest is written last, atomically, and a
        # bundle without one is refused, so a crash mid-export cannot pass for a bundle.
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        checksums[relative] = hashlib.sha256(data).hexdigest()

    write(ARCHIVE, dump_document(document))
    for relative, text in subtitles.items():
        write(relative, text.encode("utf-8"))
    media_bytes = 0
    for record in document["media"]:
        source = media_file(record["path"])
        if not source.is_file():
            raise UserError(f"media file {source} of asset {record['sha256'][:12]} is missing; "
                            "restore it, or remove the asset, then export again")
        relative = f"media/{record['path']}"
        # Through a temporary file and a rename: a killed export never leaves half a
        # recording under its final name.
        with open(source, "rb") as stream:
            checksums[relative], size = copy_atomically(stream, directory / relative)
        if checksums[relative] != record["sha256"]:
            (directory / relative).unlink()
            raise UserError(f"media file {source} does not match its checksum; the stored "
                            "recording is damaged")
        media_bytes += size
    for record in document["renditions"]:
        for relative_in_media in rendition_files(record):
            with open(media_file(relative_in_media), "rb") as stream:
                checksums[f"media/{relative_in_media}"], size = copy_atomically(
                    stream, directory / "media" / relative_in_media)
            media_bytes += size
    photos = photo_paths(document["speakers"])
    for relative in photos:
        checksums[f"media/{relative}"], size = export_photo(relative, directory,
                                                            document["speakers"])
        media_bytes += size
    counts = {name: len(rows) for name, rows in document.items()}
    counts["photos"] = len(photos)
    counts["segments"] = sum(len(t["segments"]) for t in document["transcripts"])
    manifest = {"format": FORMAT, "format_version": FORMAT_VERSION, "counts": counts,
                "files": dict(sorted(checksums.items()))}
    write_atomically(directory / MANIFEST, dump_json(manifest))
    write_atomically(directory / EXPORT_INFO, dump_json({
        "exported_at": timezone.now().isoformat(), "rostra_version": __version__}))
    return ExportResult(directory=directory, counts=counts, files=len(checksums) + 1,
                        media_bytes=media_bytes)


def rendition_files(record: dict) -> list[str]:
    """The files of a rendition, relative to the media dir: one, or an HLS folder's playlist
    and segments. Raises UserError when one is missing."""
    path = media_file(record["path"])
    if record["kind"] == KIND_HLS:
        files = sorted(p for p in path.parent.iterdir() if p.is_file()) \
            if path.is_file() else []
    else:
        files = [path] if path.is_file() else []
    if not files:
        raise UserError(f"rendition {record['name']} of asset {record['asset'][:12]} is "
                        f"missing ({path}); restore the file or make it again with `rostra "
                        "process --stages renditions --force`, then export")
    return [p.relative_to(media_dir()).as_posix() for p in files]


def _subtitle_files(document: dict) -> dict[str, str]:
    """Every transcript as WebVTT, by the writer the site and the API use
    (transcripts.exporters → pipeline.subtitles), from the segments already read."""
    from rostra.core.languages import is_rtl
    from rostra.pipeline.subtitles import SubtitleCue, write_subtitles

    return {
        f"subtitles/{t['speech']}/{t['language']}.{t['origin']}.vtt": write_subtitles(
            [SubtitleCue(s["start_ms"], s["end_ms"], s["text"]) for s in t["segments"]],
            "vtt", right_to_left=is_rtl(t["language"]))
        for t in document["transcripts"]
    }
