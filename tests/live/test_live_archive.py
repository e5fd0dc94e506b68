"""When the stream ends, the live words are the first machine draft; the offline recognition
that replaces it later leaves the draft in the history, so editors see both."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_live_draft_stays_in_the_history_after_the_offline_recognition_replaces_it(
        live_speech, client, django_user_model):
    from rostra.live.archive import finish_live_job
    from rostra.live.domain import record_words, start_live_job
    from rostra.pipeline.types import Word
    from rostra.transcripts.domain import SegmentData, save_transcript
    from rostra.transcripts.models import Transcript

    speech = live_speech(language="en")
    job = start_live_job(speech, source="-").job
    record_words(job, [Word(0, 400, " Rain", 0.9), Word(450, 900, " gardens", 0.9),
                       Word(950, 1500, " cool.", 0.9)])
    finish_live_job(job)
    draft = Transcript.objects.get(speech=speech, origin=Transcript.Origin.ASR)
    assert draft.flags == ["live"]

    offline = save_transcript(speech=speech, language="en", origin=Transcript.Origin.ASR,
                              segments=[SegmentData(0, 1500, "Rain gardens cool cities.")],
                              engine="faster-whisper")
    assert offline.flags == [] and offline.revision == draft.revision + 1

    admin = django_user_model.objects.create_superuser("lead", "lead@example.org", "pw-12345!")
    client.force_login(admin)
    history = client.get(f"/en/review/transcript/{offline.pk}/history/")
    assert history.status_code == 200
    assert "live captions draft" in history.content.decode()
    diff = client.get(f"/en/review/transcript/{offline.pk}/diff/?from={draft.revision}")
    page = diff.content.decode()
    assert diff.status_code == 200 and "Rain gardens cool." in page
    assert "Rain gardens cool cities." in page
