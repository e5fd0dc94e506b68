"""The bundled demo conference: files, subtitles, program and media keep their promises.

Fast checks only (no speech recognition): every file the manifest names exists and decodes,
every WebVTT follows the cue rules, the program CSV follows the column contract, and the human
texts in the subtitles are exactly those of speeches.json.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import av
import pytest
import webvtt

import rostra.demo

DEMO_DIR = Path(rostra.demo.__file__).resolve().parent
MANIFEST = json.loads((DEMO_DIR / "manifest.json").read_text(encoding="utf-8"))
SPEECHES = {
    speech["slug"]: speech
    for speech in json.loads((DEMO_DIR / "speeches.json").read_text(encoding="utf-8"))["speeches"]
}
ENTRIES = {entry["slug"]: entry for entry in MANIFEST["speeches"]}
LANGUAGES = ("fa", "ar", "en")
MAX_LINE_CHARS = 42
SUBTITLE_FILES = [
    (slug, lang) for slug, entry in ENTRIES.items() for lang in entry["subtitles"]
]
PROGRAM_COLUMNS = {
    "id", "language", "start", "duration", "title_fa", "title_ar", "title_en",
    "event", "event_name_fa", "event_name_ar", "event_name_en", "event_timezone", "guid",
    "slug", "subtitle_fa", "subtitle_ar", "subtitle_en", "abstract_fa", "abstract_ar",
    "abstract_en", "room", "session", "topics", "topics_fa", "topics_ar", "speakers_en",
    "speakers_fa", "speakers_ar", "speaker_ids", "speaker_countries", "speaker_regions",
    "speaker_affiliations_en", "speaker_affiliations_fa", "speaker_affiliations_ar", "url",
    "license", "type",
}


def seconds(timestamp: str) -> float:
    hours, minutes, rest = timestamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(rest)


def read_program() -> list[dict[str, str]]:
    with open(DEMO_DIR / MANIFEST["program"], encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_six_speeches_two_in_each_language():
    languages = sorted(entry["language"] for entry in ENTRIES.values())
    assert languages == ["ar", "ar", "en", "en", "fa", "fa"]
    assert set(ENTRIES) == set(SPEECHES)


def test_every_manifest_file_exists_and_one_subtitle_is_the_original():
    for slug, entry in ENTRIES.items():
        assert (DEMO_DIR / entry["media"]["file"]).is_file()
        assert Path(entry["media"]["file"]).stem == slug
        assert set(entry["subtitles"]) == set(LANGUAGES)
        for lang, subtitle in entry["subtitles"].items():
            assert (DEMO_DIR / subtitle["file"]).is_file()
            expected = "original" if lang == entry["language"] else "translation"
            assert subtitle["origin"] == expected


def test_total_size_is_under_15_mb():
    total = sum(path.stat().st_size for path in DEMO_DIR.rglob("*") if path.is_file())
    assert total < 15 * 1024 * 1024


@pytest.mark.parametrize("slug", sorted(ENTRIES))
def test_media_decodes_with_audio_and_matches_the_manifest(slug):
    entry = ENTRIES[slug]
    path = DEMO_DIR / entry["media"]["file"]
    assert path.stat().st_size == entry["media"]["size"]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["media"]["sha256"]
    with av.open(str(path)) as container:
        assert len(container.streams.audio) == 1
        decoded_s = sum(frame.samples / frame.sample_rate for frame in container.decode(audio=0))
    assert 30 <= decoded_s <= 120
    assert abs(decoded_s * 1000 - entry["media"]["duration_ms"]) < 100
    if entry["media"]["kind"] == "video":
        with av.open(str(path)) as container:
            assert len(container.streams.video) == 1
            frame = next(container.decode(video=0))
            assert (frame.width, frame.height) == (640, 360)


def test_at_least_two_speeches_are_videos():
    assert sum(entry["media"]["kind"] == "video" for entry in ENTRIES.values()) >= 2


@pytest.mark.parametrize(("slug", "lang"), SUBTITLE_FILES)
def test_subtitles_follow_the_cue_rules(slug, lang):
    entry = ENTRIES[slug]
    cues = webvtt.read(str(DEMO_DIR / entry["subtitles"][lang]["file"]))
    assert len(cues) > 5
    previous_end = 0.0
    for cue in cues:
        start, end = seconds(cue.start), seconds(cue.end)
        assert 1.0 <= end - start <= 7.0, cue.text
        assert start >= previous_end
        previous_end = end
        lines = cue.text.split("\n")
        assert 1 <= len(lines) <= 2
        assert all(0 < len(line) <= MAX_LINE_CHARS for line in lines), cue.text
    assert previous_end * 1000 <= entry["media"]["duration_ms"]


@pytest.mark.parametrize("slug", sorted(ENTRIES))
def test_translations_share_the_original_timings(slug):
    entry = ENTRIES[slug]
    timings = {
        lang: [(cue.start, cue.end) for cue in webvtt.read(str(DEMO_DIR / subtitle["file"]))]
        for lang, subtitle in entry["subtitles"].items()
    }
    original = timings[entry["language"]]
    assert all(timing == original for timing in timings.values())


@pytest.mark.parametrize(("slug", "lang"), SUBTITLE_FILES)
def test_subtitle_text_is_exactly_the_written_text(slug, lang):
    """Right-to-left text, ZWNJ included, reaches the files byte for byte."""
    written = [cue[lang] for sentence in SPEECHES[slug]["sentences"] for cue in sentence]
    cues = webvtt.read(str(DEMO_DIR / ENTRIES[slug]["subtitles"][lang]["file"]))
    assert [cue.text.replace("\n", " ") for cue in cues] == written


def test_persian_and_arabic_use_their_own_letters():
    # Persian writes ی and ک; Arabic writes ي and ك. A mix-up breaks search and looks wrong.
    for slug, speech in SPEECHES.items():
        persian = " ".join(cue["fa"] for sentence in speech["sentences"] for cue in sentence)
        arabic = " ".join(cue["ar"] for sentence in speech["sentences"] for cue in sentence)
        assert not re.search("[يك]", persian), slug
        assert not re.search("[یک\u200c]", arabic), slug
        assert "\u200c" in persian, slug  # می‌شود and friends are written with ZWNJ


def test_vowelled_spoken_forms_say_exactly_the_written_text():
    """The synthesizer reads Arabic with its short vowels; without them it is the same text."""
    harakat = re.compile("[\u064b-\u0652\u0670]")
    spoken_cues = [
        (cue["spoken"], cue[speech["language"]])
        for speech in SPEECHES.values()
        for sentence in speech["sentences"]
        for cue in sentence
        if "spoken" in cue
    ]
    assert spoken_cues
    for spoken, written in spoken_cues:
        assert harakat.sub("", spoken) == harakat.sub("", written)


def test_program_csv_has_the_contract_columns():
    with open(DEMO_DIR / "program.csv", encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert PROGRAM_COLUMNS <= set(header)


def test_program_rows_match_the_media_and_each_other():
    rows = read_program()
    assert sorted(row["slug"] for row in rows) == sorted(ENTRIES)
    assert len({row["id"] for row in rows}) == len({row["guid"] for row in rows}) == len(rows)
    for row in rows:
        entry = ENTRIES[row["slug"]]
        assert row["language"] == entry["language"]
        start = datetime.fromisoformat(row["start"])
        zone = ZoneInfo(row["event_timezone"])
        assert start.utcoffset() == start.astimezone(zone).utcoffset()
        assert re.fullmatch(r"\d\d:\d\d:\d\d", row["duration"])
        duration_s = seconds(row["duration"])
        assert 0 <= duration_s - entry["media"]["duration_ms"] / 1000 < 1
        for lang in LANGUAGES:
            assert row[f"title_{lang}"] and row[f"abstract_{lang}"] and row[f"event_name_{lang}"]
        topic_counts = {len(row[column].split(";")) for column in ("topics", "topics_fa",
                                                                   "topics_ar")}
        assert len(topic_counts) == 1
        speaker_columns = ("speakers_en", "speakers_fa", "speakers_ar", "speaker_ids",
                           "speaker_countries", "speaker_regions", "speaker_affiliations_en",
                           "speaker_affiliations_fa", "speaker_affiliations_ar")
        assert len({len(row[column].split(";")) for column in speaker_columns}) == 1
        assert all(re.fullmatch("[A-Z]{2}", c) for c in row["speaker_countries"].split(";"))


def test_program_spreads_over_two_days_and_two_rooms():
    rows = read_program()
    assert len({row["start"][:10] for row in rows}) == 2
    assert len({row["room"] for row in rows}) == 2
    assert len({row["session"] for row in rows}) >= 2
