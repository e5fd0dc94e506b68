"""``rostra media add FILE... (--speech SLUG | --match-filenames)``, with interpreters' audio:
``--track 2=fa`` names the language of a recording's extra audio track, and
``--language fa --interpretation`` adds a file as the interpreter's audio of the speech."""

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
    add.add_argument("--track", action="append", metavar="N=LANG",
                     help="audio track N (from 1; track 1 is the floor) is in LANG, e.g. 2=fa; "
                          "repeat for each interpreter track (tagged tracks need none)")
    add.add_argument("--language", metavar="LANG",
                     help="with --interpretation: the language of the interpreter's file")
    add.add_argument("--interpretation", action="store_true",
                     help="FILE is an interpreter's audio for --speech, not its recording")
    add.set_defaults(handler=run_add)


def run_add(args) -> int:
    from rostra.archive.domain.media import (add_media_file, check_readable,
                                             find_speech_for_filename, speech_by_slug)

    ensure_database()
    files = [Path(name) for name in args.files]
    if args.speech and len(files) > 1:
        raise UserError("--speech takes one file; use --match-filenames for several")
    if (args.interpretation or args.language) and not (args.speech and args.language
                                                        and args.interpretation):
        raise UserError("an interpreter's file needs --speech SLUG --language LANG "
                        "--interpretation together")
    if args.interpretation and args.track:
        raise UserError("--track names tracks of a speech's recording; an --interpretation "
                        "file is one language already")
    if args.track and not args.speech:
        raise UserError("--track needs --speech SLUG (one recording)")
    from rostra.media.domain.tracks import parse_track_languages

    track_languages = parse_track_languages(args.track)  # a malformed one stops here, once
    fixed_speech = speech_by_slug(args.speech) if args.speech else None
    if args.interpretation:
        return _add_interpretation(files[0], fixed_speech, args.language.strip().lower())
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
                kept = _keep_tracks(speech, track_languages)
            except UserError as error:
                failures += 1
                error_console.print(f"rostra: error: {error}", markup=False)
            else:
                stored = "stored" if result.created else "already stored"
                seconds = (result.asset.duration_ms or 0) / 1000
                console.print(f"{path.name}: {stored} ({seconds:.1f} s) → {speech.slug}",
                              markup=False)
                for line in kept:
                    console.print(f"  {line}", markup=False)
            progress.advance(task)
    if failures:
        error_console.print(f"{failures} of {len(files)} files were not added", markup=False)
        return 1
    return 0


def _keep_tracks(speech, track_languages: dict[int, str]) -> list[str]:
    """Interpreters' tracks of the recording just attached; lines telling what was kept."""
    from rostra.media.domain.tracks import add_recording_tracks

    result = add_recording_tracks(speech, languages=track_languages)
    lines = [f"audio track {track.source_track}: interpretation in {track.language}"
             for track in result.tracks]
    return lines + [f"note: {notice}" for notice in result.notices]


def _add_interpretation(path: Path, speech, language: str) -> int:
    from rostra.media.domain.tracks import add_interpretation_file

    track = add_interpretation_file(path, speech=speech, language=language)
    seconds = (track.asset.duration_ms or 0) / 1000
    console.print(f"{path.name}: interpretation in {language} ({seconds:.1f} s) → "
                  f"{speech.slug}", markup=False)
    return 0
