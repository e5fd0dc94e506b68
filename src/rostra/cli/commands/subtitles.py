"""``rostra subtitles import|export``: human transcripts in, subtitles and text out."""

from __future__ import annotations

import sys
from pathlib import Path

from rostra.core.errors import UserError
from rostra.transcripts.origins import ORIGIN_PREFERENCE, origin_rank
FORMAT_BY_SUFFIX = {".vtt": "vtt", ".srt": "srt", ".txt": "txt", ".json": "json"}


def register(subparsers, common):
    parser = subparsers.add_parser("subtitles", parents=[common],
                                   help="import or export subtitles and transcripts")
    actions = parser.add_subparsers(dest="subtitles_action", metavar="ACTION")

    importer = actions.add_parser(
        "import", parents=[common],
        help="read a WebVTT or SRT file as the human transcript of a speech in a language")
    importer.add_argument("speech", metavar="SPEECH", help="the speech's slug")
    importer.add_argument("language", metavar="LANG", help="ISO 639-1 code, e.g. fa")
    importer.add_argument("file", metavar="FILE", help=".vtt or .srt file (any encoding)")
    importer.set_defaults(handler=run_import, needs_django=True)

    exporter = actions.add_parser(
        "export", parents=[common],
        help="write a speech's transcript in a language as WebVTT, SRT, text or JSON")
    exporter.add_argument("speech", metavar="SPEECH", help="the speech's slug")
    exporter.add_argument("language", metavar="LANG", help="ISO 639-1 code, e.g. fa")
    exporter.add_argument("--format", choices=("vtt", "srt", "txt", "json"), default=None,
                          help="output format (default: from -o's extension, else vtt)")
    exporter.add_argument("-o", "--output", metavar="FILE", default=None,
                          help="write to FILE instead of standard output")
    exporter.add_argument("--origin", choices=ORIGIN_PREFERENCE, default=None,
                          help="which transcript when there are several (default: human first, "
                               "then speech recognition, then machine translation)")
    exporter.set_defaults(handler=run_export, needs_django=True)

    def usage(args):
        parser.print_help(sys.stderr)
        return 2

    parser.set_defaults(handler=usage, needs_django=False)


def find_speech(slug: str):
    from rostra.archive.models import Speech

    try:
        return Speech.objects.get(slug=slug)
    except Speech.DoesNotExist:
        raise UserError(f"no speech with slug {slug!r}; list them with `rostra status`") from None


def run_import(args) -> int:
    from rostra.cli.database import ensure_database
    from rostra.cli.output import error_console
    from rostra.core.languages import english_name
    from rostra.transcripts.subtitle_import import check_archive_language, import_subtitles

    ensure_database()
    speech = find_speech(args.speech)
    check_archive_language(args.language)
    transcript = import_subtitles(speech=speech, language=args.language, path=args.file)
    options = transcript.options
    error_console.print(
        f"imported {options['cues']} cues ({options['format']}, {options['encoding']}) as the "
        f"human {english_name(args.language)} transcript of {speech.slug}")
    for warning in options.get("skipped", []):
        error_console.print(f"note: {warning}")
    return 0


def pick_transcript(speech, language: str, origin: str | None):
    """The transcript to export: the chosen origin, else human, then ASR, then MT."""
    from rostra.transcripts.models import Transcript
    from rostra.transcripts.subtitle_import import missing_transcript_message

    candidates = {t.origin: t for t in speech.transcripts.filter(
        language=language, status=Transcript.Status.DONE)}
    if origin:
        if origin not in candidates:
            have = ", ".join(sorted(candidates)) or "none"
            raise UserError(f"{speech.slug} has no {origin} transcript in {language!r} "
                            f"(origins present: {have}); leave out --origin to take the best")
        return candidates[origin]
    if candidates:
        return min(candidates.values(), key=lambda t: origin_rank(t.origin))
    raise UserError(missing_transcript_message(speech, language), exit_code=1)


def run_export(args) -> int:
    from rostra.cli.database import ensure_database
    from rostra.core.storage import write_atomically
    from rostra.transcripts.exporters import export_transcript
    from rostra.transcripts.subtitle_import import check_archive_language

    fmt = args.format
    if fmt is None and args.output:
        fmt = FORMAT_BY_SUFFIX.get(Path(args.output).suffix.lower())
    fmt = fmt or "vtt"
    ensure_database()
    speech = find_speech(args.speech)
    check_archive_language(args.language)
    transcript = pick_transcript(speech, args.language, args.origin)
    text = export_transcript(transcript, fmt)
    if args.output:
        output = Path(args.output)
        if output.is_dir():
            raise UserError(f"-o {output}: is a folder; give a file name")
        try:
            write_atomically(output, text.encode("utf-8"))
        except OSError as exc:
            raise UserError(f"-o {output}: cannot write it ({exc.strerror})") from None
    else:
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.flush()
    return 0
