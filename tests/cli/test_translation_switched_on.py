"""From a fresh data dir to a speech published in fa, ar and en, with no setting typed by hand.

`rostra models fetch m2m100-418m` against a local stand-in for the Hugging Face Hub (a tiny
random-weight M2M100 model the test builds, see tests/pipeline/hub_server.py), a spoken
English clip (espeak-ng) recognised by the bundled Whisper model, translation through engine
``auto``, an editor publishing all three languages as machine output, and the public pages.
The tiny model's translations are gibberish: this proves the wiring, never quality.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from clirunner import one_error_line, run_rostra

from rostra.pipeline.mt.catalogue import find_catalogue_model
from rostra.pipeline.mt.tiny_model import build_tiny_model
from tests.pipeline.hub_server import HubServer

HERE = Path(__file__).resolve().parent

DEMO = HERE.parent.parent / "src" / "rostra" / "demo"
SPOKEN = "Solar panels on the library roof make electricity for the whole city."

# The commands run in subprocesses with their own SQLite data dir whatever the suite's
# database, so a second pass on PostgreSQL would repeat the same run.
pytestmark = pytest.mark.skipif(bool(os.environ.get("ROSTRA_DATABASE_URL")),
                                reason="runs the CLI on its own SQLite data dir; once is enough")


@pytest.fixture
def hub(tmp_path):
    model = find_catalogue_model("m2m100-418m")
    server = HubServer().start()
    server.repos[model.repo_id] = build_tiny_model(tmp_path / "repo", family="m2m100")
    yield server
    server.stop()


def publish_and_read_pages(data_dir: Path) -> str:
    script = textwrap.dedent("""
        import django, os
        os.environ["DJANGO_SETTINGS_MODULE"] = "rostra.settings"
        django.setup()
        from django.contrib.auth import get_user_model
        from django.test import Client
        from rostra.archive.models import Speech
        from rostra.review.domain.publishing import publish
        admin = get_user_model().objects.create_superuser("chief-editor", "", "pw-not-used")
        speech = Speech.objects.get(slug="solar-rooftops")
        publish(speech, user=admin, languages=["fa", "ar", "en"], allow_machine=True, via="cli")
        client = Client()
        for language in ("fa", "ar", "en"):
            page = client.get(f"/{language}/speeches/solar-rooftops/")
            print(language, page.status_code, speech.transcripts.filter(language=language)
                  .values_list("origin", flat=True).first())
    """)
    environ = {key: value for key, value in os.environ.items() if not key.startswith("ROSTRA_")}
    environ["ROSTRA_DATA_DIR"] = str(data_dir)
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                               env=environ, timeout=300)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def test_fetch_then_process_publishes_in_three_languages(tmp_path, hub):
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is missing (.ci/run installs it)")
    data = tmp_path / "data"
    before = run_rostra("status", data_dir=data)
    assert "translation: off" in before.stdout
    assert "`rostra models fetch m2m100-418m`" in before.stdout
    fetched = run_rostra("models", "fetch", "m2m100-418m", data_dir=data,
                         env={"HF_ENDPOINT": hub.url})
    assert fetched.returncode == 0, fetched.stderr
    assert "translation: on (m2m100-418m, MIT)" in fetched.stdout
    clip = tmp_path / "solar-rooftops.wav"
    subprocess.run(["espeak-ng", "-v", "en", "-s", "150", "-w", str(clip), SPOKEN], check=True)
    assert run_rostra("import", str(DEMO / "program.csv"), data_dir=data).returncode == 0
    added = run_rostra("media", "add", str(clip), "--speech", "solar-rooftops", data_dir=data)
    assert added.returncode == 0, added.stderr
    processed = run_rostra("process", "solar-rooftops", data_dir=data)
    assert processed.returncode == 0, processed.stdout + processed.stderr
    assert processed.stdout.splitlines()[0] == "translation: on (m2m100-418m, MIT)"
    pages = publish_and_read_pages(data).split("\n")
    assert "fa 200 mt" in pages and "ar 200 mt" in pages and "en 200 asr" in pages


def test_argos_packages_from_their_index_publish_in_three_languages(tmp_path):
    """The same path with Argos Translate packages fetched from a stand-in of their index."""
    from rostra.pipeline.mt.tiny_model import build_tiny_argos_package
    from tests.pipeline.argos_server import ArgosIndexServer

    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is missing (.ci/run installs it)")
    index = ArgosIndexServer().start()
    try:
        for seed, target in enumerate(("fa", "ar")):
            package = build_tiny_argos_package(tmp_path / f"en_{target}.argosmodel",
                                               source="en", target=target, seed=seed)
            index.add(package, source="en", target=target, version="1.0")
        data = tmp_path / "data"
        env = {"ROSTRA_ARGOS_INDEX": index.index_url}
        for name in ("argos-en-fa", "argos-en-ar"):
            fetched = run_rostra("models", "fetch", name, data_dir=data, env=env)
            assert fetched.returncode == 0, fetched.stderr
            assert f"{name}: 1 files" in fetched.stdout and "index.json" in fetched.stdout
        on = "translation: on (argos, licence in each package's README.md)"
        assert on in fetched.stdout
        listed = run_rostra("models", "list", data_dir=data)
        assert "en→fa direct" in listed.stdout and "fa→ar not covered" in listed.stdout
        bad = run_rostra("models", "fetch", "argos-fa-en", data_dir=data, env=env)
        assert one_error_line(bad).endswith("lists no fa → en package")
    finally:
        index.stop()
    clip = tmp_path / "solar-rooftops.wav"
    subprocess.run(["espeak-ng", "-v", "en", "-s", "150", "-w", str(clip), SPOKEN], check=True)
    assert run_rostra("import", str(DEMO / "program.csv"), data_dir=data).returncode == 0
    added = run_rostra("media", "add", str(clip), "--speech", "solar-rooftops", data_dir=data)
    assert added.returncode == 0, added.stderr
    processed = run_rostra("process", "solar-rooftops", data_dir=data)
    assert processed.returncode == 0, processed.stdout + processed.stderr
    assert processed.stdout.splitlines()[0] == on
    pages = publish_and_read_pages(data).split("\n")
    assert "fa 200 mt" in pages and "ar 200 mt" in pages and "en 200 asr" in pages
