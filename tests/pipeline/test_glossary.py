"""Glossary matching, recognition hints, target spellings and lost-name detection."""

from __future__ import annotations

from rostra.pipeline.glossary import (MAX_PROMPT_CHARS, GlossaryTerm, apply_target_spellings,
                                      asr_hints, contains, missing_terms)
from rostra.pipeline.mt.base import TranslationEngine
from rostra.pipeline.mt.sentences import TimedText, translate_cues

TABRIZ = GlossaryTerm({"en": "Tabriz", "fa": "تبریز", "ar": "تبريز"}, "city")
SPEAKER = GlossaryTerm({"en": "Siobhan Kowalczyk", "fa": "شیوان کوالچیک"}, "speaker")


def test_matching_folds_case_arabic_letter_variants_and_respects_word_edges():
    assert contains("we met in TABRIZ today", "Tabriz")
    assert not contains("the Tabrizi family", "Tabriz")
    assert contains("سفر به تبريز", "تبریز")  # Arabic yeh in the text, Persian in the glossary
    assert contains("كتاب", "کتاب")  # Arabic kaf vs Persian keheh
    assert contains("siobhan   kowalczyk spoke", "Siobhan Kowalczyk")
    assert not contains("", "Tabriz") and not contains("Tabriz", "")


def test_asr_hints_use_the_spoken_language_and_stay_short():
    assert asr_hints([TABRIZ, SPEAKER], "fa") == "تبریز, شیوان کوالچیک"
    assert asr_hints([TABRIZ, SPEAKER], "ar") == "تبريز, Siobhan Kowalczyk"  # no Arabic spelling
    assert asr_hints([TABRIZ, TABRIZ], None) == "Tabriz"
    many = [GlossaryTerm({"en": f"Name{index:03d} Surname"}) for index in range(200)]
    assert 0 < len(asr_hints(many, "en")) <= MAX_PROMPT_CHARS
    assert asr_hints([], "en") == ""


def test_target_spellings_replace_whole_names_only():
    text = "Siobhan Kowalczyk lives in Tabriz, not in Tabrizi street."
    assert apply_target_spellings(text, [TABRIZ, SPEAKER], "en", "fa") == (
        "شیوان کوالچیک lives in تبریز, not in Tabrizi street.")
    assert apply_target_spellings(text, [TABRIZ], "en", "en") == text


def test_missing_terms_names_what_the_translation_lost():
    assert missing_terms("Hello from Tabriz", "سلام از تبریز", [TABRIZ], "en", "fa") == []
    assert missing_terms("Hello from Tabriz", "سلام", [TABRIZ, SPEAKER], "en", "fa") == [TABRIZ]


class EchoEngine(TranslationEngine):
    """Returns each sentence as it was given (after the glossary wrote the names): a stand-in
    for a model that copies names, for testing the plumbing only."""

    engine = "echo"
    model = "echo"

    def __init__(self, drop: str = ""):
        self.drop = drop
        self.seen: list[str] = []

    def supports(self, source, target):
        return True

    def translate_batch(self, texts, source, target):
        self.seen += list(texts)
        return [text.replace(self.drop, "") if self.drop else text for text in texts]


def test_translate_cues_writes_target_spellings_and_reports_lost_names():
    cues = [TimedText(0, 1500, "Siobhan Kowalczyk came"), TimedText(1500, 3000, "from Tabriz."),
            TimedText(3000, 4000, "Thank you.")]
    engine, lost = EchoEngine(), []
    result = translate_cues(cues, engine=engine, source="en", target="fa",
                            glossary=[TABRIZ, SPEAKER],
                            on_missing_term=lambda index, term: lost.append((index, term)))
    assert engine.seen[0] == "شیوان کوالچیک came from تبریز."
    assert lost == [] and [cue.start_ms for cue in result] == [0, 1500, 3000]
    dropping = EchoEngine(drop="تبریز")
    translate_cues(cues, engine=dropping, source="en", target="fa", glossary=[TABRIZ, SPEAKER],
                   on_missing_term=lambda index, term: lost.append((index, term)))
    assert lost == [(0, TABRIZ), (1, TABRIZ)]  # both cues of the sentence that lost it
