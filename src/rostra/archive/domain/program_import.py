"""Importing a conference program (CSV, frab schedule.xml, frab/pretalx schedule.json).

One rule for the CLI, the web and the API: :func:`import_program`. The parsers in
``rostra.archive.importers`` read the file into dataclasses; this module writes them, all or
nothing, matching what is already there so a second import changes nothing.
"""

from __future__ import annotations

import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from django.db import IntegrityError, OperationalError, transaction

from rostra.archive.importers.detect import parse_program
from rostra.archive.importers.types import ProgramError
from rostra.core.errors import UserError
from rostra.core.paths import unreachable_reason

EVENT_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
KINDS = ("events", "rooms", "days", "sessions", "topics", "speakers", "speeches")
MAX_PROGRAM_BYTES = 200 * 1024 * 1024


@dataclass
class KindCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0


@dataclass
class ImportReport:
    """What an import did (or, with ``dry_run``, would do). ``as_dict()`` is the stable shape
    of ``rostra import --json`` (docs/program-csv.md)."""

    source: str
    format: str
    event: str
    dry_run: bool
    counts: dict[str, KindCounts] = field(
        default_factory=lambda: {kind: KindCounts() for kind in KINDS})
    # Speeches of this event already in the archive that the file no longer lists: kept, as
    # media and transcripts may hang on them; reported so an organizer can look.
    not_in_program: int = 0
    # Every change to an existing speech or event: {"speech"|"event", "applied", "reason",
    # "fields": {name: [old, new]}, "kept_editor_fields"?}; held back ones need --update.
    changes: list[dict] = field(default_factory=list)
    held_back: int = 0
    # One line each about what was left out without failing the import (photos not stored).
    notices: list[str] = field(default_factory=list)

    def count(self, kind: str, outcome: str) -> None:
        counts = self.counts[kind]
        setattr(counts, outcome, getattr(counts, outcome) + 1)

    @property
    def changed(self) -> bool:
        return any(c.created or c.updated for c in self.counts.values())

    def as_dict(self) -> dict:
        return {
            "source": self.source, "format": self.format, "event": self.event,
            "dry_run": self.dry_run, "changed": self.changed,
            "counts": {kind: asdict(counts) for kind, counts in self.counts.items()},
            "not_in_program": self.not_in_program,
            "held_back": self.held_back, "changes": self.changes, "notices": self.notices,
        }


def import_program(path: str | Path, *, event_slug: str | None = None,
                   dry_run: bool = False, update: bool = False, force: bool = False,
                   progress: Callable[[str, int, int], None] | None = None) -> ImportReport:
    """Import the program in ``path`` into the event ``event_slug`` (default: the program's).

    Side effects: creates or updates the event, its rooms, days, sessions, topics, speakers
    and speeches in ONE transaction (any invalid row or file: nothing is written); speeches
    are matched by external id, then guid, within the event, and rows whose values did not
    change are not saved (their ``updated_at`` stays). Sends ``speeches_written`` inside the
    transaction with the created and updated speeches (the search index marks them pending
    and indexes them after the commit: here for a small import, in the background for a big
    one, rostra.search.backlog). With ``dry_run`` the same work is done and rolled
    back. Published and editor-edited speeches are only changed with ``update`` (audited;
    editors' fields kept unless ``force``), and a program sharing no speech with an existing
    event is refused (rostra.archive.domain.import_guard); ``report.changes`` lists every
    change to an existing speech, applied or held back.
    Raises :class:`UserError` (one line: file, location, reason) for any bad input.
    ``progress(stage, done, total)``, when given, is called as speeches are written (for a
    progress bar).
    """
    path = Path(path)
    data = read_program_file(path)
    try:
        program = parse_program(data, source=path.name)
    except ProgramError as error:
        raise UserError(describe_program_error(path.name, error, csv=path_is_csv(data, path)))
    if event_slug is not None:
        if not EVENT_SLUG.match(event_slug):
            raise UserError(f"--event {event_slug!r} is not a slug (lowercase ASCII letters, "
                            "digits, - and _, at most 100); choose another")
        program.event.slug = event_slug
    if not program.event.slug:
        raise UserError(f"{path.name} names no event; add an `event` column or pass "
                        "--event SLUG")
    if not EVENT_SLUG.match(program.event.slug):
        raise UserError(f"{path.name}: event {program.event.slug!r} is not a slug (lowercase "
                        "ASCII letters, digits, - and _, at most 100); fix it or pass "
                        "--event SLUG")
    from rostra.archive.domain.import_guard import ImportRules, check_same_program
    from rostra.archive.domain.program_writer import ProgramWriter

    rules = ImportRules(update=update, force=force)
    photo_notices = [] if dry_run else _store_speaker_photos(program, base_dir=path.parent)
    for attempt in range(1, CLASH_ATTEMPTS + 1):
        report = ImportReport(source=path.name, format=program.format,
                              event=program.event.slug, dry_run=dry_run)
        report.notices.extend(photo_notices)
        try:
            with transaction.atomic():
                check_same_program(program, rules=rules)
                ProgramWriter(program, report, progress=progress, rules=rules).write()
                if dry_run:
                    transaction.set_rollback(True)
            return report
        except ProgramError as error:
            raise UserError(describe_program_error(path.name, error,
                                                   csv=program.format == "csv"))
        except (IntegrityError, OperationalError) as error:
            if not is_concurrent_clash(error):
                raise
            if attempt == CLASH_ATTEMPTS:
                raise UserError(integrity_message(path.name, error)) from None
            # Another import committed the rows this one was about to add: read them again
            # and match them, as a second import of the same file would.
            time.sleep(0.2 * attempt)
    raise AssertionError("unreachable")


