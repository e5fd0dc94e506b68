"""Sentence-context translation: merge cues into sentences, distribute back, stay aligned."""

from __future__ import annotations

import pytest

from rostra.pipeline.mt.base import TranslationEngine
from rostra.pipeline.mt.languages import (model_language_code, opus_pair_dir_name,
                                          parse_opus_pair_dir_name)
from rostra.pipeline.mt.sentences import (TimedText, distribute, group_sentences,
                                          split_fragments, translate_cues)

CUES = [
    TimedText(0, 2000, "Rain gardens help"),
    TimedText(2000, 4500, "cities stay cool. Solar panels"),
    TimedText(4500, 6000, "make power."),
    TimedText(9000, 11000, "a pause before this one"),
    TimedText(11000, 12000, "and it ends here?"),
]


class WordReversingEngine(TranslationEngine):
    """Test double: 'translates' by reversing word order and uppercasing, like a language
    with a different word order; records the sentences it was given."""

    engine = "reverse-words"

    def __init__(self):
        self.seen = []

    @property
    def model(self):
        return "none"

    def supports(self, source, target):
        return True

    def translate_batch(self, texts, source, target):
        self.seen.append(list(texts))
        return [" ".join(reversed(text.upper().split())) for text in texts]


def test_split_fragments():
    assert split_fragments("cities stay cool. Solar «panels»? And 3.5 more") == [
        "cities stay cool.", "Solar «panels»?", "And 3.5 more"]
    assert split_fragments("  ") == []


def test_group_sentences_across_cues_and_pauses():
    sentences = group_sentences(CUES)
    assert [s.text for s in sentences] == [
        "Rain gardens help cities stay cool.",
        "Solar panels make power.",
        "a pause before this one and it ends here?",
    ]
    assert [[f.cue_index for f in s.fragments] for s in sentences] == [[0, 1], [1, 2], [3, 4]]


def test_a_long_pause_closes_a_sentence_without_punctuation():
    cues = [TimedText(0, 1000, "no punctuation"), TimedText(3500, 4000, "after a pause")]
    assert [s.text for s in group_sentences(cues)] == ["no punctuation", "after a pause"]


def test_very_long_runs_without_punctuation_are_bounded():
    cues = [TimedText(i * 1000, i * 1000 + 1000, "words " * 10) for i in range(30)]
    assert all(len(s.text) <= 460 for s in group_sentences(cues))


@pytest.mark.parametrize("text, weights", [
    ("a bb ccc dddd eeeee ffffff", [10, 30, 5]),
    ("شهرها هر روز آب را بازیافت می‌کنند و باران کمک می‌کند", [20, 20, 8]),
    ("one two", [5, 5, 5]),
    ("single", [1, 100]),
])
def test_distribute_keeps_every_word_in_order(text, weights):
    parts = distribute(text, weights)
    assert len(parts) == len(weights)
    assert " ".join(part for part in parts if part).split() == text.split()
    if len(text.split()) >= len(weights):
        assert all(parts)


def test_distribute_is_proportional():
    parts = distribute(" ".join(["word"] * 20), [10, 30, 10])
    assert [len(part.split()) for part in parts] == [4, 12, 4]


def test_translate_cues_keeps_timings_and_words():
    engine = WordReversingEngine()
    result = translate_cues(CUES, engine=engine, source="en", target="fa")
    assert engine.seen == [[s.text for s in group_sentences(CUES)]]  # one batch, whole sentences
    assert [(c.start_ms, c.end_ms) for c in result] == [(c.start_ms, c.end_ms) for c in CUES]
    translated = [" ".join(reversed(s.text.upper().split())) for s in group_sentences(CUES)]
    assert " ".join(" ".join(c.text.split()) for c in result).split() == " ".join(
        translated).split()
    assert all(c.text for c in result)


def test_translated_cues_keep_the_line_limits():
    long_cues = [TimedText(0, 4000, "The museum opened a new hall for science and"),
                 TimedText(4000, 8000, "culture where visitors can touch old instruments.")]

    class Longer(WordReversingEngine):
        def translate_batch(self, texts, source, target):
            return [" ".join(text.split() * 2) for text in texts]

    result = translate_cues(long_cues, engine=Longer(), source="en", target="ar")
    for cue in result:
        lines = cue.text.split("\n")
        assert len(lines) <= 2 and all(len(line) <= 50 for line in lines)


def test_language_codes_in_one_place():
    assert model_language_code("nllb", "fa") == "pes_Arab"
    assert model_language_code("nllb", "ar") == "arb_Arab"
    assert model_language_code("nllb", "en") == "eng_Latn"
    assert model_language_code("m2m100", "fa") == "__fa__"
    assert model_language_code("madlad", "fa") == "<2fa>"
    assert opus_pair_dir_name("en", "ar") == "opus-mt-en-ar"
    assert parse_opus_pair_dir_name("opus-mt-fa-en") == ("fa", "en")
    assert parse_opus_pair_dir_name("opus-mt-en-ROMANCE-x") is None
    with pytest.raises(KeyError):
        model_language_code("nllb", "xx")


def test_pipeline_modules_do_not_import_django():
    import subprocess
    import sys

    code = ("import sys\n"
            "import rostra.pipeline.subtitles, rostra.pipeline.mt.ctranslate2_engine\n"
            "import rostra.pipeline.mt.libretranslate, rostra.pipeline.mt.openai_chat\n"
            "import rostra.pipeline.mt.sentences, rostra.pipeline.mt.tiny_model\n"
            "assert 'django' not in sys.modules, 'django was imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
