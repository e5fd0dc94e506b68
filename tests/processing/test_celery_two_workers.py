"""Many machines: two real `rostra worker` processes on the real Redis share one batch held in
a real PostgreSQL database and shared media storage; every speech is recognized exactly once.

The workers and the setup run as subprocesses against a database of this test's own (created
and dropped here), so the test works whichever database the rest of the suite uses. The fake
engine (logging each call) stands in for recognition: this tests orchestration only.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SPEECHES = 8

SETUP = f"""
import sys
sys.path.insert(0, {str(REPO / 'tests')!r})
import django
django.setup()
from rostra.cli.database import ensure_database
ensure_database()
import mediafactory
from pathlib import Path
from rostra.archive.domain.media import add_media_file
from rostra.archive.models import Event, Speech
from rostra.celery_app import app
app.control.purge()  # leftovers of an earlier, interrupted run
event = Event.objects.create(slug="workers", name={{"en": "Workers"}})
for number in range(int(sys.argv[2])):
    speech = Speech.objects.create(event=event, slug=f"talk-{{number}}", original_language="en",
                                   title={{"en": f"Talk {{number}}"}})
    path = mediafactory.write_audio(Path(sys.argv[1]) / f"talk-{{number}}.ogg", seconds=1,
                                    tone_hz=200 + 10 * number)
    add_media_file(path, speech=speech)
"""

DUPLICATE = """
import django
django.setup()
from rostra.processing.models import StageRun
from rostra.processing.tasks import run_stage_task
# A broker may deliver a message twice (a worker lost, a visibility timeout): send every
# queued recognition again, so the two workers really compete for the same stage runs.
for run in StageRun.objects.filter(stage="asr"):
    run_stage_task.apply_async(args=[run.pk], queue="asr")
