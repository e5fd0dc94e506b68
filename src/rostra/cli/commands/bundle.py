"""``rostra export DIR`` and ``rostra import-archive DIR``: a portable bundle of the archive."""

from __future__ import annotations

from pathlib import Path

from rostra.cli.output import console, print_json


def register(subparsers, common):
    export = subparsers.add_parser(
        "export", parents=[common], help="write the whole archive as a portable bundle",
        description="Write every event, speech, transcript (JSON and WebVTT), revision, "
                    "approved comment and recording, with sha256 checksums, into DIR.")
    export.add_argument("directory", metavar="DIR", help="a new or empty folder")
    export.add_argument("--json", action="store_true", help="print the counts as JSON")
    export.set_defaults(handler=run_export)
    restore = subparsers.add_parser(
        "import-archive", parents=[common], help="restore a bundle into an empty instance",
        description="Verify every checksum of the bundle in DIR, then restore it into this "
                    "instance, which must be empty. Nothing is written if a check fails.")
    restore.add_argument("directory", metavar="DIR", help="a folder written by `rostra export`")
    restore.add_argument("--no-reindex", action="store_true",
                         help="skip rebuilding the search index (run `rostra search --reindex` "
                              "later)")
    restore.add_argument("--json", action="store_true", help="print the counts as JSON")
    restore.set_defaults(handler=run_import)


def run_export(args) -> int:
    from rostra.cli.database import ensure_database
    from rostra.portability.export import export_archive

    ensure_database()
    result = export_archive(Path(args.directory))
    if args.json:
        print_json({"directory": str(result.directory), "counts": result.counts,
                    "files": result.files, "media_bytes": result.media_bytes})
    else:
        counts = result.counts
        console.print(f"exported {counts['speeches']} speeches, {counts['transcripts']} "
                      f"transcripts ({counts['segments']} segments), {counts['media']} "
                      f"recordings ({result.media_bytes / 1e6:.1f} MB) to {result.directory}",
                      soft_wrap=True, markup=False)
    return 0


def run_import(args) -> int:
    from rostra.cli.database import ensure_database
    from rostra.portability.restore import restore_archive

    ensure_database()
    result = restore_archive(Path(args.directory), reindex=not args.no_reindex)
    if args.json:
        print_json({"counts": result.counts, "media_files": result.media_files})
    else:
        counts = result.counts
        console.print(f"restored {counts.get('speeches', 0)} speeches, "
                      f"{counts.get('transcripts', 0)} transcripts and "
                      f"{counts.get('media', 0)} recordings from {args.directory}",
                      soft_wrap=True, markup=False)
    return 0
