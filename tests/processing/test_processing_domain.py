"""Processing a speech: stages, idempotency, claims, stale workers, failures, human work."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone

from rostra.archive.models import Speech
from rostra.core.storage import media_file
from rostra.processing.domain import (STALE_AFTER, claim_stage_run, planned_stages,
                                      queue_stage, speeches_needing_processing)
from rostra.processing import retries
from rostra.processing.in_process import process_speech
from rostra.processing.models import StageRun
from rostra.processing.retries import RetryPolicy
from rostra.transcripts.domain import SegmentData, save_transcript
from rostra.transcripts.models import Transcript

pytestmark = pytest.mark.django_db


def statuses(outcomes):
    return {outcome.stage: outcome.status for outcome in outcomes}


def test_recognition_writes_the_machine_transcript_and_asks_for_review(make_speech, fake_engine):
    speech = make_speech(language="en")
    outcomes = process_speech(speech)
    assert statuses(outcomes)["asr"] == "done"
    transcript = Transcript.objects.get(speech=speech, origin="asr")
    assert (transcript.language, transcript.engine, transcript.model) == ("en", "fake",
                                                                        "bundled-base")
    assert transcript.options["beam_size"] == 5 and transcript.fingerprint
    texts = list(transcript.segments.values_list("text", flat=True))
    assert " ".join(texts).replace("\n", " ") == \
        "Clean water is one of the great achievements of modern cities."
    assert all(len(line) <= 42 for text in texts for line in text.split("\n"))
    speech.refresh_from_db()
    assert speech.state == Speech.State.NEEDS_REVIEW
    run = StageRun.objects.get(speech=speech, stage="asr")
    assert (run.status, run.attempts) == ("done", 1)
    assert run.worker == f"{socket.gethostname()}:{os.getpid()}"


def test_translation_without_an_engine_is_skipped_with_the_reason(make_speech, fake_engine):
    speech = make_speech(language="en")
    outcomes = process_speech(speech)
    assert statuses(outcomes) == {"asr": "done", "translate:fa": "skipped",
                                  "translate:ar": "skipped"}
    run = StageRun.objects.get(speech=speech, stage="translate:fa")
    assert run.error == "no translation engine configured"
    assert not Transcript.objects.filter(speech=speech, origin="mt").exists()


def test_a_second_run_skips_done_work_and_force_redoes_it(make_speech, fake_engine):
    speech = make_speech()
    process_speech(speech, stages=["asr"])
    assert statuses(process_speech(speech, stages=["asr"])) == {"asr": "up-to-date"}
    assert len(fake_engine()) == 1
    assert statuses(process_speech(speech, stages=["asr"], force=True)) == {"asr": "done"}
    assert len(fake_engine()) == 2
    assert Transcript.objects.get(speech=speech, origin="asr").revision == 2


def test_changed_options_change_the_fingerprint(make_speech, fake_engine, settings):
    speech = make_speech()
    process_speech(speech, stages=["asr"])
    settings.ROSTRA_ASR_BEAM_SIZE = 1
    assert statuses(process_speech(speech, stages=["asr"])) == {"asr": "done"}


def test_the_spoken_language_is_detected_and_kept_when_the_program_lacks_it(make_speech,
                                                                            fake_engine):
    speech = make_speech(language="")
    assert planned_stages(speech) == ["asr", "translate:fa", "translate:ar", "translate:en"]
    outcomes = process_speech(speech)
    speech.refresh_from_db()
    assert speech.original_language == "en"
    assert "translate:en" not in statuses(outcomes)


def test_claim_is_exactly_once(make_speech, fake_engine):
    speech = make_speech()
    run = queue_stage(speech, stage="asr")
    assert queue_stage(speech, stage="asr").pk == run.pk  # queueing twice is harmless
    assert claim_stage_run(run.pk, worker="a:1") is True
    assert claim_stage_run(run.pk, worker="b:2") is False
    assert StageRun.objects.get(pk=run.pk).worker == "a:1"


def test_a_live_claim_elsewhere_is_left_alone_unless_forced(make_speech, fake_engine):
    speech = make_speech()
    StageRun.objects.create(speech=speech, stage="asr", status="running",
                            worker="other-host:123", heartbeat_at=timezone.now())
    assert statuses(process_speech(speech, stages=["asr"])) == {"asr": "busy"}
    assert fake_engine() == []
    assert statuses(process_speech(speech, stages=["asr"], force=True)) == {"asr": "done"}


@pytest.mark.parametrize("worker, heartbeat_age", [
    ("other-host:123", STALE_AFTER + timedelta(minutes=1)),  # its heartbeat stopped
    (f"{socket.gethostname()}:DEAD", timedelta(0)),  # its process on this machine is gone
])
def test_a_speech_whose_worker_was_killed_is_processed_again(make_speech, fake_engine,
                                                             worker, heartbeat_age):
    if worker.endswith("DEAD"):
        gone = subprocess.Popen([sys.executable, "-c", "pass"])
        gone.wait()
        worker = worker.replace("DEAD", str(gone.pid))
    speech = make_speech()
    StageRun.objects.create(speech=speech, stage="asr", status="running", worker=worker,
                            attempts=1, heartbeat_at=timezone.now() - heartbeat_age)
    assert statuses(process_speech(speech, stages=["asr"])) == {"asr": "done"}
    run = StageRun.objects.get(speech=speech, stage="asr")
    assert (run.status, run.attempts) == ("done", 2)


def test_human_transcripts_are_never_touched(make_speech, fake_engine):
    speech = make_speech()
    human = save_transcript(speech=speech, language="en", origin="human",
                            segments=[SegmentData(0, 2000, "Written by a person.")])
    process_speech(speech, force=True)
    process_speech(speech, force=True)
    human.refresh_from_db()
    assert human.revision == 1
    assert list(human.segments.values_list("text", flat=True)) == ["Written by a person."]
    assert Transcript.objects.filter(speech=speech, origin="asr").count() == 1


def test_a_reviewed_machine_transcript_is_kept(make_speech, fake_engine):
    speech = make_speech()
    process_speech(speech)
    transcript = Transcript.objects.get(speech=speech, origin="asr")
    transcript.segments.filter(position=0).update(text="Corrected by an editor.", reviewed=True)
    outcomes = process_speech(speech, stages=["asr"], force=True)
    assert statuses(outcomes) == {"asr": "skipped"}
    assert "editor" in outcomes[0].message
    assert transcript.segments.get(position=0).text == "Corrected by an editor."


@pytest.mark.slow
def test_silence_gives_an_empty_transcript_flagged_no_speech(tmp_path, real_engine, make_speech):
    import mediafactory
    from rostra.archive.domain.media import add_media_file

    speech = make_speech(media=False)
    add_media_file(mediafactory.write_audio(tmp_path / "quiet.ogg", seconds=3, silent=True),
                   speech=speech)
    speech.refresh_from_db()
    outcomes = process_speech(speech, stages=["asr"])
    assert statuses(outcomes) == {"asr": "done"}
    assert outcomes[0].message == "no speech found in the recording"
    transcript = Transcript.objects.get(speech=speech, origin="asr")
    assert transcript.flags == ["no-speech"] and transcript.segments.count() == 0
    speech.refresh_from_db()
    assert speech.state == Speech.State.NEEDS_REVIEW


def test_broken_media_fails_the_speech_in_editors_words(make_speech, real_engine):
    speech = make_speech()
    path = media_file(speech.media.path)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 3])  # storage cut it short
    outcomes = process_speech(speech)
    assert statuses(outcomes) == {"asr": "failed"}
    speech.refresh_from_db()
    assert speech.state == Speech.State.FAILED
    assert speech.failure_reason.startswith("speech recognition failed: the recording")
    assert "upload a complete copy" in speech.failure_reason
    assert speech.media.original_name in speech.failure_reason
    assert not Transcript.objects.filter(speech=speech).exists()
    assert StageRun.objects.get(speech=speech, stage="asr").status == "failed"


def test_a_language_the_model_cannot_hear_fails_clearly(make_speech, real_engine):
    speech = make_speech(language="xx")
    process_speech(speech, stages=["asr"])
    speech.refresh_from_db()
    assert speech.state == Speech.State.FAILED
    assert "cannot recognize language 'xx'" in speech.failure_reason


def test_speeches_needing_processing(make_speech, fake_engine):
    waiting = make_speech()
    make_speech(media=False)
    done = make_speech()
    process_speech(done, stages=["asr"])
    assert list(speeches_needing_processing()) == [waiting]


def test_background_worker_processes_new_media(make_speech, fake_engine):
    from rostra.processing.background import process_pending_once

    speech = make_speech()
    assert process_pending_once() == 1
    assert process_pending_once() == 0
    assert Transcript.objects.filter(speech=speech, origin="asr").exists()


def test_temporary_errors_are_retried_then_recorded(make_speech, fake_engine, monkeypatch):
    from rostra.processing import domain

    calls = []

    def flaky(speech, run, on_progress):
        calls.append(run.status)
        raise domain.TemporaryError("database is busy")

    monkeypatch.setattr(domain, "_run_asr", flaky)
    monkeypatch.setattr(retries, "LOCAL_RETRIES", RetryPolicy(attempts=3, first_delay_s=0.01,
                                                              max_delay_s=0.01))
    speech = make_speech()
    outcomes = process_speech(speech, stages=["asr"])
    assert len(calls) == retries.LOCAL_RETRIES.attempts == 3
    assert statuses(outcomes) == {"asr": "failed"}
    assert "gave up after 3 tries" in outcomes[0].message
    run = StageRun.objects.get(speech=speech, stage="asr")
    assert (run.status, run.attempts) == ("failed", 3)


def test_skipped_translation_runs_once_an_engine_is_configured(make_speech, fake_engine,
                                                                settings, monkeypatch):
    monkeypatch.setattr(retries, "LOCAL_RETRIES", RetryPolicy(attempts=3, first_delay_s=0.01,
                                                              max_delay_s=0.01))
    speech = make_speech(language="en")
    process_speech(speech)
    assert statuses(process_speech(speech))["translate:fa"] == "up-to-date"
    settings.ROSTRA_MT_ENGINE = "libretranslate"
    settings.ROSTRA_MT_URL = "http://127.0.0.1:9"  # nothing listens: the stage must try
    [outcome] = process_speech(speech, stages=["translate:fa"])
    # The configured engine was tried: it found no server, rather than "no engine configured".
    assert (outcome.stage, outcome.status) == ("translate:fa", "failed")
    assert "cannot reach the LibreTranslate server at http://127.0.0.1:9" in outcome.message


def test_a_message_delivered_again_after_its_worker_died_is_processed(make_speech, fake_engine):
    from rostra.processing.domain import execute_stage_run

    speech = make_speech()
    run = StageRun.objects.create(speech=speech, stage="asr", status="running",
                                  worker="gone-host:1", attempts=1,
                                  heartbeat_at=timezone.now() - STALE_AFTER * 2)
    assert execute_stage_run(run.pk).status == "done"
    live = make_speech()
    claimed = StageRun.objects.create(speech=live, stage="asr", status="running",
                                      worker="other-host:2", heartbeat_at=timezone.now())
    assert execute_stage_run(claimed.pk).status == "busy"
    assert len(fake_engine()) == 1
