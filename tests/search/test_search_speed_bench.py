"""bench/search_speed.py builds its archive faster than rostra indexes, and the same archive."""

from __future__ import annotations

import sys
from pathlib import Path

from rostra.search.normalize import index_text

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import search_speed  # noqa: E402


def test_word_by_word_index_text_is_index_text_of_generated_sentences():
    texts, word_by_word = search_speed.TextGenerator(seed=5, size=3000), \
        search_speed.WordByWordIndexText()
    sentences = [texts.sentence(language) for _ in range(1500)
                 for language in search_speed.LANGUAGES]
    assert [word_by_word(sentence) for sentence in sentences] == \
        [index_text(sentence) for sentence in sentences]


def test_words_joined_by_the_persian_affix_rule_take_index_text():
    word_by_word = search_speed.WordByWordIndexText()
    for sentence in ("کتاب ها خوب", "او مي رود", "ketab ha"):
        assert word_by_word(sentence) == index_text(sentence)
    assert index_text("کتابها") in word_by_word("کتاب ها خوب").split()  # joined
