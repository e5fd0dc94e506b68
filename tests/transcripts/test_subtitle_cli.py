"""`rostra subtitles import|export` through a real subprocess."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
import srt
import webvtt

RLM = "\u200f"


def cli_environment(data_dir) -> dict:
    """The child runs on SQLite in its own data dir whatever database the suite uses: it
    tests the command line, and must not leave rows in a shared PostgreSQL database."""
    env = dict(os.environ, ROSTRA_DATA_DIR=str(data_dir))
    env.pop("ROSTRA_DATABASE_URL", None)
    return env


def rostra(*args, data_dir, env_extra=None):
    env = cli_environment(data_dir)
    env.update(env_extra or {})
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run([sys.executable, "-m", "rostra", *args], capture_output=True,
                          env=env, timeout=120)


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """A data dir with one English speech; Django set up in a child process, not here."""
    root = tmp_path_factory.mktemp("cli")
    data_dir = root / "data"
    script = (
        "import django, os; django.setup()\n"
        "from rostra.cli.database import ensure_database; ensure_database()\n"
        "from rostra.archive.models import Event, Speech\n"
        "e = Event.objects.create(slug='okd', name={'en': 'Open Knowledge Days'})\n"
        "Speech.objects.create(event=e, slug='water-in-cities', original_language='en',"
        " title={'en': 'Water in cities'})\n"
    )
    env = dict(cli_environment(data_dir), DJANGO_SETTINGS_MODULE="rostra.settings")
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=120)
    vtt = root / "fa.vtt"
    vtt.write_text("WEBVTT\n\n00:00.000 --> 00:02.000\n2025 سال آب است.\n\n"
                   "00:02.000 --> 00:04.500\nشهرها (cities) رشد می‌کنند!\n", encoding="utf-8")
    return root, data_dir


def test_import_then_export_vtt_to_stdout(archive):
    root, data_dir = archive
    result = rostra("subtitles", "import", "water-in-cities", "fa", str(root / "fa.vtt"),
                    data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert b"imported 2 cues" in result.stderr
    result = rostra("subtitles", "export", "water-in-cities", "fa", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode("utf-8")
    cues = list(webvtt.from_buffer(io.StringIO(text)))
    assert [c.text for c in cues] == [RLM + "2025 سال آب است.", RLM + "شهرها (cities) رشد می‌کنند!"]
    assert cues[1].end == "00:00:04.500"


def test_export_srt_and_json_to_files(archive, tmp_path):
    root, data_dir = archive
    rostra("subtitles", "import", "water-in-cities", "fa", str(root / "fa.vtt"), data_dir=data_dir)
    out = tmp_path / "fa.srt"
    result = rostra("subtitles", "export", "water-in-cities", "fa", "-o", str(out),
                    data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout == b""
    parsed = list(srt.parse(out.read_text(encoding="utf-8")))
    assert [s.content for s in parsed] == [RLM + "2025 سال آب است.",
                                          RLM + "شهرها (cities) رشد می‌کنند!"]
    result = rostra("subtitles", "export", "water-in-cities", "fa", "--format", "json",
                    "--origin", "human", data_dir=data_dir)
    assert b'"origin": "human"' in result.stdout


@pytest.mark.parametrize("args, message", [
    (("export", "no-such-talk", "fa"), "no speech with slug 'no-such-talk'"),
    (("export", "water-in-cities", "de"), "'de' is not one of this archive's languages"),
    (("export", "water-in-cities", "ar"),
     "no Arabic transcript of water-in-cities yet: translation: off (no translation model "
     "installed); switch it on with `rostra models fetch m2m100-418m`"),
    (("import", "water-in-cities", "fa", "/nonexistent/fa.srt"), "no such file"),
])
def test_errors_are_one_line(archive, args, message):
    _, data_dir = archive
    result = rostra("subtitles", *args, data_dir=data_dir)
    assert result.returncode != 0
    stderr = result.stderr.decode("utf-8")
    assert stderr.startswith("rostra: error: ") and message in stderr
    assert stderr.count("\n") == 1 and "Traceback" not in stderr


def test_import_rejects_an_empty_file(archive, tmp_path):
    _, data_dir = archive
    empty = tmp_path / "empty.srt"
    empty.write_bytes(b"")
    result = rostra("subtitles", "import", "water-in-cities", "en", str(empty), data_dir=data_dir)
    assert result.returncode == 2
    assert b"is empty" in result.stderr
