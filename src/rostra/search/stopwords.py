"""Stop words: words too common to be evidence that a text answers a query.

The lists are the maintained ones of the ``stopwords`` package (English, Persian and Arabic),
folded by :mod:`rostra.search.normalize` so they meet query words in the same spelling. A query
has no language, so a word is judged by its script: a Latin word against the English list, an
Arabic-script word against the Persian and Arabic lists together.

Stop words are dropped from what a query *requires* (``query_groups``), never from the index:
"the night sky" needs "night" and "sky"; a query of stop words alone ("the", "و از به")
requires nothing, and returns nothing.
"""

from __future__ import annotations

from functools import lru_cache

import stopwords as stopword_lists

LISTS = {"latin": ("english",), "arabic": ("persian", "arabic")}


@lru_cache(maxsize=1)
def _folded() -> dict[str, frozenset[str]]:
    from rostra.search.normalize import query_stem, tokenize

    folded = {}
    for script, names in LISTS.items():
        words: set[str] = set()
        for name in names:
            for entry in stopword_lists.get_stopwords(name):
                for word in tokenize(entry):
                    words.add(word)
                    words.add(query_stem(word))
        folded[script] = frozenset(words)
    return folded


def is_stop_word(word: str) -> bool:
    """Whether the normalized ``word`` (or its query stem) is a stop word of its script."""
    script = "latin" if word.isascii() else "arabic"
    return word in _folded()[script]
