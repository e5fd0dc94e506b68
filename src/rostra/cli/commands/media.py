"""``rostra media add FILE... (--speech SLUG | --match-filenames)``."""

from __future__ import annotations

from pathlib import Path

from rostra.cli.database import ensure_database
from rostra.cli.output import console, error_console, progress_bar
from rostra.core.errors import UserError


def register(subparsers, common):
    parser = subparsers.add_parser("media", parents=[common], help="add recordings")
    actions = parser.add_subparsers(dest="media_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[common],
                             help="store recordings and attach them to speeches")
    add.add_argument("files", nargs="+", metavar="FILE")
    target = add.add_mutually_exclusive_group(required=True)
    target.add_argument("--speech", metavar="SLUG", help="attach the file to this speech")
    target.add_argument("--match-filenames", action="store_true",
                        help="attach each file to the speech whose slug, id or guid is its name")
    add.set_defaults(handler=run_add)


def run_add(args) -> int:
    from rostra.archive.domain.media import (add_media_file, check_readable,
                                             find_speech_for_filename, speech_by_slug)

    ensure_database()
    files = [Path(name) for name in args.files]
    if args.speech and len(files) > 1:
        raise UserError("--speech takes one file; use --match-filenames for several")
    fixed_speech = speech_by_slug(args.speech) if args.speech else None
    failures = 0
    with progress_bar(transient=True) as progress:
        task = progress.add_task("adding media", total=len(files))
        for path in files:
            try:
                check_readable(path)
                speech = fixed_speech or find_speech_for_filename(path)
                if speech is None:
                    raise UserError(f"{path.name}: no speech has the slug, id or guid "
                                    f"{path.stem!r}; rename the file or use --speech SLUG")
                result = add_media_file(path, speech=speech)
            except UserError as error:
                failures += 1
                error_console.print(f"rostra: error: {error}", markup=False)
            else:
                stored = "stored" if result.created else "already stored"
                seconds = (result.asset.duration_ms or 0) / 1000
                console.print(f"{path.name}: {stored} ({seconds:.1f} s) → {speech.slug}",
                              markup=False)
            progress.advance(task)
    if failures:
        error_console.print(f"{failures} of {len(files)} files were not added", markup=False)
        return 1
    return 0
