"""export_transcript: the formats, RTL marks, provenance in JSON."""

from __future__ import annotations

import io
import json

import pytest
import srt
import webvtt

from rostra.core.errors import UserError
from rostra.pipeline.subtitles import RLM
from rostra.transcripts.domain import SegmentData, save_transcript
from rostra.transcripts.exporters import export_media_type, export_transcript

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(speech):
    return save_transcript(speech=speech, language="en", origin="asr", engine="faster-whisper",
                           model="bundled-base", options={"beam_size": 5}, segments=[
                               SegmentData(0, 2500, "Cities reuse water."),
                               SegmentData(2500, 5000, "Rain gardens help."),
                           ])


@pytest.fixture
def persian(speech, english):
    return save_transcript(speech=speech, language="fa", origin="mt", engine="ctranslate2",
                           model="nllb-200-distilled-600M", options={"beam_size": 4},
                           source=english, segments=[
                               SegmentData(0, 2500, "شهرها آب را بازیافت می‌کنند."),
                               SegmentData(2500, 5000, "باغ‌های باران (rain gardens) کمک می‌کنند."),
                           ])


def test_vtt_of_an_rtl_transcript_marks_each_line(persian):
    text = export_transcript(persian, "vtt")
    cues = list(webvtt.from_buffer(io.StringIO(text)))
    assert [c.text for c in cues] == [RLM + "شهرها آب را بازیافت می‌کنند.",
                                      RLM + "باغ‌های باران (rain gardens) کمک می‌کنند."]
    assert cues[1].start == "00:00:02.500"


def test_srt_of_an_ltr_transcript(english):
    text = export_transcript(english, "srt")
    assert [s.content for s in srt.parse(text)] == ["Cities reuse water.", "Rain gardens help."]
    assert RLM not in text


def test_txt(english):
    assert export_transcript(english, "txt") == "Cities reuse water.\nRain gardens help.\n"


def test_json_carries_provenance_and_seconds(persian):
    document = json.loads(export_transcript(persian, "json"))
    assert document["language"] == "fa"
    assert document["direction"] == "rtl"
    assert document["origin"] == "mt"
    assert document["machine"] is True
    assert document["engine"] == "ctranslate2"
    assert document["model"] == "nllb-200-distilled-600M"
    assert document["options"] == {"beam_size": 4}
    assert document["source_language"] == "en"
    assert document["segments"][1] == {"start": 2.5, "end": 5.0, "start_ms": 2500,
                                       "end_ms": 5000,
                                       "text": "باغ‌های باران (rain gardens) کمک می‌کنند."}


def test_unknown_format_is_a_user_error(english):
    with pytest.raises(UserError, match="unknown format 'ass'"):
        export_transcript(english, "ass")
    assert export_media_type("vtt") == "text/vtt; charset=utf-8"
