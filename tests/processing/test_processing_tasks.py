"""Celery tasks run eagerly when no broker is configured: same stages, same outcome."""

from __future__ import annotations

import pytest

from rostra.processing.models import StageRun
from rostra.processing.tasks import enqueue_speech, process_speech_task, queue_for, run_stage_task
from rostra.transcripts.models import Transcript

pytestmark = pytest.mark.django_db


def test_tasks_chain_recognition_then_translations(make_speech, fake_engine,
                                                   django_capture_on_commit_callbacks):
    speech = make_speech(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        queued = enqueue_speech(speech)
    assert [run.stage for run in queued] == ["asr"]
    runs = dict(StageRun.objects.filter(speech=speech).values_list("stage", "status"))
    assert runs == {"asr": "done", "translate:fa": "skipped", "translate:ar": "skipped"}
    assert Transcript.objects.filter(speech=speech, origin="asr").exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert enqueue_speech(speech) == []  # everything up to date


def test_tasks_stop_quietly_when_the_speech_is_gone(make_speech, fake_engine):
    speech = make_speech()
    run = StageRun.objects.create(speech=speech, stage="asr")
    speech_id, run_id = speech.pk, run.pk
    speech.delete()
    assert run_stage_task.apply(args=[run_id]).get() == "gone"
    assert process_speech_task.apply(args=[speech_id]).get() == 0
    assert fake_engine() == []


def test_stages_go_to_their_queues():
    assert [queue_for(s) for s in ("asr", "translate:fa", "other")] == \
        ["asr", "translate", "default"]
