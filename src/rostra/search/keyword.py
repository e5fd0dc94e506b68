"""Keyword retrieval: the query's words in the full-text index, stop words aside.

A document must contain every *content* group of the query (its words that are not stop words,
rostra.search.stopwords). When no speech has them all, a speech still counts when it has most of
them (``QUORUM`` of the groups, at least two; of a two-word query, either): one shared word between a long query and a long
abstract is chance, not an answer ("how to knit a wool scarf" must not find a talk that says
"how"). The quorum is counted per speech and language, one index count per group.

Proximity: words typed next to each other are stronger evidence when they are said next to each
other. Each pair of consecutive content words (stop words between them dropped, so a window of
``PROXIMITY_WINDOW`` words covers them and the extra terms a word is indexed under) is looked up
as a NEAR / ``<N>`` phrase; the documents of already-matched speeches that have such pairs,
most pairs first, form their own ranked list that fusion adds (rostra.search.service).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

from rostra.search import notices
from rostra.search.backends.base import DocumentHit, SearchBackend
from rostra.search.scope import SearchScope
from rostra.search.stopwords import is_stop_word

KEYWORD_CANDIDATES = 500
QUORUM = 0.6  # share of the content groups a speech needs when none has every one
MAX_QUORUM_GROUPS = 12  # a pasted paragraph: count the first groups only
PROXIMITY_WINDOW = 4  # words allowed between two query words said "together"
MAX_PROXIMITY_PAIRS = 8


@dataclass
class KeywordOutcome:
    hits: list[DocumentHit] = field(default_factory=list)
    matched: dict[int, set[str]] = field(default_factory=dict)  # speech id → languages
    near: list[DocumentHit] = field(default_factory=list)  # query words said close together
    notices: list[str] = field(default_factory=list)


def content_groups(groups: Sequence[Sequence[str]]) -> list[tuple[str, ...]]:
    """The groups that carry meaning: those whose words as typed (the first alternative; the
    others are joined spellings of the same words) are not all stop words."""
    return [tuple(group) for group in groups
            if group and not all(is_stop_word(term) for term in group[0].split())]


def proximity_pairs(groups: Sequence[Sequence[str]]) -> list[tuple[str, str]]:
    """Consecutive content words of the query (as typed, stop words dropped), pairwise."""
    words = [word for group in content_groups(groups) for word in group[0].split()
             if not is_stop_word(word)]
    pairs = list(dict.fromkeys((a, b) for a, b in zip(words, words[1:]) if a != b))
    return pairs[:MAX_PROXIMITY_PAIRS]


def keyword_candidates(groups, *, backend: SearchBackend, scope: SearchScope,
                       languages: Sequence[str] | None) -> KeywordOutcome:
    """Best documents for the query's content groups, every speech that matched, and the
    matched speeches' documents that have query words close together."""
    outcome = _matching(groups, backend=backend, scope=scope, languages=languages)
    pairs = proximity_pairs(groups)
    if pairs and outcome.matched:
        hits = backend.keyword_proximity(pairs, window=PROXIMITY_WINDOW,
                                         speech_ids=sorted(outcome.matched),
                                         languages=languages, limit=KEYWORD_CANDIDATES)
        outcome.near = [hit for hit in hits
                        if scope.visible(hit.speech_id, hit.language, hit.kind)
                        and hit.language in outcome.matched[hit.speech_id]]
    return outcome


def _matching(groups, *, backend: SearchBackend, scope: SearchScope,
              languages: Sequence[str] | None) -> KeywordOutcome:
    outcome = KeywordOutcome()
    wanted = content_groups(groups)
    if not wanted:
        if groups:
            outcome.notices.append(notices.ONLY_STOP_WORDS)
        return outcome
    ids = scope.index_speech_ids
    counts = backend.keyword_match_counts(wanted, speech_ids=ids, languages=languages)
    counts = {key: n for key, n in counts.items() if scope.visible(*key)}
    if counts:
        hits = backend.keyword_search(wanted, speech_ids=ids, languages=languages,
                                      limit=KEYWORD_CANDIDATES)
        outcome.hits = [h for h in hits if scope.visible(h.speech_id, h.language, h.kind)]
        for speech_id, language, _ in counts:
            outcome.matched.setdefault(speech_id, set()).add(language)
        return outcome
    if len(wanted) < 2:
        return outcome
    considered = wanted[:MAX_QUORUM_GROUPS]
    # Two words: either one (the reader typed both on purpose); more: most of them.
    quorum = 1 if len(considered) == 2 else max(2, math.ceil(QUORUM * len(considered)))
    groups_per_key: dict[tuple, int] = {}
    for group in considered:
        for key in backend.keyword_match_counts([group], speech_ids=ids, languages=languages):
            if scope.visible(*key):
                groups_per_key[key] = groups_per_key.get(key, 0) + 1
    passing = {key for key, n in groups_per_key.items() if n >= quorum}
    if not passing:
        return outcome
    speeches = sorted({speech_id for speech_id, _, _ in passing})
    hits = backend.keyword_search(considered, speech_ids=speeches, languages=languages,
                                  limit=KEYWORD_CANDIDATES, any_group=True)
    outcome.hits = [h for h in hits if (h.speech_id, h.language, h.kind) in passing]
    for speech_id, language, _ in passing:
        outcome.matched.setdefault(speech_id, set()).add(language)
    outcome.notices.append(notices.SOME_WORDS)
    return outcome
