"""Writers: WebVTT/SRT valid for webvtt-py and srt, RTL lines marked, round trips byte-exact."""

from __future__ import annotations

import io

import pytest
import srt
import webvtt

from rostra.pipeline.subtitles import (RLM, SubtitleCue, format_timestamp, parse_subtitles,
                                       write_plain_text, write_srt, write_webvtt)

PERSIAN = [
    SubtitleCue(0, 1500, "CRISPR یک ابزار ویرایش ژن است."),
    SubtitleCue(1500, 4200, "در سال ۲۰۲۵ شهرها\nمی‌خواهند آب را بازیافت کنند؟"),
    SubtitleCue(4200, 7000, "۳۰ درصد «انرژی» & <گرما>!"),
]
ARABIC = [SubtitleCue(61_000, 3_725_010, "تُعَدّ المدن الذكية (Smart Cities) مستقبلاً.")]


def test_timestamps():
    assert format_timestamp(0) == "00:00:00.000"
    assert format_timestamp(3_725_010) == "01:02:05.010"
    assert format_timestamp(3_725_010, separator=",") == "01:02:05,010"


def test_webvtt_rtl_lines_start_with_a_right_to_left_mark():
    text = write_webvtt(PERSIAN, right_to_left=True)
    assert text.startswith("WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.500\n")
    cue_lines = [line for line in text.split("\n")
                 if line and "-->" not in line and not line.isdigit() and line != "WEBVTT"]
    assert len(cue_lines) == 4
    assert all(line.startswith(RLM) and not line.startswith(RLM * 2) for line in cue_lines)
    # Markup characters are escaped, so the cue text is not mistaken for tags.
    assert f"{RLM}۳۰ درصد «انرژی» &amp; &lt;گرما&gt;!\n" in text


def test_ltr_output_has_no_marks():
    text = write_webvtt([SubtitleCue(0, 1000, "Water in cities.")])
    assert RLM not in text
    assert text == "WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.000\nWater in cities.\n"


@pytest.mark.parametrize("cues", [PERSIAN, ARABIC])
def test_webvtt_py_parses_the_output(cues):
    text = write_webvtt(cues, right_to_left=True)
    parsed = list(webvtt.from_buffer(io.StringIO(text)))
    assert len(parsed) == len(cues)
    for ours, theirs in zip(cues, parsed):
        assert theirs.start == format_timestamp(ours.start_ms)
        assert theirs.end == format_timestamp(ours.end_ms)
        # webvtt-py hands back raw cue text: unescape it, drop our marks, compare exactly.
        raw = theirs.text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        assert raw.replace(RLM, "") == ours.text


@pytest.mark.parametrize("cues", [PERSIAN, ARABIC])
def test_srt_library_parses_the_output(cues):
    text = write_srt(cues, right_to_left=True)
    parsed = list(srt.parse(text))
    assert [s.index for s in parsed] == list(range(1, len(cues) + 1))
    for ours, theirs in zip(cues, parsed):
        assert theirs.start.total_seconds() * 1000 == pytest.approx(ours.start_ms)
        assert theirs.end.total_seconds() * 1000 == pytest.approx(ours.end_ms)
        assert theirs.content.replace(RLM, "") == ours.text
    assert srt.compose(parsed, reindex=False) == text


@pytest.mark.parametrize("writer", [write_webvtt, write_srt])
def test_round_trip_is_byte_exact_and_marks_are_not_doubled(writer):
    first = writer(PERSIAN + ARABIC, right_to_left=True)
    again = writer(parse_subtitles(first).cues, right_to_left=True)
    assert again.encode("utf-8") == first.encode("utf-8")


def test_text_is_kept_exactly_for_ltr_round_trip():
    cues = [SubtitleCue(0, 900, "a & b <c>"), SubtitleCue(900, 2000, "x\ny")]
    assert parse_subtitles(write_webvtt(cues)).cues == tuple(cues)
    assert parse_subtitles(write_srt(cues)).cues == tuple(cues)


def test_blank_lines_inside_a_cue_cannot_break_the_file():
    text = write_webvtt([SubtitleCue(0, 1000, "one\n\n\ntwo"), SubtitleCue(1000, 2000, "three")])
    assert [c.text for c in webvtt.from_buffer(io.StringIO(text))] == ["one\ntwo", "three"]


def test_plain_text_breaks_after_sentences_without_marks():
    text = write_plain_text(PERSIAN)
    assert RLM not in text
    assert text == ("CRISPR یک ابزار ویرایش ژن است.\n"
                    "در سال ۲۰۲۵ شهرها می‌خواهند آب را بازیافت کنند؟\n"
                    "۳۰ درصد «انرژی» & <گرما>!\n")


def test_an_arrow_in_the_text_cannot_become_a_timing_line():
    text = write_srt([SubtitleCue(0, 1000, "a --> b"), SubtitleCue(1000, 2000, "c")])
    assert [s.content for s in srt.parse(text)] == ["a -> b", "c"]
    vtt = write_webvtt([SubtitleCue(0, 1000, "a --> b")])
    assert [c.text for c in webvtt.from_buffer(io.StringIO(vtt))] == ["a --&gt; b"]
