"""Conference programs made up for tests: as many speeches as a test needs, in the CSV format
(docs/program-csv.md), each speech findable by a word of its own."""

from __future__ import annotations

import csv
import io
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

COLUMNS = ["id", "event", "event_name_en", "title_en", "abstract_en", "language", "start",
           "duration", "room", "speakers_en", "speaker_ids"]
COMMON_WORD = "lighthouse"
SUBJECTS = ["rivers", "bridges", "libraries", "orchards", "glaciers", "markets", "tides",
            "comets", "forests", "harbours"]


def speech_word(number: int) -> str:
    """A letters-only word no other speech has (``quil`` + number in letters a-j)."""
    return "quil" + "".join("abcdefghij"[int(digit)] for digit in f"{number:05d}")


def program_csv(count: int, *, event: str = "harbour-expo", first: int = 1,
                speakers: int = 20) -> str:
    """``count`` speeches ``s<first>``…, sharing ``speakers`` speakers between them."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    start = datetime(2025, 9, 1, 9, 0, tzinfo=timezone.utc)
    for number in range(first, first + count):
        subject = SUBJECTS[number % len(SUBJECTS)]
        speaker = number % speakers
        writer.writerow([
            f"s{number}", event, "Harbour Expo" if number == first else "",
            f"How {subject} change a city, part {number}",
            f"A {COMMON_WORD} talk on {subject} and the word {speech_word(number)}, "
            "with maps, measurements and questions from the audience.",
            "en", (start + timedelta(minutes=30 * number)).isoformat(), "00:25",
            f"Hall {number % 4}", f"Speaker Number{speaker}", f"p{speaker}"])
    return out.getvalue()


def write_program(path: Path, count: int, **options) -> Path:
    path.write_text(program_csv(count, **options), encoding="utf-8")
    return path


def pg_admin(postgres_url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute(statement)


@contextmanager
def fresh_postgres_database(postgres_url: str, name: str):
    """A new, empty database on the server for subprocesses (they cannot see the test's
    transaction); its URL, dropped afterwards."""
    pg_admin(postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    pg_admin(postgres_url, f'CREATE DATABASE "{name}"')
    try:
        yield postgres_url.rsplit("/", 1)[0] + "/" + name
    finally:
        pg_admin(postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def processes_running(module: str, data_dir: Path) -> list[int]:
    """Ids of this user's processes running ``python -m module`` on ``data_dir``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if module.encode() in command and f"ROSTRA_DATA_DIR={data_dir}".encode() in environ:
            state = (entry / "stat").read_text().split(")")[-1].split()[0]
            if state != "Z":
                found.append(int(entry.name))
    return found
