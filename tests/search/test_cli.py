"""`rostra search` as an operator runs it: a real subprocess on a real data dir."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tests.clirunner import run_rostra

pytestmark = pytest.mark.slow

BUILD_ARCHIVE = textwrap.dedent("""
    import os, django
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rostra.settings")
    django.setup()
    from rostra.cli.database import ensure_database
    ensure_database()
    from rostra.archive.domain.publishing import publish_speech
    from rostra.archive.models import Event, Speech
    from rostra.transcripts.domain import SegmentData, save_transcript
    event = Event.objects.create(slug="expo", name={"en": "Expo"})
    water = Speech.objects.create(event=event, slug="clean-water", original_language="fa",
                                  title={"fa": "آب آشامیدنی سالم", "en": "Safe drinking water"})
    save_transcript(speech=water, language="fa", origin="human", segments=[
        SegmentData(0, 3000, "سلام و خوش آمدید."),
        SegmentData(3000, 7500, "شهرها آبِ رودخانه را پیش از رسیدن به خانه‌ها تصفیه می‌کنند.")])
    publish_speech(water, languages=["fa"])
    stars = Speech.objects.create(event=event, slug="distant-galaxies", original_language="en",
                                  title={"en": "Distant galaxies"})
    save_transcript(speech=stars, language="en", origin="human", segments=[
        SegmentData(0, 4000, "Telescopes let astronomers watch distant galaxies.")])
    # Not published: the operator's CLI still finds it.
""")


@pytest.fixture(scope="module")
def archive_dir(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("cli-search")
    environ = {"ROSTRA_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin"}
    import os

    environ = {k: v for k, v in os.environ.items()
               if not k.startswith("ROSTRA_") and k != "DJANGO_SETTINGS_MODULE"}
    environ["ROSTRA_DATA_DIR"] = str(data_dir)
    subprocess.run([sys.executable, "-c", BUILD_ARCHIVE], check=True, env=environ, timeout=300)
    return data_dir


def test_json_hits_are_indexed_as_transcripts_are_saved(archive_dir):
    result = run_rostra("search", "تصفيه آب", "--json", data_dir=archive_dir)
    assert result.returncode == 0, result.stderr
    hits = result.json()
    assert hits[0]["speech"] == "clean-water"
    assert hits[0]["language"] == "fa"
    assert hits[0]["start"] == 3.0 and hits[0]["end"] == 7.5
    assert "تصفیه" in hits[0]["snippet"]
    assert set(hits[0]) >= {"speech", "title", "language", "start", "end", "snippet", "score"}
    scores = [hit["score"] for hit in hits]
    assert hits[0]["speech_score"] >= hits[-1]["speech_score"]
    assert all(isinstance(score, float) for score in scores)


def test_cross_lingual_and_unpublished(archive_dir):
    result = run_rostra("search", "ستاره‌شناسی و تلسکوپ", "--json", "--limit", "1",
                        data_dir=archive_dir)
    assert result.returncode == 0, result.stderr
    assert [hit["speech"] for hit in result.json()] == ["distant-galaxies"]


def test_metadata_hit_has_null_times_and_lang_filter(archive_dir):
    hits = run_rostra("search", "drinking", "--json", "--lang", "en", "--mode", "keyword",
                      data_dir=archive_dir).json()
    assert hits == [{**hits[0], "speech": "clean-water", "start": None, "end": None,
                     "language": "en", "kind": "metadata", "field": "title"}]


def test_reindex_then_plain_output(archive_dir):
    reindex = run_rostra("search", "--reindex", data_dir=archive_dir)
    assert reindex.returncode == 0, reindex.stderr
    assert "indexed" in reindex.stderr
    plain = run_rostra("search", "galaxies", data_dir=archive_dir)
    assert plain.returncode == 0 and "distant-galaxies" in plain.stdout


@pytest.mark.parametrize("args", [["search"], ["search", "   "], ["search", "x", "--limit", "0"],
                                  ["search", "x", "--reindex"]])
def test_mistakes_are_one_line(archive_dir, args):
    result = run_rostra(*args, data_dir=archive_dir)
    assert result.returncode == 2
    assert result.stderr.startswith("rostra: error: ") and "Traceback" not in result.stderr


def test_hostile_query_is_not_an_error(archive_dir):
    result = run_rostra("search", 'NEAR("water" AND *^:', "--json", data_dir=archive_dir)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert isinstance(result.json(), list)
