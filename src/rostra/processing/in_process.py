"""Running stages on this machine, in this process: no broker, no extra service.

:class:`InProcessExecutor` runs each stage the domain queues here and now, one after the other,
retrying temporary failures as rostra.processing.retries says. ``rostra process`` (through
rostra.processing.runner), the background thread of ``rostra serve`` and the demo use it.
:class:`BackgroundExecutor` only leaves the stage queued: that background thread runs it.
"""

from __future__ import annotations

import time
from collections import deque
from itertools import count

from rostra.archive.models import Speech
from rostra.processing import domain, retries
from rostra.processing.domain import StageOutcome, StageProgress
from rostra.processing.executor import StageExecutor
from rostra.processing.models import StageRun


class InProcessExecutor(StageExecutor):
    """Runs queued stages in this process, in the order they were queued.

    ``outcomes`` collects what happened to every stage, those that needed no run included.
    """

    def __init__(self, *, on_progress: StageProgress | None = None,
                 retry: retries.RetryPolicy | None = None):
        self.on_progress = on_progress
        self.retry = retry
        self.outcomes: list[StageOutcome] = []
        self._pending: deque[tuple[int, list[str] | None, bool]] = deque()

    def submit(self, run: StageRun, *, stages, force) -> None:
        # Kept for run_pending, not run at once: a stage queued while another runs waits its
        # turn instead of nesting inside it.
        self._pending.append((run.pk, stages, force))

    def not_queued(self, outcome: StageOutcome) -> None:
        self.outcomes.append(outcome)

    def submit_index_backlog(self) -> None:
        from rostra.search.backlog import drain_backlog

        drain_backlog()

    def run_pending(self) -> list[StageOutcome]:
        """Run every submitted stage and what the domain queues after each; return outcomes."""
        while self._pending:
            run_id, stages, force = self._pending.popleft()
            outcome = self._run_with_retries(run_id)
            self.outcomes.append(outcome)
            speech = Speech.objects.filter(stage_runs__pk=run_id).first()
            if speech is not None:  # gone if the speech was deleted meanwhile
                domain.queue_after(outcome, speech, stages=stages, force=force, executor=self)
        return self.outcomes

    def _run_with_retries(self, run_id: int) -> StageOutcome:
        policy = self.retry or retries.LOCAL_RETRIES
        for attempt in count(1):
            try:
                return domain.execute_stage_run(run_id, on_progress=self.on_progress)
            except domain.TemporaryError as exc:
                if policy.gives_up_after(attempt):
                    run = StageRun.objects.select_related("speech").get(pk=run_id)
                    return domain.record_failure(run.speech, run, policy.gave_up_reason(exc))
                time.sleep(policy.delay_s(attempt))
        raise AssertionError("unreachable")


class BackgroundExecutor(StageExecutor):
    """Leaves queued stages for the background thread of ``rostra serve`` (one machine, no
    broker): a web request queues recognition without waiting minutes for it."""

    def submit(self, run: StageRun, *, stages, force) -> None:
        pass  # the StageRun row is queued; rostra.processing.background finds it

    def submit_index_backlog(self) -> None:
        pass  # the PendingIndex rows are there; the background loop (or the indexer
        # ``rostra import`` starts) finds them


def process_speech(speech: Speech, *, stages: list[str] | None = None, force: bool = False,
                   on_progress: StageProgress | None = None) -> list[StageOutcome]:
    """Run the planned stages of ``speech`` here and now, skipping what is up to date.

    Side effects: StageRun rows; the machine transcript (origin asr) and machine translations
    (origin mt), never a human transcript; the speech's state (→ needs review after
    recognition, → failed with the reason on a permanent error). ``force`` redoes done stages.
    Returns an outcome for every stage: run, up to date, or busy elsewhere.
    """
    executor = InProcessExecutor(on_progress=on_progress)
    domain.queue_processing(speech, stages=stages, force=force, executor=executor)
    return executor.run_pending()


def run_queued_stage(run: StageRun) -> list[StageOutcome]:
    """Run a stage someone queued earlier (an API request, a worker that died), then what the
    domain says follows it."""
    executor = InProcessExecutor()
    executor.submit(run, stages=None, force=False)
    return executor.run_pending()