"""

STATE = """
import json
import django
django.setup()
from rostra.processing.models import StageRun
from rostra.transcripts.models import Transcript
print(json.dumps({
    "runs": [[r.speech.slug, r.stage, r.status, r.attempts, r.error]
             for r in StageRun.objects.select_related("speech")],
    "transcripts": Transcript.objects.filter(origin="asr").count(),
}))
"""


def pg_admin(postgres_url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute(statement)


@pytest.fixture
def worker_env(postgres_url, redis_url, tmp_path):
    name = f"rostra_workers_{os.getpid()}"
    pg_admin(postgres_url, f'DROP DATABASE IF EXISTS "{name}"')
    pg_admin(postgres_url, f'CREATE DATABASE "{name}"')
    env = {key: value for key, value in os.environ.items() if not key.startswith("ROSTRA_")}
    env.update({
        "ROSTRA_DATABASE_URL": postgres_url.rsplit("/", 1)[0] + "/" + name,
        "ROSTRA_BROKER_URL": redis_url,
        "ROSTRA_DATA_DIR": str(tmp_path / "shared-data"),  # the shared media storage
        "ROSTRA_ASR_ENGINE": "fake_asr_engine:FakeAsrEngine",
        "ROSTRA_FAKE_ASR_LOG": str(tmp_path / "asr-calls.log"),
        "ROSTRA_FAKE_ASR_SECONDS": "0.4",
        "ROSTRA_RENDITIONS": "false",  # this test counts recognition; renditions have their own
        "PYTHONPATH": os.pathsep.join([str(HERE), env.get("PYTHONPATH", "")]),
        "DJANGO_SETTINGS_MODULE": "rostra.settings",
    })
    yield env
    pg_admin(postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def python(env, code: str, *args: str) -> str:
    done = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def stop(worker: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()


def start_worker(env, log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "rostra", "worker", "--queues",
                             "asr,translate,default"], env=env, stdout=open(log, "w"),
                            stderr=subprocess.STDOUT, start_new_session=True)


def wait_for(predicate, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def test_two_workers_process_each_speech_exactly_once(worker_env, tmp_path):
    import json

    python(worker_env, SETUP, str(tmp_path), str(SPEECHES))
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    workers = [start_worker(worker_env, log) for log in logs]
    try:
        wait_for(lambda: all("ready." in log.read_text() for log in logs), timeout=90,
                 what="both workers to start")
        queued = subprocess.run([sys.executable, "-m", "rostra", "process"], env=worker_env,
                                capture_output=True, text=True, timeout=60)
        assert queued.returncode == 0, queued.stderr
        assert f"queued {SPEECHES} stage(s) of {SPEECHES} speech(es)" in queued.stdout
        python(worker_env, DUPLICATE)

        def finished():
            state = json.loads(python(worker_env, STATE))
            runs = state["runs"]
            expected = SPEECHES * 3  # asr + translate:fa + translate:ar
            if len(runs) == expected and all(r[2] in ("done", "skipped", "failed")
                                             for r in runs):
                return state
            return None

        state = wait_for(finished, timeout=120, what="every stage to finish")
    finally:
        for worker in workers:
            stop(worker)
    asr = [run for run in state["runs"] if run[1] == "asr"]
    assert sorted(run[0] for run in asr) == sorted(f"talk-{n}" for n in range(SPEECHES))
    assert all(run[2] == "done" and run[3] == 1 for run in asr), asr
    translations = [run for run in state["runs"] if run[1] != "asr"]
    assert all(run[2] == "skipped" and run[4] == "no translation engine configured"
               for run in translations), translations
    assert state["transcripts"] == SPEECHES
    calls = (tmp_path / "asr-calls.log").read_text().splitlines()
    recognized = [line.split("\t")[1] for line in calls]
    assert len(recognized) == SPEECHES == len(set(recognized))  # each exactly once
    assert len({line.split("\t")[0] for line in calls}) == 2  # both workers took a share


def test_a_speech_whose_worker_was_killed_is_finished_by_another(worker_env, tmp_path):
    import json

    python(worker_env, SETUP, str(tmp_path), "1")
    slow = {**worker_env, "ROSTRA_FAKE_ASR_SECONDS": "60"}
    doomed_log, rescuer_log = tmp_path / "doomed.log", tmp_path / "rescuer.log"
    doomed = start_worker(slow, doomed_log)
    rescuer = None
    try:
        wait_for(lambda: "ready." in doomed_log.read_text(), timeout=90, what="the worker")
        queued = subprocess.run([sys.executable, "-m", "rostra", "process"], env=worker_env,
                                capture_output=True, text=True, timeout=60)
        assert queued.returncode == 0, queued.stderr

        def running():
            runs = json.loads(python(worker_env, STATE))["runs"]
            return any(run[1] == "asr" and run[2] == "running" for run in runs)

        wait_for(running, timeout=60, what="recognition to start")
        stop(doomed, signal.SIGKILL)  # the machine dies mid-recognition
        rescuer = start_worker(worker_env, rescuer_log)
        wait_for(lambda: "ready." in rescuer_log.read_text(), timeout=90, what="a new worker")
        again = subprocess.run([sys.executable, "-m", "rostra", "process"], env=worker_env,
                               capture_output=True, text=True, timeout=60)
        assert again.returncode == 0, again.stderr
        assert "queued 1 stage(s)" in again.stdout  # the dead worker's stage, queued again

        def finished():
            state = json.loads(python(worker_env, STATE))
            asr = [run for run in state["runs"] if run[1] == "asr"]
            return state if asr and asr[0][2] == "done" else None

        state = wait_for(finished, timeout=90, what="the rescued stage to finish")
    finally:
        stop(doomed, signal.SIGKILL)
        if rescuer is not None:
            stop(rescuer)
    asr = [run for run in state["runs"] if run[1] == "asr"]
    assert asr[0][3] == 2  # claimed by the dead worker, then by the rescuer
    assert state["transcripts"] == 1
