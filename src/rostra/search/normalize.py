"""Text normalization for search: the same folding is applied to what is indexed and to queries.

Readers type the way their keyboard and habits make them. Every folding below makes two spellings
of one word meet; each one is applied, in this order, to every character:

=====================================  ==========================================  ==============
what                                    characters                                  becomes
=====================================  ==========================================  ==============
compatibility forms (NFKC/NFKD)         presentation forms ﻻ ﷲ, full-width Ａ, ﬁ    base letters
Arabic diacritics (harakat)             U+064B–U+065F (fathatan … wavy hamza)       removed
superscript alef                        U+0670                                      removed
other combining marks                   é = e + U+0301 and every other mark          removed
tatweel (kashida)                       U+0640  ـ                                   removed
alef forms                              آ أ إ ٱ                                     ا
alef maksura, Persian yeh               ى ی                                         ي
keheh (Persian kaf)                     ک                                           ك
teh marbuta                             ة                                           ه
heh with yeh, ae                        ۀ ە                                         ه
hamza on waw / on yeh                   ؤ ئ                                         و ي
zero-width non-joiner (ZWNJ)            U+200C                                      joined, plus
                                                                                    the parts as
                                                                                    extra tokens
decimal digits of every script          ۱۲۳ (Persian), ١٢٣ (Arabic-Indic), …        123
Latin (and every cased script) case     Water, WATER                                water
bidi and other format controls          U+200E U+200F U+061C U+202A–U+202E           removed
                                        U+2066–U+2069, ZWJ U+200D, U+FEFF, U+00AD
=====================================  ==========================================  ==============

Decisions and why:

* **Hamza on waw and yeh is folded** (ؤ → و, ئ → ي). Persian writers spell the same word both ways
  (پائیز / پاییز, مؤسسه / موسسه, مسئول is typed مسيول by Arabic keyboards' yeh); a reader who
  types the other spelling must still find it. Two different words that differ only by that
  hamza are rare; a lone hamza ء is kept (it is a letter, not a seat).
* **ZWNJ** (نیم‌فاصله) joins a Persian compound in writing but not in typing habits: the same
  word is typed joined (کتابخانه), with a ZWNJ (کتاب‌خانه) or with a space (کتاب خانه). A token
  written with ZWNJ is indexed joined *and* as its parts, and a query's adjacent words also match
  their joined form (see :func:`query_groups`), so all three typed forms find a ZWNJ or joined
  text. A text written with a space is found by the spaced and the ZWNJ query; by the joined
  query only for the common affixes in ``PERSIAN_AFFIXES`` (می‌, ها, ترین…), which are indexed
  joined too.
* **Stemming** (Snowball through PyStemmer) is applied by script, not by the transcript's language,
  because a query has no language: Latin-script words get the English stemmer (library finds
  libraries). Arabic-script words get no Snowball stemming, only the Arabic article and particles
  (ال, وال, بال, كال, فال, لل) are stripped: a text is indexed with and without them and a query
  asks for the bare word. Measured in bench/search_quality.py: the Arabic Snowball stemmer
  recalls no more than article stripping on the query set, and it cuts Persian words
  (كتابخانه → كتابخ, خانه → خان), so the lighter rule is used.

The character work is done one character at a time, so :func:`normalize_with_offsets` can say,
for every normalized character, which original character it came from: snippets are highlighted
in the original script.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

ZWNJ = "\u200c"

# Characters removed outright (besides every combining mark): tatweel, bidi and format controls.
REMOVED = frozenset(
    "\u0640"  # tatweel
    "\u200b\u200d\u200e\u200f"  # zero width space, ZWJ, LRM, RLM
    "\u061c"  # Arabic letter mark
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings and overrides
    "\u2066\u2067\u2068\u2069"  # isolates
    "\ufeff\u00ad"  # byte order mark, soft hyphen
)

# One letter for each family of variants (applied after the compatibility decomposition, which
# already turns آ أ إ ؤ ئ ۀ into a base letter and a mark that is then dropped).
LETTER_FOLDS = {
    "\u0622": "\u0627",  # آ → ا
    "\u0623": "\u0627",  # أ → ا
    "\u0625": "\u0627",  # إ → ا
    "\u0671": "\u0627",  # ٱ → ا
    "\u0649": "\u064a",  # ى → ي
    "\u06cc": "\u064a",  # ی → ي
    "\u06a9": "\u0643",  # ک → ك
    "\u0629": "\u0647",  # ة → ه
    "\u06c0": "\u0647",  # ۀ → ه
    "\u06d5": "\u0647",  # ە → ه
    "\u0624": "\u0648",  # ؤ → و
    "\u0626": "\u064a",  # ئ → ي
}

# Persian affixes often typed apart from their word ("می شود", "کتاب ها"): indexed joined too.
PERSIAN_PREFIXES = frozenset({"مي", "نمي"})
PERSIAN_SUFFIXES = frozenset({"ها", "هاي", "هايي", "اي", "ام", "ايم", "ايد", "اند",
                              "تر", "ترين", "شان", "تان", "مان"})
PERSIAN_AFFIXES = PERSIAN_PREFIXES | PERSIAN_SUFFIXES

# Longest query and number of query words we look at: a search box is not a document.
MAX_QUERY_CHARS = 1000
MAX_QUERY_TOKENS = 32


@lru_cache(maxsize=8192)
def fold_char(char: str) -> str:
    """The normalized form of one character: "" when it is dropped, several when it expands.

    ZWNJ is kept here (as a marker the tokenizer reads); every other folding of the table is done.
    """
    if char in REMOVED:
        return ""
    if char == ZWNJ:
        return ZWNJ
    out = []
    for piece in unicodedata.normalize("NFKD", char):
        if unicodedata.combining(piece) or unicodedata.category(piece) in ("Mn", "Me"):
            continue  # harakat, superscript alef, hamza above/below, Latin accents
        if piece in REMOVED:
            continue
        category = unicodedata.category(piece)
        if category == "Nd":
            out.append(str(unicodedata.decimal(piece)))
            continue
        if category == "Cc" or category == "Cf":
            out.append(" ")  # control characters separate words, they never join them
            continue
        piece = LETTER_FOLDS.get(piece, piece)
        out.append(piece.casefold())
    return "".join(out)


def _is_word_char(char: str) -> bool:
    return char.isalnum()


def _fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """Fold every character (ZWNJ kept); offsets[i] is the original index of output char i."""
    chars: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        if char.isascii():
            folded = char.lower() if char.isalpha() else char
            if char < " " or char == "\x7f":
                folded = " "
        else:
            folded = fold_char(char)
        for piece in folded:
            chars.append(piece)
            offsets.append(index)
    return "".join(chars), offsets


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """Normalize ``text`` and say where each normalized character came from.

    Returns ``(normalized, offsets)``: ``offsets[i]`` is the index in ``text`` of the character
    that produced ``normalized[i]`` (one original character may produce several, or none).
    ZWNJ is removed (the compound is joined), as in :func:`normalize_for_search`.
    """
    folded, offsets = _fold_with_offsets(text)
    kept = [(char, offset) for char, offset in zip(folded, offsets) if char != ZWNJ]
    return "".join(char for char, _ in kept), [offset for _, offset in kept]


def normalize_for_search(text: str) -> str:
    """``text`` with every folding of the module's table applied (ZWNJ joined)."""
    return normalize_with_offsets(text)[0]


