"""`rostra import` end to end, through a subprocess, as an organizer runs it."""

from __future__ import annotations

from pathlib import Path

import pytest

from clirunner import one_error_line, run_rostra

REPO = Path(__file__).resolve().parents[2]
# The import has the search index embed each new speech (rostra.search.backlog). This
# file tests the import, so it leaves embeddings out (search has its own tests).
FAST = {"ROSTRA_EMBEDDINGS": "none"}


def rostra(*args, data_dir: Path):
    return run_rostra(*args, "--data-dir", str(data_dir), data_dir=data_dir, env=FAST)


def test_import_31c3_twice_then_status(tmp_path, schedules_dir):
    data = tmp_path / "data"
    program = str(schedules_dir / "31c3-frab-schedule.xml")
    first = rostra("import", program, "--json", data_dir=data)
    assert first.returncode == 0, first.stderr
    report = first.json()
    assert report["counts"]["speeches"] == {"created": 138, "updated": 0, "unchanged": 0,
                                            "errors": 0}
    assert (report["format"], report["event"], report["changed"]) == ("frab-xml", "31c3", True)
    assert rostra("status", "--json", data_dir=data).json()["speeches"] == 138

    second = rostra("import", program, data_dir=data)
    assert second.returncode == 0, second.stderr
    assert "nothing changed." in second.stdout
    assert "speeches" in second.stdout and "138" in second.stdout
    status = rostra("status", "--json", data_dir=data).json()
    assert (status["events"], status["speeches"]) == (1, 138)


def test_dry_run_and_example_csv(tmp_path):
    data = tmp_path / "data"
    example = str(REPO / "docs" / "example-program.csv")
    dry = rostra("import", example, "--dry-run", "--json", data_dir=data)
    assert dry.returncode == 0, dry.stderr
    assert dry.json()["dry_run"] is True
    assert dry.json()["counts"]["speeches"]["created"] == 6
    assert rostra("status", "--json", data_dir=data).json()["speeches"] == 0
    real = rostra("import", example, "--event", "demo-days", data_dir=data)
    assert real.returncode == 0, real.stderr
    assert "demo-days" in real.stdout
    assert rostra("status", "--json", data_dir=data).json()["speeches"] == 6


@pytest.mark.parametrize("name, content, fragment", [
    ("missing.xml", None, "does not exist"),
    ("empty.csv", b"", "is empty"),
    ("picture.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00", "this is a PNG image"),
    ("truncated.json", b'{"schedule": {"version": "1", "conference": {"title": "x"',
     "truncated"),
    ("notes.txt", b"just words, nothing else\n", "the first line is not a program's header"),
    ("program.csv", "id,event,title_en,language,start,duration\n"
                    "t1,ev,Rivers,en,2025-05-14T10:00:00+03:30,1:6x\n".encode(),
     'program.csv line 2: duration "1:6x" is not HH:MM, HH:MM:SS or whole minutes; '
     "fix the row and import again"),
])
def test_bad_programs_fail_with_one_line(tmp_path, name, content, fragment):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = rostra("import", str(path), data_dir=tmp_path / "data")
    assert result.returncode == 2
    assert fragment in one_error_line(result)


def test_invalid_example_fails_with_one_line(tmp_path, schedules_dir):
    result = rostra("import", str(schedules_dir / "invalid-example.json"),
                    data_dir=tmp_path / "data")
    line = one_error_line(result)
    assert 'invalid-example.json at schedule.conference.days[0].rooms["Winterchaos"][0].id' \
        in line
    assert rostra("status", "--json", data_dir=tmp_path / "data").json()["speeches"] == 0
