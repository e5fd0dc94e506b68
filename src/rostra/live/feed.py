"""The bounded hand-over between the thread that reads the source and the recognizer.

Reading never waits for recognition (the recording must keep every sample), so the feed
holds at most ``max_ms`` of audio: when recognition falls that far behind, the oldest audio
is dropped from recognition (never from the recording) and the consumer sees a jump.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

import numpy as np

from rostra.pipeline.audio import SAMPLE_RATE


@dataclass(frozen=True)
class FedAudio:
    at_ms: int  # where in the stream (the recording) these samples start
    samples: np.ndarray


@dataclass(frozen=True)
class FedGap:
    at_ms: int
    missing_ms: int
    reason: str


class AudioFeed:
    def __init__(self, *, max_ms: int):
        self.max_ms = max_ms
        self._items: deque = deque()
        self._queued_ms = 0
        self._condition = threading.Condition()
        self.closed = False
        self.dropped_ms = 0

    def put(self, item: FedAudio | FedGap) -> None:
        with self._condition:
            self._items.append(item)
            if isinstance(item, FedAudio):
                self._queued_ms += len(item.samples) * 1000 // SAMPLE_RATE
            while self._queued_ms > self.max_ms:
                self._drop_oldest_audio()
            self._condition.notify()

    def _drop_oldest_audio(self) -> None:
        for index, item in enumerate(self._items):
            if isinstance(item, FedAudio):
                del self._items[index]
                duration = len(item.samples) * 1000 // SAMPLE_RATE
                self._queued_ms -= duration
                self.dropped_ms += duration
                return

    def close(self) -> None:
        with self._condition:
            self.closed = True
            self._condition.notify()

    @property
    def queued_ms(self) -> int:
        return self._queued_ms

    def take_all(self, *, timeout: float) -> list[FedAudio | FedGap]:
        """Everything queued, waiting up to ``timeout`` seconds for something to come."""
        with self._condition:
            if not self._items and not self.closed:
                self._condition.wait(timeout)
            items = list(self._items)
            self._items.clear()
            self._queued_ms = 0
            return items

    @property
    def finished(self) -> bool:
        return self.closed and not self._items


# Recognition this far behind the source (or half the queue's bound, if less) switches to
# the smaller window, and back below a third of that (a margin, so it does not flap).
BEHIND_FROM_MS = 4000


def keep_up(recognizer, feed: AudioFeed, *, lag_ms: int, max_ms: int) -> bool:
    """Decide whether recognition is behind; returns it.

    Behind, the recognizer reads a smaller window and the feed keeps no more audio than that
    window (older audio is skipped for recognition), so it catches up within a step or two
    instead of reading a whole queue's worth of old audio.
    """
    behind_from = min(BEHIND_FROM_MS, max_ms // 2)
    behind = recognizer.small_window
    if lag_ms >= behind_from:
        behind = True
    elif lag_ms < behind_from // 3:
        behind = False
    recognizer.small_window = behind
    small = int(recognizer.options.behind_max_buffer_seconds * 1000)
    feed.max_ms = min(max_ms, small) if behind else max_ms
    return behind
