"""`rostra demo --no-serve` end to end: the real program import, media, bundled Whisper model."""

import pytest

from clirunner import run_rostra

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    data = tmp_path_factory.mktemp("demo")
    result = run_rostra("demo", "--no-serve", data_dir=data, timeout=900)
    assert result.returncode == 0, result.stderr
    return data, result


def test_demo_builds_and_recognizes_english(demo_dir):
    data, result = demo_dir
    rates = {}
    for line in result.stdout.splitlines():
        if "word error rate" in line:
            slug, rest = line.strip().split(": word error rate ")
            rates[slug] = float(rest.split("%")[0]) / 100
    assert set(rates) == {"solar-rooftops", "sleep-and-health"}
    assert all(rate <= 0.10 for rate in rates.values()), rates
    assert "admin login: admin / " in result.stdout


def test_demo_archive_counts(demo_dir):
    data, _ = demo_dir
    status = run_rostra("status", "--json", data_dir=data).json()
    assert (status["events"], status["speeches"], status["media"]) == (1, 6, 6)
    assert status["transcripts"] == {"fa": 6, "ar": 6, "en": 6}
    assert status["transcripts_by_origin"]["en"] == {"asr": 2, "human": 4}
    assert status["states"] == {"published": 5, "needs_review": 1}


def test_demo_is_idempotent(demo_dir):
    data, _ = demo_dir
    again = run_rostra("demo", "--no-serve", data_dir=data)
    assert again.returncode == 0, again.stderr
    assert "6 speeches (0 new)" in again.stdout
    status = run_rostra("status", "--json", data_dir=data).json()
    assert status["speeches"] == 6 and status["media"] == 6


@pytest.mark.parametrize("language, fmt", [("fa", "vtt"), ("ar", "srt"), ("en", "vtt"),
                                           ("en", "srt")])
def test_demo_exports_valid_subtitles(demo_dir, tmp_path, language, fmt):
    import srt
    import webvtt

    data, _ = demo_dir
    out = tmp_path / f"out.{fmt}"
    result = run_rostra("subtitles", "export", "solar-rooftops", language, "--format", fmt,
                        "-o", str(out), data_dir=data)
    assert result.returncode == 0, result.stderr
    if fmt == "vtt":
        cues = webvtt.read(str(out))
        assert len(cues) > 5
    else:
        cues = list(srt.parse(out.read_text(encoding="utf-8")))
        assert len(cues) > 5


def test_demo_search_finds_persian_speech_from_english_query(demo_dir):
    data, _ = demo_dir
    hits = run_rostra("search", "public library", "--json", "--limit", "5", data_dir=data).json()
    assert hits[0]["speech"] == "public-libraries"


def test_demo_refuses_a_data_dir_with_another_archive(tmp_path, schedules_dir):
    data = tmp_path / "real"
    imported = run_rostra("import", str(schedules_dir / "pretalx-democon.json"), data_dir=data,
                          env={"ROSTRA_EMBEDDINGS": "none"})
    assert imported.returncode == 0, imported.stderr
    result = run_rostra("demo", "--no-serve", data_dir=data)
    assert result.returncode == 2
    assert "already holds another archive" in result.stderr
    assert "Traceback" not in result.stderr
