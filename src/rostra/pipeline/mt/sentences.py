"""Translate subtitle cues with sentence context, and keep them aligned to the source timings.

Cues cut a sentence into pieces ("Rain gardens help" | "cities stay cool."); translating the
pieces alone gives broken grammar, and word order differs between languages. So:

1. cues are split at sentence ends inside them and the fragments grouped into whole sentences
   (a long pause or a very long run without punctuation also closes a sentence);
2. whole sentences are translated, in one batch;
3. each translated sentence is cut back into as many parts as it had source fragments, in
   proportion to the fragments' source length, only between words;
4. each source cue gets its parts, so the translation has exactly the source's cues and timings,
   its lines re-broken to at most 2 × ~42 characters where the text allows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

from rostra.pipeline.glossary import GlossaryTerm, apply_target_spellings, missing_terms
from rostra.pipeline.mt.base import TranslationEngine, TranslationError
from rostra.pipeline.segmentation import SENTENCE_END, break_lines

# A sentence end followed by optional closing quotes/brackets, then a space: split there.
_SENTENCE_BREAK = re.compile(
    "(?<=[" + re.escape("".join(SENTENCE_END)) + "])[\"'”’»)\\]]*\\s+")


@dataclass(frozen=True)
class TimedText:
    """A cue's times (milliseconds) and text; what goes into and comes out of translation."""

    start_ms: int
    end_ms: int
    text: str


@dataclass(frozen=True)
class SentenceContextOptions:
    max_line_chars: int = 42
    max_lines: int = 2
    # A silence this long between cues closes a sentence even without punctuation.
    pause_ms: int = 2000
    # Recognizers sometimes give no punctuation for minutes; bound what one sentence holds.
    max_sentence_chars: int = 400


@dataclass(frozen=True)
class Fragment:
    cue_index: int
    text: str


@dataclass(frozen=True)
class Sentence:
    fragments: tuple[Fragment, ...]

    @property
    def text(self) -> str:
        return " ".join(fragment.text for fragment in self.fragments)


def split_fragments(text: str) -> list[str]:
    """A cue's text cut after each sentence end inside it (whitespace normalized)."""
    text = " ".join(text.split())
    if not text:
        return []
    pieces, start = [], 0
    for match in _SENTENCE_BREAK.finditer(text):
        pieces.append(text[start:match.end()].strip())
        start = match.end()
    pieces.append(text[start:].strip())
    return [piece for piece in pieces if piece]


def _ends_sentence(text: str) -> bool:
    return text.rstrip("\"'”’»)]").endswith(SENTENCE_END)


def group_sentences(cues: Sequence[TimedText],
                    options: SentenceContextOptions = SentenceContextOptions()
                    ) -> list[Sentence]:
    """Cue fragments grouped into sentences; every non-empty fragment is in exactly one."""
    sentences: list[Sentence] = []
    current: list[Fragment] = []
    length = 0
    previous_end: int | None = None
    for index, cue in enumerate(cues):
        if current and previous_end is not None and cue.start_ms - previous_end >= options.pause_ms:
            sentences.append(Sentence(tuple(current)))
            current, length = [], 0
        for piece in split_fragments(cue.text):
            current.append(Fragment(index, piece))
            length += len(piece) + 1
            if _ends_sentence(piece) or length >= options.max_sentence_chars:
                sentences.append(Sentence(tuple(current)))
                current, length = [], 0
        previous_end = cue.end_ms
    if current:
        sentences.append(Sentence(tuple(current)))
    return sentences


def distribute(translation: str, weights: Sequence[int]) -> list[str]:
    """Cut ``translation`` into ``len(weights)`` parts sized like ``weights``, between words.

    Every part gets at least one word when there are enough words; joined with spaces the
    parts give back the translation's words in order, none lost, none repeated.
    """
    parts_count = len(weights)
    if parts_count == 0:
        return []
    words = translation.split()
    if parts_count == 1:
        return [" ".join(words)]
    if len(words) < parts_count and len(words) == 1 and len(words[0]) > parts_count * 4:
        # A script written without spaces (Chinese, Japanese): cut between characters.
        words = list(words[0])
        joiner = ""
    else:
        joiner = " "
    total_weight = sum(max(1, weight) for weight in weights)
    ends, position = [], 0
    for word in words:
        position += len(word) + (len(joiner) if position else 0)
        ends.append(position)
    total_chars = position or 1
    cuts, previous, cumulative = [], 0, 0
    enough = len(words) >= parts_count
    for part in range(1, parts_count):
        cumulative += max(1, weights[part - 1])
        goal = cumulative / total_weight * total_chars
        low = previous + 1 if enough else previous
        high = len(words) - (parts_count - part) if enough else len(words)
        low = min(low, high)
        best = min(range(low, high + 1),
                   key=lambda cut: (abs((ends[cut - 1] if cut else 0) - goal), cut))
        cuts.append(best)
        previous = best
    bounds = [0, *cuts, len(words)]
    return [joiner.join(words[bounds[i]:bounds[i + 1]]) for i in range(parts_count)]


def translate_cues(cues: Sequence[TimedText], *, engine: TranslationEngine, source: str,
                   target: str,
                   options: SentenceContextOptions = SentenceContextOptions(),
                   glossary: Sequence[GlossaryTerm] = (),
                   on_missing_term: Callable[[int, GlossaryTerm], None] | None = None,
                   ) -> list[TimedText]:
    """Translate ``cues`` sentence by sentence; one output cue per input cue, same timings.

    Glossary names in a sentence are written in the target spelling before translation; when
    the output lost one, ``on_missing_term(cue_index, term)`` is called for each cue of that
    sentence. Raises the engine's TranslationError (or its temporary variant); returns nothing
    partial.
    """
    sentences = group_sentences(cues, options)
    texts = [apply_target_spellings(sentence.text, glossary, source, target) if glossary
             else sentence.text for sentence in sentences]
    translations = engine.translate_batch(texts, source, target)
    if len(translations) != len(sentences):
        raise TranslationError(f"{engine.engine} returned {len(translations)} translations for "
                               f"{len(sentences)} sentences")
    pieces: list[list[str]] = [[] for _ in cues]
    for sentence, translation in zip(sentences, translations):
        if glossary and on_missing_term:
            for term in missing_terms(sentence.text, translation, glossary, source, target):
                for cue_index in sorted({f.cue_index for f in sentence.fragments}):
                    on_missing_term(cue_index, term)
        parts = distribute(translation, [len(f.text) for f in sentence.fragments])
        for fragment, part in zip(sentence.fragments, parts):
            if part:
                pieces[fragment.cue_index].append(part)
    result = []
    for cue, parts in zip(cues, pieces):
        lines = break_lines(" ".join(parts), max_chars=options.max_line_chars,
                            max_lines=options.max_lines)
        result.append(TimedText(cue.start_ms, cue.end_ms, "\n".join(lines)))
    return result
