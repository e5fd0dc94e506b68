"""``rostra import PROGRAM [--event SLUG] [--dry-run] [--update [--force]] [--json]``: a
conference program into the archive. The work is
:func:`rostra.archive.domain.program_import.import_program`."""

from __future__ import annotations

from rostra.cli.database import ensure_database
from rostra.cli.output import console, error_console, print_json, progress_bar


def register(subparsers, common):
    parser = subparsers.add_parser(
        "import", parents=[common],
        help="import a conference program (CSV, frab schedule.xml, frab/pretalx schedule.json)",
        description="Import a program: a CSV (docs/program-csv.md), a frab schedule.xml or a "
                    "frab/pretalx schedule.json. Importing the same file again changes nothing.",
    )
    parser.add_argument("program", metavar="PROGRAM", help="the program file")
    parser.add_argument("--event", metavar="SLUG", default=None,
                        help="import into this event (default: the program's own)")
    parser.add_argument("--dry-run", action="store_true",
                        help="check the file and report what would change; write nothing")
    parser.add_argument("--update", action="store_true",
                        help="also change published and editor-edited speeches (audited); "
                             "without it their changes are listed and held back")
    parser.add_argument("--force", action="store_true",
                        help="with --update: replace even the fields editors changed")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from pathlib import Path

    from rostra.archive.domain.program_import import import_program, read_program_file
    from rostra.core.errors import UserError

    if args.force and not args.update:
        raise UserError("--force only makes sense with --update; add --update")
    read_program_file(Path(args.program))  # a missing or empty file fails before any setup
    ensure_database()
    if not error_console.is_terminal:  # a bar is for people; logs and pipes get the report
        report = import_program(args.program, event_slug=args.event, dry_run=args.dry_run,
                                update=args.update, force=args.force)
    else:
        with progress_bar(transient=True) as bar:
            tasks: dict[str, int] = {}

            def progress(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(stage, total=total)
                bar.update(tasks[stage], completed=done)

            report = import_program(args.program, event_slug=args.event,
                                    dry_run=args.dry_run, update=args.update, force=args.force,
                                    progress=progress)
    pending = 0 if report.dry_run else hand_search_backlog_on()
    if args.json:
        print_json({**report.as_dict(), "search_index_pending": pending})
        return 0
    from rich.table import Table

    console.print(f"{'dry run: would import' if report.dry_run else 'imported'} "
                  f"{report.source} ({report.format}) into event {report.event}")
    table = Table()
    table.add_column("")
    for outcome in ("created", "updated", "unchanged", "errors"):
        table.add_column(outcome, justify="right")
    for kind, counts in report.counts.items():
        table.add_row(kind, str(counts.created), str(counts.updated), str(counts.unchanged),
                      str(counts.errors))
    console.print(table)
    if report.not_in_program:
        console.print(f"{report.not_in_program} speeches of {report.event} are not in this "
                      "program; they were kept.")
    print_changes(report)
    for notice in report.notices:
        console.print(notice, markup=False, highlight=False)
    if pending:
        console.print(f"search: indexing {pending} speeches continues in the background; "
                      "follow it with rostra status", markup=False)
    if report.dry_run:
        console.print("dry run: nothing was written.")
    elif not report.changed:
        console.print("nothing changed.")
    return 0


SHOWN_CHANGES = 20


def hand_search_backlog_on() -> int:
    """How many speeches wait for the search index after this import (a big one is indexed
    in the background, rostra.search.backlog). Without a broker nothing else may be running
    to index them, so an indexer process is started (it exits at once if ``rostra serve``'s
    background process is already at it, and when the backlog is empty)."""
    from django.conf import settings

    from rostra.search.backlog import pending_count, start_indexer_process

    pending = pending_count()
    if pending and not settings.ROSTRA_BROKER_URL:
        start_indexer_process()
    return pending


def print_changes(report) -> None:
    """What the import changed (or held back) in existing speeches, one line per field."""
    from rostra.cli.output import isolate

    for change in report.changes[:SHOWN_CHANGES]:
        subject = f"speech {change['speech']}" if "speech" in change else f"event {change['event']}"
        status = "changed" if change["applied"] else f"held back ({change['reason']})"
        console.print(f"{isolate(subject)}: {status}", markup=False, highlight=False)
        for name, (old, new) in change["fields"].items():
            kept = " (editor's value kept)" if name in change.get("kept_editor_fields", ()) else ""
            console.print(f"  {name}: {isolate(short(old))} → {isolate(short(new))}{kept}",
                          markup=False, highlight=False)
    if len(report.changes) > SHOWN_CHANGES:
        console.print(f"… and {len(report.changes) - SHOWN_CHANGES} more (see --json)")
    if report.held_back:
        console.print(f"{report.held_back} published or editor-edited speeches were not "
                      "changed; run the import again with --update to apply their changes.")


def short(value, limit: int = 80) -> str:
    text = value if isinstance(value, str) else __import__("json").dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"
