"""Every folding of rostra.search.normalize's table, ZWNJ, digits, bidi controls and offsets."""

from __future__ import annotations

import pytest

from rostra.search.normalize import (index_terms, normalize_for_search, normalize_with_offsets,
                                     query_groups, query_terms, tokenize)
from rostra.search.snippets import make_snippet

FOLDINGS = [
    # (what, typed one way, typed another way)
    ("fatha, damma, kasra, shadda, sukun", "الْمَدْرَسَةُ", "المدرسه"),
    ("tanwin", "كتاباً", "كتابا"),
    ("superscript alef", "هٰذا", "هذا"),
    ("tatweel", "العـــلم", "العلم"),
    ("alef with madda", "آسمان", "اسمان"),
    ("alef with hamza above", "أحمد", "احمد"),
    ("alef with hamza below", "إنسان", "انسان"),
    ("alef wasla", "ٱلشمس", "الشمس"),
    ("alef maksura", "مستشفى", "مستشفي"),
    ("Persian yeh", "زمین", "زمين"),
    ("keheh", "کتاب", "كتاب"),
    ("teh marbuta", "مدرسة", "مدرسه"),
    ("heh with yeh", "خانۀ", "خانه"),
    ("ae", "خانە", "خانه"),
    ("hamza on waw", "مؤسسه", "موسسه"),
    ("hamza on yeh", "پائیز", "پاییز"),
    ("hamza on yeh, Arabic", "مسئول", "مسيول"),
    ("presentation forms (NFKC)", "ﻣﺪﺭﺳﻪ", "مدرسه"),
    ("lam-alef ligature (NFKC)", "ﻻ", "لا"),
    ("full-width Latin (NFKC)", "Ｗａｔｅｒ", "water"),
    ("Latin case", "WATER", "water"),
    ("Latin accents", "café", "cafe"),
    ("Persian digits", "۱۴۰۲", "1402"),
    ("Arabic-Indic digits", "١٢٣", "123"),
    ("Persian and Arabic-Indic digits agree", "۱۲۳", "١٢٣"),
    ("right-to-left mark", "آب\u200fها", "آبها"),
    ("bidi embedding", "\u202bزمین\u202c", "زمین"),
    ("bidi isolate", "\u2067water\u2069", "water"),
    ("Arabic letter mark", "\u061cسلام", "سلام"),
    ("zero-width joiner", "ما\u200dه", "ماه"),
    ("byte order mark", "\ufeffwater", "water"),
]


@pytest.mark.parametrize("what, one, other", FOLDINGS, ids=[case[0] for case in FOLDINGS])
def test_each_folding_makes_both_spellings_meet(what, one, other):
    assert normalize_for_search(one) == normalize_for_search(other)
    assert index_terms(one) == index_terms(other)


def test_lone_hamza_is_kept():
    assert normalize_for_search("ماء") == "ماء"


@pytest.mark.parametrize("typed", ["کتاب‌خانه", "کتابخانه", "کتاب خانه"],
                         ids=["zwnj", "joined", "spaced"])
def test_every_typed_form_of_a_zwnj_compound_matches_the_zwnj_text(typed):
    indexed = set(index_terms("کتاب‌خانه"))
    groups = query_groups(typed)
    # Every group has one alternative whose words are all indexed.
    assert all(any(set(alt.split()) <= indexed for alt in group) for group in groups)


@pytest.mark.parametrize("typed", ["کتاب‌خانه", "کتابخانه", "کتاب خانه"],
                         ids=["zwnj", "joined", "spaced"])
def test_every_typed_form_matches_the_joined_text(typed):
    indexed = set(index_terms("کتابخانه"))
    assert all(any(set(alt.split()) <= indexed for alt in group) for group in query_groups(typed))


def test_persian_affix_typed_apart_is_indexed_joined_too():
    assert "ميشود" in index_terms("می شود")
    assert "كتابها" in index_terms("کتاب ها")


def test_multi_part_compound_is_indexed_by_every_run_of_parts():
    terms = index_terms("کتاب‌خانه‌های")
    assert {"كتابخانههاي", "كتاب", "خانه", "هاي", "كتابخانه", "خانههاي"} <= set(terms)


