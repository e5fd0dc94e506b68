"""``rostra status``: what the archive holds, for people (a table) and scripts (--json)."""

from __future__ import annotations

from rostra.cli.database import ensure_database
from rostra.cli.output import console, error_console, print_json


def register(subparsers, common):
    parser = subparsers.add_parser("status", parents=[common], help="what the archive holds")
    parser.add_argument("--json", action="store_true", help="print a JSON object")
    parser.add_argument("--recount", action="store_true",
                        help="first recompute the published-speech counts kept on speakers and "
                             "topics from their links, and each speech's language rows (the "
                             "API's ?language= filter) from its fields (safe at any time, e.g. "
                             "after SQL edits)")
    parser.set_defaults(handler=run)


def archive_status() -> dict:
    """Counts of everything in the archive. The --json shape is documented in docs/cli.md."""
    from django.conf import settings
    from django.db.models import Count

    from rostra.archive.models import Event, MediaAsset, Speaker, Speech
    from rostra.transcripts.models import Transcript

    transcripts: dict[str, int] = {}
    by_origin: dict[str, dict[str, int]] = {}
    rows = Transcript.objects.values("language", "origin").annotate(n=Count("id"))
    for row in rows.order_by("language", "origin"):
        transcripts[row["language"]] = transcripts.get(row["language"], 0) + row["n"]
        by_origin.setdefault(row["language"], {})[row["origin"]] = row["n"]
    states = dict(Speech.objects.values_list("state").annotate(n=Count("id")).order_by("state"))
    return {
        "data_dir": str(settings.DATA_DIR),
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "languages": list(settings.ROSTRA_LANGUAGES),
        "events": Event.objects.count(),
        "speeches": Speech.objects.count(),
        "speakers": Speaker.objects.count(),
        "media": MediaAsset.objects.count(),
        "speeches_with_media": Speech.objects.exclude(media=None).count(),
        "transcripts": transcripts,
        "transcripts_by_origin": by_origin,
        "states": states,
        **media_status(),
        "search_index": search_index_status(),
        "translation": _translation_status(),
    }


def media_status() -> dict:
    """Interpreters' audio tracks per language and the web renditions made, by name."""
    from django.db.models import Count, Sum

    from rostra.media.models import AudioTrack, Rendition

    tracks = dict(AudioTrack.objects.values_list("language").annotate(n=Count("id"))
                  .order_by("language"))
    by_name = dict(Rendition.objects.values_list("name").annotate(n=Count("id"))
                   .order_by("name"))
    size = Rendition.objects.aggregate(total=Sum("size"))["total"] or 0
    return {"audio_tracks": tracks,
            "renditions": {"count": sum(by_name.values()), "bytes": size, "by_name": by_name}}


def search_index_status() -> dict:
    """The index's consistency (rostra.search.consistency), so a half-indexed import shows."""
    from rostra.search.backlog import indexer_running
    from rostra.search.consistency import check_index

    # Without reading every segment (status stays quick); `rostra search --check` does.
    return {**check_index(words=False).as_dict(), "indexing": indexer_running()}


def _translation_status() -> dict:
    from rostra.processing.translation import translation_choice, translation_status_line

    choice = translation_choice()
    return {"on": choice.on, "engine": choice.engine, "model": choice.model_name or choice.model,
            "line": translation_status_line()}


def status_rows(status: dict) -> list[tuple[str, str]]:
    """The human table's rows as (label, value); a label per language names the language."""
    from rostra.core.languages import english_name

    rows = [(key.replace("_", " "), str(status[key])) for key in (
        "database", "events", "speeches", "speakers", "media", "speeches_with_media")]
    rows.append(("languages", ", ".join(status["languages"])))
    for language, origins in status["transcripts_by_origin"].items():
        detail = ", ".join(f"{origin} {n}" for origin, n in origins.items())
        rows.append((f"transcripts in {english_name(language)} ({language})", detail))
    rows.extend((f"speeches {state}", str(n)) for state, n in status["states"].items())
    if status.get("audio_tracks"):
        rows.append(("interpreter audio tracks", ", ".join(
            f"{english_name(language)} ({language}) {n}"
            for language, n in status["audio_tracks"].items())))
    renditions = status.get("renditions")
    if renditions is not None:
        names = ", ".join(f"{name} {n}" for name, n in renditions["by_name"].items())
        total = f"{renditions['count']} ({renditions['bytes'] / 1e6:.1f} MB)"
        rows.append(("web renditions", f"{total}: {names}" if names else total))
    index = status.get("search_index")
    if index is not None:
        rows.append(("search index", search_index_line(index)))
    return rows


def search_index_line(index: dict) -> str:
    """Complete, being indexed in the background, or behind with what to do."""
    if index.get("pending"):
        return (f"behind: {index['pending']} of {index['speeches']} speeches waiting to be "
                "indexed, " + ("indexing in the background" if index.get("indexing") else
                              "no indexer running: run rostra search --check --reindex"))
    if index["consistent"]:
        return "complete"
    return (f"{index['missing']} speeches not indexed, {index['stale']} behind, "
            f"{index['orphans']} left over: run rostra search --check --reindex")


def status_table(status: dict):
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(f"rostra archive in {status['data_dir']}"), show_header=False)
    for label, value in status_rows(status):
        # Text, not a markup string: "[fa]" in a label would be read as a style and vanish.
        table.add_row(Text(label), Text(value))
    return table


def run(args) -> int:
    ensure_database()
    if args.recount:
        from rostra.archive.domain.speech_counts import recount_all
        from rostra.archive.domain.speech_languages import rebuild_all

        speakers, topics = recount_all()
        speeches = rebuild_all()
        (error_console if args.json else console).print(
            f"recounted published speeches for {speakers} speakers and {topics} topics; "
            f"rebuilt the language rows of {speeches} speeches", markup=False)
    status = archive_status()
    if args.json:
        print_json(status)
        return 0
    console.print(status_table(status))
    console.print(status["translation"]["line"], markup=False)
    return 0
