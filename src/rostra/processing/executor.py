"""The seam between deciding what to run and running it.

rostra.processing.domain decides which stages to queue (``next_stages``) and queues them; an
executor runs each queued stage somewhere. Two implementations:

- :class:`rostra.processing.tasks.CeleryExecutor`: workers on any machine, through a broker;
- :class:`rostra.processing.in_process.InProcessExecutor`: here and now, on one machine
  (``rostra process``, the background thread of ``rostra serve``, the demo);

and :class:`rostra.processing.in_process.BackgroundExecutor` leaves a stage queued for that
background thread, so a web request never waits for recognition. The search backlog a big
import leaves (rostra.search.backlog) goes the same ways: ``submit_index_backlog``.
:func:`rostra.processing.dispatch.deployment_executor` picks the one this deployment uses.
"""

from __future__ import annotations

from abc import ABC, abstractmethod


class StageExecutor(ABC):
    """Runs the stage runs the domain queued; after each, asks the domain what follows."""

    @abstractmethod
    def submit(self, run, *, stages: list[str] | None, force: bool) -> None:
        """Run the queued StageRun ``run`` (now or later). ``stages`` and ``force`` are what
        the user asked for, handed back to the domain when it plans what follows."""

    def not_queued(self, outcome) -> None:
        """A stage that needed no run (up to date, or another worker has it)."""

    @abstractmethod
    def submit_index_backlog(self) -> None:
        """Index the speeches waiting in the search backlog (rostra.search.backlog: a big
        import marked them pending), now or later."""
