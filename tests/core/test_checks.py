"""System checks: each combination of settings that cannot work has an id and a hint."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.checks import run_checks

from rostra.core.checks import TAG
from tests.clirunner import run_rostra

DOCS = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def check_ids() -> list[str]:
    return sorted(message.id for message in run_checks(tags=[TAG]))


def test_the_defaults_pass(settings):
    assert check_ids() == []


@pytest.mark.parametrize("values, expected", [
    ({"ROSTRA_MT_ENGINE": "ctranslate2", "ROSTRA_MT_MODEL": ""}, ["rostra.E001"]),
    ({"ROSTRA_MT_ENGINE": "ctranslate2", "ROSTRA_MT_MODEL": "/no/such/model"}, ["rostra.E002"]),
    ({"ROSTRA_MT_ENGINE": "libretranslate", "ROSTRA_MT_URL": ""}, ["rostra.E003"]),
    ({"ROSTRA_MT_ENGINE": "openai", "ROSTRA_MT_URL": "http://127.0.0.1:9",
      "ROSTRA_MT_CHAT_MODEL": ""}, ["rostra.E004"]),
    ({"ROSTRA_MT_ENGINE": "openai", "ROSTRA_MT_URL": "", "ROSTRA_MT_CHAT_MODEL": ""},
     ["rostra.E003", "rostra.E004"]),
    ({"ROSTRA_EMBEDDINGS": "sentence-transformers", "ROSTRA_EMBEDDINGS_MODEL": ""},
     ["rostra.E005"]),
    ({"ROSTRA_BROKER_URL": "http://127.0.0.1:6379"}, ["rostra.E006"]),
    ({"ROSTRA_MT_ENGINE": "none", "ROSTRA_MT_URL": "http://127.0.0.1:9"}, ["rostra.W002"]),
])
def test_combinations_that_cannot_work_are_reported(settings, values, expected):
    for name, value in values.items():
        setattr(settings, name, value)
    assert check_ids() == expected
    for message in run_checks(tags=[TAG]):
        assert message.hint  # every problem says what to do


def test_a_broker_with_sqlite_warns_that_other_machines_cannot_reach_it(settings):
    settings.ROSTRA_BROKER_URL = "redis://127.0.0.1:6379/0"
    sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    assert check_ids() == (["rostra.W001"] if sqlite else [])


def test_a_ctranslate2_model_folder_passes(settings, tmp_path):
    settings.ROSTRA_MT_ENGINE = "ctranslate2"
    settings.ROSTRA_MT_MODEL = str(tmp_path)
    assert check_ids() == []


def test_every_check_id_is_documented():
    source = (Path(__file__).resolve().parents[2] / "src" / "rostra" / "core" / "checks.py")
    ids = set(re.findall(r'id="(rostra\.[EW]\d{3})"', source.read_text(encoding="utf-8")))
    documented = set(re.findall(r"`(rostra\.[EW]\d{3})`", DOCS.read_text(encoding="utf-8")))
    assert ids == documented


def test_the_cli_stops_on_an_error_with_one_line_per_problem(tmp_path):
    result = run_rostra("status", data_dir=tmp_path,
                        env={"ROSTRA_MT_ENGINE": "openai", "ROSTRA_MT_URL": ""})
    assert result.returncode == 78
    assert result.stderr.splitlines() == [
        "rostra: error: rostra.E003: ROSTRA_MT_ENGINE=openai but ROSTRA_MT_URL is empty (set "
        "ROSTRA_MT_URL to the address of the translation server)",
        "rostra: error: rostra.E004: ROSTRA_MT_ENGINE=openai but ROSTRA_MT_CHAT_MODEL is empty "
        "(set ROSTRA_MT_CHAT_MODEL to a model the endpoint serves (GET /v1/models))",
    ]
    assert "Traceback" not in result.stderr


def test_the_cli_refuses_a_boolean_spelled_otherwise(tmp_path):
    result = run_rostra("status", data_dir=tmp_path, env={"ROSTRA_DEBUG": "yes"})
    assert result.returncode == 78
    assert result.stderr.strip() == ("rostra: error: ROSTRA_DEBUG='yes' is not valid: expected "
                                     "true or false; see docs/configuration.md")
