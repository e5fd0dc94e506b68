"""Reading WebVTT and SRT: encodings, byte-exact RTL text, and clear errors for bad files."""

from __future__ import annotations

import codecs

import pytest

from rostra.pipeline.subtitles import (SubtitleCue, SubtitleError, parse_subtitles,
                                       read_subtitle_file)

ARABIC_SRT = (
    "1\n00:00:01,000 --> 00:00:03,500\nتُعَدّ المدن الذكية مستقبلاً.\n\n"
    "2\n00:00:03,500 --> 00:00:06,000\nالطاقة الشمسية، والرياح؛ والماء؟\n"
)
PERSIAN_VTT = (
    "WEBVTT - گفتار\n\nNOTE a comment\n\n"
    "intro\n00:01.000 --> 00:02.500 align:start\nمی‌خواهم <i>دربارهٔ</i> آب بگویم.\n\n"
    "00:00:02.500 --> 00:00:04.000\nسال ۱۴۰۳ &amp; ۲۰۲۴ &lt;ok&gt;\n"
)


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_srt_rtl_text_is_kept_byte_exact(tmp_path):
    document = read_subtitle_file(write(tmp_path, "a.srt", ARABIC_SRT.encode("utf-8")))
    assert document.format == "srt"
    assert document.cues == (
        SubtitleCue(1000, 3500, "تُعَدّ المدن الذكية مستقبلاً."),
        SubtitleCue(3500, 6000, "الطاقة الشمسية، والرياح؛ والماء؟"),
    )
    # Harakat (U+064F, U+064E, U+0651) survive exactly.
    assert document.cues[0].text.encode("utf-8") == "تُعَدّ المدن الذكية مستقبلاً.".encode("utf-8")


def test_webvtt_with_ids_notes_settings_tags_and_escapes(tmp_path):
    document = read_subtitle_file(write(tmp_path, "p.vtt", PERSIAN_VTT.encode("utf-8")))
    assert document.format == "vtt"
    assert document.cues == (
        SubtitleCue(1000, 2500, "می‌خواهم دربارهٔ آب بگویم."),  # ZWNJ kept, <i> removed
        SubtitleCue(2500, 4000, "سال ۱۴۰۳ & ۲۰۲۴ <ok>"),
    )


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be"])
def test_byte_order_marks(tmp_path, encoding):
    data = ARABIC_SRT.encode(encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    document = read_subtitle_file(write(tmp_path, "b.srt", data))
    assert document.cues[1].text == "الطاقة الشمسية، والرياح؛ والماء؟"


def test_windows_1256_arabic_is_detected(tmp_path):
    text = ARABIC_SRT * 1 + (
        "\n3\n00:00:06,000 --> 00:00:09,000\nتستخدم المدن الحديثة الطاقة المتجددة في النقل العام.\n"
    )
    document = read_subtitle_file(write(tmp_path, "old.srt", text.encode("cp1256")))
    assert document.encoding.replace("_", "").lower() in ("cp1256", "windows1256")
    assert document.cues[0].text == "تُعَدّ المدن الذكية مستقبلاً."


def test_crlf_line_endings(tmp_path):
    document = read_subtitle_file(write(tmp_path, "w.srt",
                                        ARABIC_SRT.replace("\n", "\r\n").encode("utf-8")))
    assert len(document.cues) == 2 and "\r" not in document.cues[0].text


@pytest.mark.parametrize("data, message", [
    (b"", "is empty"),
    (b"  \n\n ", "is empty"),
    (b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00", "is binary"),
    (b"hello, this is a letter\nnot subtitles\n", "neither WebVTT"),
    ("WEBVTT\n\nNOTE only a note\n".encode(), "has no cues"),
])
def test_not_subtitles(tmp_path, data, message):
    with pytest.raises(SubtitleError, match=message):
        read_subtitle_file(write(tmp_path, "x.srt", data))


def test_missing_file(tmp_path):
    with pytest.raises(SubtitleError, match="no such file"):
        read_subtitle_file(tmp_path / "nope.vtt")


def test_bad_timestamp_names_line_and_cue():
    text = "1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00:02,000 --> 00:0x:03,000\nbad\n"
    with pytest.raises(SubtitleError,
                       match=r"line 6 \(cue 2\): bad timestamp '00:0x:03,000'; expected HH:MM:SS"):
        parse_subtitles(text, name="talk.srt")


def test_webvtt_needs_milliseconds():
    with pytest.raises(SubtitleError, match=r"line 3 \(cue 1\): bad timestamp '00:01'"):
        parse_subtitles("WEBVTT\n\n00:01 --> 00:02.000\nhi\n")


def test_end_before_start():
    with pytest.raises(SubtitleError, match=r"line 2 \(cue 1\): ends \(00:00:01.000\) before it "
                                            r"starts \(00:00:05.000\)"):
        parse_subtitles("1\n00:00:05,000 --> 00:00:01,000\nbackwards\n")


def test_overlapping_cues_are_rejected_beyond_a_small_tolerance():
    small = ("1\n00:00:00,000 --> 00:00:02,200\na\n\n"
             "2\n00:00:02,000 --> 00:00:04,000\nb\n")
    assert len(parse_subtitles(small).cues) == 2
    garbage = ("1\n00:00:00,000 --> 00:00:09,000\na\n\n"
               "2\n00:00:02,000 --> 00:00:04,000\nb\n")
    with pytest.raises(SubtitleError, match=r"cue 2\): starts at 00:00:02.000, 7.0 s before"):
        parse_subtitles(garbage)


def test_out_of_order_cues():
    text = ("1\n00:00:05,000 --> 00:00:06,000\na\n\n2\n00:00:01,000 --> 00:00:02,000\nb\n")
    with pytest.raises(SubtitleError, match="cues must be in time order"):
        parse_subtitles(text)


def test_missing_cue_number_or_timing_line():
    with pytest.raises(SubtitleError, match=r"line 5 \(cue 2\): expected a cue number"):
        parse_subtitles("1\n00:00:01,000 --> 00:00:02,000\na\n\nx\n00:00:02,000 --> 00:00:03,000\n"
                        "b\n")
    with pytest.raises(SubtitleError, match=r"line 4 \(cue 1\): expected a timing line"):
        parse_subtitles("WEBVTT\n\nid\nno timing here\n")


def test_empty_cues_are_skipped_with_a_note():
    document = parse_subtitles("WEBVTT\n\n00:00.000 --> 00:01.000\n\n00:01.000 --> 00:02.000\nx\n")
    assert document.cues == (SubtitleCue(1000, 2000, "x"),)
    assert document.warnings == ("cue 1 has no text and was skipped",)


def test_numeric_entities_and_a_cue_glued_to_the_header():
    document = parse_subtitles("WEBVTT\n\n00:00.000 --> 00:01.000\n&#1575;&#x644; R&D\n")
    assert document.cues[0].text == "ال R&D"
    with pytest.raises(SubtitleError, match=r"line 2 \(cue 1\): a blank line must separate"):
        parse_subtitles("WEBVTT\n00:00.000 --> 00:01.000\nhi\n")
