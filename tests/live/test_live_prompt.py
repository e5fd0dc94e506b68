"""The live recognizer is told the speech's names: its title and its glossary."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_live_prompt_holds_the_title_and_the_speech_glossary_in_the_spoken_language(
        live_speech):
    from rostra.archive.models import Speaker
    from rostra.glossary.models import GlossaryEntry
    from rostra.live.runner import live_prompt

    speech = live_speech(language="en")
    speaker = Speaker.objects.create(event=speech.event, slug="maryam-tehrani",
                                     names={"en": "Maryam Tehrani", "fa": "مریم تهرانی"})
    speech.speakers.add(speaker)
    GlossaryEntry.objects.create(event=speech.event, key="qanat",
                                 spellings={"en": "qanat", "fa": "قنات"})

    prompt = live_prompt(speech)

    assert prompt.startswith(speech.title["en"] + ".")  # a sentence: Whisper keeps punctuating
    assert "Maryam Tehrani" in prompt and "qanat" in prompt
    assert "مریم" not in prompt  # the spoken language's spelling only