@dataclass(frozen=True)
class Token:
    """A word of normalized text and where it lies in the original (``start`` … ``end``)."""

    text: str  # joined form (ZWNJ removed)
    start: int
    end: int
    parts: tuple[str, ...] = ()  # the ZWNJ-separated parts, when there were several


def tokenize_with_offsets(text: str) -> list[Token]:
    """Split ``text`` into normalized words, each mapped back to its original span."""
    folded, offsets = _fold_with_offsets(text)
    tokens: list[Token] = []
    index, length = 0, len(folded)
    while index < length:
        if not _is_word_char(folded[index]):
            index += 1
            continue
        begin = index
        parts: list[str] = []
        current: list[str] = []
        while index < length and (_is_word_char(folded[index]) or (
                folded[index] == ZWNJ and index + 1 < length and _is_word_char(folded[index + 1])
                and current)):
            if folded[index] == ZWNJ:
                parts.append("".join(current))
                current = []
            else:
                current.append(folded[index])
            index += 1
        parts.append("".join(current))
        joined = "".join(parts)
        tokens.append(Token(joined, offsets[begin], offsets[index - 1] + 1,
                            tuple(parts) if len(parts) > 1 else ()))
    return tokens


def tokenize(text: str) -> list[str]:
    """The normalized words of ``text`` (joined forms)."""
    return [token.text for token in tokenize_with_offsets(text)]


# --- stemming -------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _english_stemmer():
    import Stemmer  # PyStemmer: Snowball, offline

    return Stemmer.Stemmer("english")


def _is_latin(word: str) -> bool:
    # Words are case-folded already: ASCII letters only means a-z.
    return word.isascii() and word.isalpha()


# Arabic writes the definite article and some particles joined to the word (المتحف, والمتحف,
# بالمتحف): a reader typing متحف must find them. Texts are indexed under the word and under the
# word without them; a query asks for the bare word (so it finds both). Measured in
# bench/search_quality.py against no stemming and against the Arabic Snowball stemmer.
ARABIC_ARTICLES = ("وال", "بال", "كال", "فال", "لل", "ال")
ARABIC_ARTICLE_STRIPPING = True


def strip_article(word: str) -> str | None:
    """``word`` without a leading Arabic article, or None (not Arabic, too short, no article)."""
    if not ARABIC_ARTICLE_STRIPPING or _is_latin(word):
        return None
    for article in ARABIC_ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= 3:
            return word[len(article):]
    return None


