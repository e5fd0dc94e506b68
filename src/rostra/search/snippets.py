"""Snippets in the original script, with the words that matched marked.

Matching is decided on normalized, stemmed words (what the index saw); the marks are placed on
the original characters through :func:`rostra.search.normalize.tokenize_with_offsets`, so a
reader who typed ``كتابخانه`` sees ``<mark>کتاب‌خانه</mark>`` exactly as the speaker's
transcript spells it, diacritics and all.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from html import escape

from rostra.search.normalize import token_terms, tokenize_with_offsets

SNIPPET_CHARS = 240


@dataclass(frozen=True)
class Snippet:
    html: str  # HTML-escaped, matches in <mark>
    text: str  # plain
    matched: bool


def matched_spans(text: str, terms: set[str]) -> list[tuple[int, int]]:
    """Original ``(start, end)`` spans of the words of ``text`` that match any of ``terms``."""
    spans = []
    for token in tokenize_with_offsets(text):
        if set(token_terms(token)) & terms:
            end = token.end
            # Keep trailing marks (harakat, hamza above, tatweel) inside the highlight.
            while end < len(text) and (unicodedata.combining(text[end]) or text[end] == "\u0640"):
                end += 1
            spans.append((token.start, end))
    return spans


def _window(text: str, spans: list[tuple[int, int]], size: int) -> tuple[int, int]:
    if len(text) <= size:
        return 0, len(text)
    center = spans[0][0] if spans else 0
    start = max(0, min(center - size // 3, len(text) - size))
    # Do not cut a word in two: move to the next space.
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    end = min(len(text), start + size)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + size // 2 else end
    return start, end


def make_snippet(text: str, terms: set[str], *, size: int = SNIPPET_CHARS) -> Snippet:
    """A window of ``text`` around its first match, matches marked; "…" where it was cut."""
    text = " ".join(text.split())
    spans = matched_spans(text, terms) if terms else []
    start, end = _window(text, spans, size)
    html_parts, cursor = [], start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        html_parts.append(escape(text[cursor:span_start]))
        html_parts.append("<mark>" + escape(text[span_start:span_end]) + "</mark>")
        cursor = span_end
    html_parts.append(escape(text[cursor:end]))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return Snippet(html=prefix + "".join(html_parts) + suffix,
                   text=prefix + text[start:end] + suffix, matched=bool(spans))
