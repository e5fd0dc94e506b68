"""How temporary failures are retried: the one definition both executors follow.

A temporary failure (database busy, storage or translation server unreachable) is retried with
growing delays up to a limit; then the stage is recorded as failed, in words an editor reads.
The Celery workers wait long (a server may be down for minutes); on one machine a person is
usually watching, so the waits are short.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int  # tries in all, the first included
    first_delay_s: float
    max_delay_s: float

    def delay_s(self, attempt: int) -> float:
        """Seconds to wait after try number ``attempt`` (1-based) failed: doubling, capped."""
        return min(self.max_delay_s, self.first_delay_s * 2 ** (attempt - 1))

    def gives_up_after(self, attempt: int) -> bool:
        return attempt >= self.attempts

    def gave_up_reason(self, error: Exception) -> str:
        return f"gave up after {self.attempts} tries ({error})"


WORKER_RETRIES = RetryPolicy(attempts=6, first_delay_s=30, max_delay_s=900)
LOCAL_RETRIES = RetryPolicy(attempts=3, first_delay_s=2, max_delay_s=8)
