"""One processing path: the domain decides the order, an executor runs what it queued."""

from __future__ import annotations

import pytest

from rostra.processing import domain
from rostra.processing.domain import StageOutcome, next_stages, queue_processing
from rostra.processing.in_process import BackgroundExecutor, InProcessExecutor
from rostra.processing.models import StageRun
from rostra.processing.retries import RetryPolicy

pytestmark = pytest.mark.django_db


def test_recognition_comes_first_then_the_translations(make_speech, settings):
    settings.ROSTRA_LANGUAGES = ["fa", "ar", "en"]
    speech = make_speech(language="en")
    assert next_stages(speech) == ["asr"]
    assert next_stages(speech, stages=["translate"]) == ["translate:fa", "translate:ar"]
    for status in ("done", "skipped", "up-to-date"):
        assert next_stages(speech, after=StageOutcome("asr", status)) == \
            ["translate:fa", "translate:ar"]
    for status in ("failed", "busy"):
        assert next_stages(speech, after=StageOutcome("asr", status)) == []
    assert next_stages(speech, after=StageOutcome("translate:fa", "done")) == []
    assert next_stages(speech, stages=["asr", "translate:ar"],
                       after=StageOutcome("asr", "done")) == ["translate:ar"]


def test_the_in_process_executor_runs_recognition_then_what_follows(make_speech, fake_engine):
    speech = make_speech(language="en")
    executor = InProcessExecutor()
    queued = queue_processing(speech, executor=executor)
    assert [run.stage for run in queued] == ["asr"]
    outcomes = executor.run_pending()
    assert [(o.stage, o.status) for o in outcomes] == [
        ("asr", "done"), ("translate:fa", "skipped"), ("translate:ar", "skipped")]


def test_a_background_executor_leaves_the_stage_for_the_serve_thread(make_speech, fake_engine):
    from rostra.processing.background import process_pending_once

    speech = make_speech(language="en")
    process_pending_once()  # recognition first
    StageRun.objects.filter(speech=speech).delete()
    queued = queue_processing(speech, stages=["translate:fa"], executor=BackgroundExecutor())
    assert [(run.stage, run.status) for run in queued] == [("translate:fa", "queued")]
    assert process_pending_once() == 1  # the queued stage, run by the background thread
    assert StageRun.objects.get(speech=speech, stage="translate:fa").status == "skipped"


def test_retries_follow_the_policy_the_executor_is_given(make_speech, fake_engine,
                                                        monkeypatch):
    tries = []

    def busy(speech, run, on_progress):
        tries.append(run.stage)
        raise domain.TemporaryError("database is busy")

    monkeypatch.setattr(domain, "_run_asr", busy)
    speech = make_speech()
    executor = InProcessExecutor(retry=RetryPolicy(attempts=2, first_delay_s=0,
                                                   max_delay_s=0))
    queue_processing(speech, stages=["asr"], executor=executor)
    [outcome] = executor.run_pending()
    assert tries == ["asr", "asr"]
    assert StageRun.objects.get(speech=speech, stage="asr").attempts == 2
    assert (outcome.status, outcome.message) == (
        "failed", "speech recognition failed: gave up after 2 tries (database is busy)")


def test_the_retry_delays_double_up_to_their_cap():
    policy = RetryPolicy(attempts=6, first_delay_s=30, max_delay_s=900)
    assert [policy.delay_s(attempt) for attempt in range(1, 7)] == [30, 60, 120, 240, 480, 900]
    assert not policy.gives_up_after(5) and policy.gives_up_after(6)
