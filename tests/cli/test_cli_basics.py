"""The CLI contract, end to end through a subprocess."""

import pytest

import mediafactory
from clirunner import one_error_line, run_rostra


def assert_one_line_error(result, *fragments):
    line = one_error_line(result)
    for fragment in fragments:
        assert fragment in line


def test_init_then_status_json(tmp_path):
    data = tmp_path / "data"
    init = run_rostra("init", "--password", "demo-password-1", data_dir=data)
    assert init.returncode == 0, init.stderr
    assert "admin / demo-password-1" in init.stdout
    status = run_rostra("status", "--json", data_dir=data)
    assert status.returncode == 0, status.stderr
    payload = status.json()
    assert (payload["events"], payload["speeches"], payload["media"]) == (0, 0, 0)
    assert payload["transcripts"] == {}


def test_data_dir_flag_overrides_environment(tmp_path):
    flag_dir = tmp_path / "from-flag"
    result = run_rostra("status", "--json", "--data-dir", str(flag_dir),
                        data_dir=tmp_path / "from-env")
    assert result.json()["data_dir"] == str(flag_dir)
    assert (flag_dir / "rostra.sqlite3").exists()


def test_media_add_refuses_bad_files_with_one_line(tmp_path):
    data = tmp_path / "data"
    notes = tmp_path / "notes.ogg"
    notes.write_text("not audio")
    result = run_rostra("media", "add", str(tmp_path / "missing.ogg"), "--match-filenames",
                        data_dir=data)
    assert result.returncode == 1
    assert "missing.ogg: no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_media_add_unknown_speech(tmp_path):
    audio = mediafactory.write_audio(tmp_path / "a.ogg")
    result = run_rostra("media", "add", str(audio), "--speech", "nope", data_dir=tmp_path / "d")
    assert_one_line_error(result, "no speech with slug 'nope'")


def test_bad_configuration_is_one_line(tmp_path):
    result = run_rostra("status", data_dir=tmp_path, env={"ROSTRA_DEBUG": "perhaps"})
    assert_one_line_error(result, "ROSTRA_DEBUG")
    assert result.returncode == 78


def test_serve_refuses_a_bad_port(tmp_path):
    result = run_rostra("serve", "--port", "70000", data_dir=tmp_path)
    assert_one_line_error(result, "70000")


@pytest.mark.parametrize("args", [["--help"], ["status", "--help"], ["media", "add", "--help"]])
def test_help_works(tmp_path, args):
    result = run_rostra(*args, data_dir=tmp_path)
    assert result.returncode == 0
    assert "usage: rostra" in result.stdout


def test_status_table_names_the_language_of_each_transcripts_row():
    from rich.console import Console

    from rostra.cli.commands.status import status_table

    status = {"data_dir": "/data", "database": "sqlite3", "events": 1, "speeches": 2,
              "speakers": 2, "media": 2, "speeches_with_media": 2, "languages": ["fa", "ar", "en"],
              "transcripts_by_origin": {"ar": {"mt": 2}, "en": {"asr": 1, "mt": 1},
                                        "fa": {"human": 1, "mt": 1}},
              "states": {"needs_review": 2}}
    console = Console(width=120, record=True)
    console.print(status_table(status))
    lines = [line.strip("│ ").split("│") for line in console.export_text().splitlines()
             if "transcripts" in line]
    assert [[cell.strip() for cell in line] for line in lines] == [
        ["transcripts in Arabic (ar)", "mt 2"],
        ["transcripts in English (en)", "asr 1, mt 1"],
        ["transcripts in Persian (fa)", "human 1, mt 1"],
    ]


def test_status_recount_says_what_it_recounted_and_keeps_json_clean(tmp_path):
    data = tmp_path / "data"
    assert run_rostra("init", "--password", "demo-password-1", data_dir=data).returncode == 0
    plain = run_rostra("status", "--recount", data_dir=data)
    assert plain.returncode == 0, plain.stderr
    assert "recounted published speeches for 0 speakers and 0 topics" in plain.stdout
    scripted = run_rostra("status", "--recount", "--json", data_dir=data)
    assert scripted.returncode == 0 and scripted.json()["speeches"] == 0
    assert "recounted" in scripted.stderr