def _store_speaker_photos(program, *, base_dir: Path) -> list[str]:
    """Photos first, outside the transaction: a download must not hold the database. A failed
    import leaves only content-addressed files that the next import reuses. Returns the
    notices for the report."""
    from rostra.archive.domain.speaker_photos import store_photos

    speakers = [speaker for speaker in program.speakers.values() if speaker.photo]
    if not speakers:
        return []
    outcome = store_photos([speaker.photo for speaker in speakers], base_dir=base_dir)
    for speaker in speakers:
        speaker.photo_path = outcome.stored.get(speaker.photo, "")
    return [outcome.notice()] if outcome.notice() else []


# Two imports into one event at once: each reads what is there, then writes what is missing,
# so the second to commit meets the first's rows (a unique key; on PostgreSQL possibly a
# deadlock). Trying again, the rows are there and are matched.
CLASH_ATTEMPTS = 4
_CONCURRENCY_SQLSTATES = {"40P01", "40001"}  # deadlock detected, serialization failure


def is_concurrent_clash(error: Exception) -> bool:
    """A unique-key clash, a deadlock or a serialization failure: what a concurrent writer
    causes, and what trying again resolves. Other operational errors are not ours to retry."""
    if isinstance(error, IntegrityError):
        return True
    return getattr(error.__cause__, "sqlstate", None) in _CONCURRENCY_SQLSTATES or \
        "database is locked" in str(error)


def integrity_message(name: str, error: Exception) -> str:
    """One line, without the database's own text (a constraint name and a DETAIL line mean
    nothing to an organizer), when the clash outlasted every attempt."""
    return (f"{name}: the program clashes with rows the archive holds, most often another "
            "import into the same event writing the same speakers or speeches at the same "
            f"time ({CLASH_ATTEMPTS} attempts); nothing was imported: import again when it "
            "has finished")


def read_program_file(path: Path) -> bytes:
    """The file's bytes, or a UserError saying plainly why it cannot be read."""
    reason = unreachable_reason(path)
    if reason == "no such file; check the path":
        raise UserError(f"program file {path} does not exist; check the path")
    if reason:
        raise UserError(f"program file {path}: {reason}")
    if path.is_dir():
        raise UserError(f"{path} is a folder; give the program file inside it")
    try:
        size = path.stat().st_size
        if size > MAX_PROGRAM_BYTES:
            raise UserError(f"{path.name} is {size // 2**20} MiB; a program is rarely over "
                            f"{MAX_PROGRAM_BYTES // 2**20} MiB: is this the right file?")
        data = path.read_bytes()
    except PermissionError:
        raise UserError(f"cannot read {path}: permission denied; check the file's "
                        "permissions") from None
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not data.strip():
        raise UserError(f"{path.name} is empty; export the program again")
    return data


def path_is_csv(data: bytes, path: Path) -> bool:
    return not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"<", b"{", b"["))


def describe_program_error(name: str, error: ProgramError, *, csv: bool) -> str:
    """``program.csv line 14: duration "1:6x" is not HH:MM; fix the row and import again``."""
    location = error.location
    if not location:
        where = name
    elif location.startswith(("line", "byte")):
        where = f"{name} {location}"
    else:
        where = f"{name} at {location}"
    what = "the row" if csv and location.startswith("line") and location != "line 1" \
        else "the file"
    message = f"{where}: {error.reason}; fix {what} and import again"
    more = len(error.problems) - 1
    if more:
        message += f" ({more} more problem{'s' if more > 1 else ''} after this one; " \
                   "nothing was imported)"
    return message

