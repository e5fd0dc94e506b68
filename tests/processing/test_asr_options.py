"""Recognition options from the settings: how batched recognition cuts its chunks."""

from __future__ import annotations

import pytest

from rostra.archive.models import Event, Speech
from rostra.pipeline.types import PAUSE_MS
from rostra.processing.engines import asr_options_for

pytestmark = pytest.mark.django_db


def test_batched_chunks_end_at_pauses_unless_set_to_faster_whispers_own(data_dir, settings):
    event = Event.objects.create(slug="okd", name={"en": "Open Knowledge Days"})
    speech = Speech.objects.create(event=event, slug="rivers", original_language="en",
                                   title={"en": "Rivers"})
    settings.ROSTRA_ASR_BATCHED = "true"
    assert asr_options_for(speech).chunk_pause_ms == PAUSE_MS
    settings.ROSTRA_ASR_CHUNKS = "vad"
    assert asr_options_for(speech).chunk_pause_ms == 0
