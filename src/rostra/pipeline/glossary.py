"""A conference's own names — speakers, topics, rooms, cities — spelled right in every language.

A :class:`GlossaryTerm` holds one name's spelling per language (``{"en": "Tabriz", "fa":
"تبریز", "ar": "تبريز"}``). Two stages use a speech's terms:

- recognition: :func:`asr_hints` turns them into faster-whisper's ``hotwords`` (a prefix the
  decoder sees before each 30-second window) or ``initial_prompt`` (the same, but only for the
  first window when previous text conditions the rest), in the spoken language's spelling;
- translation: :func:`apply_target_spellings` writes each term the source sentence contains in
  the target language's spelling before the sentence goes to the model (models copy names they
  do not know), and :func:`missing_terms` says which of them the output lost, so the segment is
  flagged for an editor instead of silently misspelling a name.

Matching ignores case, Arabic diacritics and tatweel, and the Arabic/Persian yeh and kaf
variants, so a name typed one way in the program is found when written another way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

# Whisper's prompt is at most 224 tokens; names rarely need more than a few dozen.
MAX_PROMPT_CHARS = 400
_FOLD = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ۀ": "ه", "ة": "ه", "أ": "ا", "إ": "ا",
                       "آ": "ا", "ـ": None, "\u200c": " "})
_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")


@dataclass(frozen=True)
class GlossaryTerm:
    """One name and its spelling per language; ``kind`` says where it came from."""

    spellings: dict[str, str] = field(hash=False)
    kind: str = "term"  # speaker, topic, room, city, title, editor

    def spelling(self, language: str) -> str:
        return (self.spellings.get(language) or "").strip()


def fold(text: str) -> str:
    """Text as glossary matching sees it: lower case, no diacritics, one yeh, one kaf."""
    return _DIACRITICS.sub("", text.translate(_FOLD)).casefold()


def _pattern(spelling: str) -> re.Pattern:
    # Word edges by look-around, so Persian and Arabic letters count as word characters and
    # "Tabriz" does not match inside "Tabrizi".
    words = [re.escape(part) for part in fold(spelling).split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)")


def _find(text: str, spelling: str) -> list[tuple[int, int]]:
    """Spans of ``spelling`` in ``text``; folding keeps lengths, so spans map back."""
    folded = fold(text)
    if len(folded) != len(text):  # diacritics removed: map by a slower character walk
        return [] if not _pattern(spelling).search(folded) else [(-1, -1)]
    return [match.span() for match in _pattern(spelling).finditer(folded)]


def contains(text: str, spelling: str) -> bool:
    return bool(spelling) and bool(_find(text, spelling))


def asr_hints(terms: Iterable[GlossaryTerm], language: str | None) -> str:
    """The names of ``terms`` in the spoken language, comma separated, capped for the prompt.

    With the language unknown (detected from audio), the Latin spellings are used.
    """
    seen: list[str] = []
    for term in terms:
        name = term.spelling(language or "en") or term.spelling("en")
        if name and name not in seen:
            seen.append(name)
    text = ""
    for name in seen:
        candidate = f"{text}, {name}" if text else name
        if len(candidate) > MAX_PROMPT_CHARS:
            break
        text = candidate
    return text


def terms_in(text: str, terms: Sequence[GlossaryTerm], language: str) -> list[GlossaryTerm]:
    """The terms whose ``language`` spelling occurs in ``text``."""
    return [term for term in terms if contains(text, term.spelling(language))]


def apply_target_spellings(text: str, terms: Sequence[GlossaryTerm], source: str,
                           target: str) -> str:
    """``text`` with each glossary name written in the ``target`` spelling (longest first)."""
    for term in sorted(terms, key=lambda term: -len(term.spelling(source))):
        before, after = term.spelling(source), term.spelling(target)
        if not before or not after or before == after:
            continue
        spans = _find(text, before)
        if not spans or spans == [(-1, -1)]:
            continue
        for start, end in reversed(spans):
            text = text[:start] + after + text[end:]
    return text


def missing_terms(source_text: str, translated: str, terms: Sequence[GlossaryTerm],
                  source: str, target: str) -> list[GlossaryTerm]:
    """Terms said in ``source_text`` whose ``target`` spelling is absent from ``translated``."""
    return [term for term in terms_in(source_text, terms, source)
            if term.spelling(target) and not contains(translated, term.spelling(target))]