def test_zwnj_is_removed_in_normalized_text():
    assert normalize_for_search("کتاب‌خانه") == "كتابخانه"


def test_english_is_stemmed_arabic_script_is_not():
    assert index_terms("libraries") == index_terms("library")
    assert index_terms("مكتبات") == ["مكتبات"]


@pytest.mark.parametrize("typed", ["متحف", "المتحف", "والمتحف", "بالمتحف"])
def test_arabic_article_and_particles_do_not_hide_a_word(typed):
    for text in ("زرنا المتحف", "متحف جديد", "ذهبنا بالمتحف"):
        indexed = set(index_terms(text))
        assert all(any(set(a.split()) <= indexed for a in g) for g in query_groups(typed)), text


def test_short_words_keep_their_alef_lam():
    assert index_terms("الف") == ["الف"]


def test_tokenize_splits_on_punctuation_and_controls():
    assert tokenize("water،energy؛ ok?\x00x\ty") == ["water", "energy", "ok", "x", "y"]


def test_offsets_point_into_the_original():
    original = "مُدَرِّسَةٌ ﻻ Straße"
    normalized, offsets = normalize_with_offsets(original)
    assert normalized == "مدرسه لا strasse"
    assert len(offsets) == len(normalized)
    assert all(0 <= offset < len(original) for offset in offsets)
    # "ss" came from the one ß.
    assert offsets[-3] == offsets[-2] == original.index("ß")
    # The lam and the alef both came from the one ligature.
    assert original[offsets[normalized.index("ل")]] == "ﻻ"


def test_snippet_highlights_the_original_spelling():
    snippet = make_snippet("در کتاب‌خانهٔ شهر <b>کتاب‌ها</b> هست", query_terms("كتابخانه"))
    assert snippet.html == "در <mark>کتاب‌خانهٔ</mark> شهر &lt;b&gt;کتاب‌ها&lt;/b&gt; هست"
    assert snippet.text == "در کتاب‌خانهٔ شهر <b>کتاب‌ها</b> هست"


def test_snippet_marks_words_with_diacritics_and_digits():
    snippet = make_snippet("في عام ١٤٠٢ افتُتِحَت المَكتبة", query_terms("1402 المكتبه"))
    assert "<mark>١٤٠٢</mark>" in snippet.html
    assert "<mark>المَكتبة</mark>" in snippet.html


def test_long_text_snippet_is_cut_around_the_match():
    text = "filler " * 100 + "telescope " + "filler " * 100
    snippet = make_snippet(text, query_terms("telescope"), size=80)
    assert "<mark>telescope</mark>" in snippet.html
    assert snippet.text.startswith("… ") and snippet.text.endswith(" …")
    assert len(snippet.text) < 100


@pytest.mark.parametrize("hostile", [
    '"', '"unbalanced', "NEAR(water energy, 2)", "water AND energy OR NOT x", "wat*", "^water",
    "text:water", "a' OR 1=1 --", "(((", "\x00\x01\x1f", "", "   ", "\u202e\u200f", "x" * 10000,
    "آب " * 5000,
])
def test_hostile_queries_become_plain_words(hostile):
    for group in query_groups(hostile):
        for alternative in group:
            for term in alternative.split():
                assert term.isalnum(), term
    assert len(query_groups(hostile)) <= 32


def test_fast_indexing_path_finds_the_same_words_as_the_offsets_path():
    import random

    from rostra.search.normalize import fast_tokens, tokenize_with_offsets

    pool = "".join({ch for _, one, other in FOLDINGS for ch in one + other}) + \
        "abc XYZ ß İ \u200c\u200c،.-_!\x00\t ْ ٰ ـ123۴٥ ﻻ Ａ"
    rng = random.Random(5)
    for _ in range(3000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 30)))
        assert [(t.text, t.parts) for t in fast_tokens(text)] == \
            [(t.text, t.parts) for t in tokenize_with_offsets(text)], repr(text)