def query_stem(word: str) -> str:
    """The form a query word is looked up under: the bare Arabic word, or its stem."""
    return strip_article(word) or stem(word)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The index form of one normalized word: English Snowball stem for Latin words."""
    if _is_latin(word) and len(word) > 3:
        return _english_stemmer().stemWord(word)
    return word


def token_terms(token: Token) -> list[str]:
    """The terms one word is indexed under: its stem, and for a ZWNJ compound its parts and
    every run of adjacent parts ("کتاب‌خانه‌های" is also "کتابخانه" and "خانه‌های")."""
    return list(_word_terms(token.text, token.parts, ARABIC_ARTICLE_STRIPPING, stem))


@lru_cache(maxsize=200_000)
def _word_terms(text: str, parts: tuple[str, ...], _articles: bool, _stem) -> tuple[str, ...]:
    # Words repeat (Zipf): caching per word makes indexing several times faster. The switches
    # are part of the key so the benchmark can compare variants.
    token = Token(text, 0, 0, parts)
    terms = [stem(token.text)]
    bare = strip_article(token.text)
    if bare:
        terms.append(bare)
    parts = [part for part in token.parts if part]
    terms.extend(stem(part) for part in parts)
    for length in range(2, len(parts)):
        for first in range(len(parts) - length + 1):
            terms.append(stem("".join(parts[first:first + length])))
    return tuple(terms)


class _FoldTable(dict):
    """str.translate table computed on demand: the per-character folding after NFKD."""

    def __missing__(self, codepoint: int) -> str:
        char = chr(codepoint)
        if char == ZWNJ:
            folded = ZWNJ
        elif char in REMOVED or unicodedata.combining(char) or unicodedata.category(char) in (
                "Mn", "Me"):
            folded = ""
        elif unicodedata.category(char) == "Nd":
            folded = str(unicodedata.decimal(char))
        elif unicodedata.category(char) in ("Cc", "Cf"):
            folded = " "
        else:
            folded = LETTER_FOLDS.get(char, char)
        self[codepoint] = folded
        return folded


_FOLD_TABLE = _FoldTable()
_WORD_RUN = re.compile(r"[^\W_]+(?:\u200c[^\W_]+)*")


def fast_tokens(text: str) -> list[Token]:
    """The words of ``text``, as :func:`tokenize_with_offsets` finds them, without offsets.

    Folding a whole string at once (NFKD, one translate, casefold) gives the same words as the
    per-character path and is several times faster: indexing uses it; snippets need offsets.
    """
    folded = unicodedata.normalize("NFKD", text).translate(_FOLD_TABLE).casefold()
    tokens = []
    for match in _WORD_RUN.finditer(folded):
        parts = match.group().split(ZWNJ)
        tokens.append(Token("".join(parts), 0, 0, tuple(parts) if len(parts) > 1 else ()))
    return tokens


def index_terms(text: str) -> list[str]:
    """The terms a text is indexed under, in order: stems, ZWNJ parts and joined affixes.

    A ZWNJ compound contributes its joined form and then each part; a Persian affix typed apart
    ("کتاب ها") also contributes the joined word ("کتابها").
    """
    tokens = fast_tokens(text)
    terms: list[str] = []
    for position, token in enumerate(tokens):
        terms.extend(token_terms(token))
        if position + 1 < len(tokens):
            following = tokens[position + 1].text
            if token.text in PERSIAN_PREFIXES or following in PERSIAN_SUFFIXES:
                if not _is_latin(token.text) and not _is_latin(following):
                    terms.append(token.text + following)
                    bare = strip_article(token.text + following)
                    if bare:
                        terms.append(bare)
    return terms


def index_text(text: str) -> str:
    """:func:`index_terms` joined by spaces: what the full-text backends store."""
    return " ".join(index_terms(text))


def query_groups(query: str) -> list[tuple[str, ...]]:
    """A query as AND-ed groups of OR-ed alternative terms (all of them safe plain words).

    Each word is a group of one term, except: a ZWNJ compound matches its joined form or all of
    its parts; two adjacent Arabic-script words also match their joined form. The result is
    ``[(alternative, …), …]`` where an alternative may be a space-separated conjunction.
    Truncates hostile input (``MAX_QUERY_CHARS``, ``MAX_QUERY_TOKENS``).
    """
    tokens = tokenize_with_offsets(query[:MAX_QUERY_CHARS])[:MAX_QUERY_TOKENS]
    groups: list[tuple[str, ...]] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.parts:
            parts = " ".join(stem(part) for part in token.parts if part)
            groups.append((query_stem(token.text), parts))
            index += 1
            continue
        if index + 1 < len(tokens):
            following = tokens[index + 1]
            if (not following.parts and not _is_latin(token.text)
                    and not _is_latin(following.text) and not token.text.isdigit()
                    and not following.text.isdigit()):
                joined = token.text + following.text
                groups.append((f"{query_stem(token.text)} {query_stem(following.text)}",
                               query_stem(joined)))
                index += 2
                continue
        groups.append((query_stem(token.text),))
        index += 1
    return groups


def query_terms(query: str) -> set[str]:
    """Every single term the query could match: used to highlight snippets."""
    terms: set[str] = set()
    for group in query_groups(query):
        for alternative in group:
            terms.update(alternative.split())
    return terms
