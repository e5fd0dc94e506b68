"""Cutting words into subtitle cues (≤ 2 lines of ≤ 42 characters, 1–7 s) and breaking lines."""

from __future__ import annotations

from rostra.pipeline.segmentation import (CueLimits, break_lines, cues_from_segments,
                                          cues_from_words, join_words)
from rostra.pipeline.types import RecognizedSegment, Word

LONG_TEXT = (
    "The city library opened a new science wing this spring. Visitors can explore exhibits "
    "about the ocean, the stars, and the human heart, and children can build small robots "
    "that walk, talk and draw pictures of distant planets. It is open every day."
)


def timed_words(text: str, *, ms_per_char: int = 70, gap_ms: int = 40) -> list[Word]:
    words, position = [], 0
    for token in text.split():
        length = ms_per_char * len(token) + 60
        words.append(Word(position, position + length, " " + token))
        position += length + gap_ms
    return words


def assert_within_limits(cues, limits=CueLimits()):
    for cue in cues:
        assert 1 <= len(cue.lines) <= limits.max_lines
        assert all(len(line) <= limits.max_line_chars for line in cue.lines), cue.lines
        assert cue.end_ms - cue.start_ms <= limits.max_ms
    for before, after in zip(cues, cues[1:]):
        assert before.end_ms <= after.start_ms


def test_cues_keep_every_word_in_order_within_limits():
    words = timed_words(LONG_TEXT)
    cues = cues_from_words(words)
    assert_within_limits(cues)
    assert " ".join(" ".join(cue.lines) for cue in cues) == LONG_TEXT
    assert [w for cue in cues for w in cue.words] == words
    assert all(cue.end_ms - cue.start_ms >= 1000 for cue in cues)


def test_cues_end_at_sentence_ends_when_they_can():
    cues = cues_from_words(timed_words(LONG_TEXT))
    assert cues[0].text.endswith("spring.")
    assert cues[-1].text == "It is open every day."


def test_a_long_sentence_is_cut_after_a_comma_rather_than_mid_clause():
    cues = cues_from_words(timed_words(LONG_TEXT))
    inner = [cue.text for cue in cues[1:-1]]
    assert all(text.replace("\n", " ").endswith((",", ".")) for text in inner), inner


def test_a_long_pause_starts_a_new_cue():
    words = [Word(0, 400, " Hello"), Word(450, 900, " everyone"), Word(4000, 4400, " Welcome")]
    cues = cues_from_words(words)
    assert [cue.text for cue in cues] == ["Hello everyone", "Welcome"]


def test_short_cue_is_held_for_a_second_but_never_over_the_next():
    words = [Word(0, 300, " Yes."), Word(800, 1200, " Exactly"), Word(1250, 2600, " so.")]
    cues = cues_from_words(words, limits=CueLimits(pause_ms=500))
    assert [cue.text for cue in cues] == ["Yes.", "Exactly so."]
    assert cues[0].end_ms == 800  # held up to the next cue, not the full second
    last = cues_from_words([Word(0, 300, " Thanks.")])[0]
    assert last.end_ms == 1000


def test_slow_speech_never_stays_more_than_seven_seconds():
    cues = cues_from_words(timed_words(LONG_TEXT, ms_per_char=300))
    assert_within_limits(cues)


def test_right_to_left_text_is_cut_the_same_way():
    text = ("کتابخانه شهر امسال بخش تازه‌ای برای علم گشود، و بازدیدکنندگان می‌توانند "
            "نمایشگاه‌هایی درباره اقیانوس، ستارگان و قلب انسان ببینند. کودکان ربات می‌سازند.")
    cues = cues_from_words(timed_words(text))
    assert_within_limits(cues)
    assert " ".join(" ".join(cue.lines) for cue in cues) == text
    assert cues[-1].text == "کودکان ربات می‌سازند."


def test_break_lines_balances_two_lines():
    lines = break_lines("Visitors can explore exhibits about the ocean and the human heart.")
    assert len(lines) == 2
    assert all(len(line) <= 42 for line in lines)
    assert abs(len(lines[0]) - len(lines[1])) <= 12


def test_break_lines_prefers_a_clause_end():
    assert break_lines("Today I will talk about the water, and how our cities clean it.") == \
        ("Today I will talk about the water,", "and how our cities clean it.")


def test_break_lines_leaves_short_text_alone():
    assert break_lines("Good morning.") == ("Good morning.",)
    assert break_lines("") == ()


def test_join_words_spaces_bare_words():
    assert join_words([Word(0, 1, "Hello"), Word(1, 2, "world")]) == "Hello world"
    assert join_words([Word(0, 1, " Hello"), Word(1, 2, ",")]) == "Hello,"


def test_segments_without_word_timings_are_spread_evenly():
    segment = RecognizedSegment(0, 6000, "Solar panels turn sunlight into electricity.")
    cues = cues_from_segments([segment])
    assert [cue.text for cue in cues] == ["Solar panels turn\nsunlight into electricity."]
    assert cues[0].start_ms == 0 and cues[0].end_ms == 6000
