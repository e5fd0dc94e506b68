"""Where batched recognition cuts a recording into the 30-second chunks it decodes side by side.

faster-whisper's batched pipeline glues VAD speech regions (split at any 160 ms pause) together
until 30 s are full, so a chunk often starts and ends in the middle of a sentence, and the
decoder, which sees each chunk without the text before it, guesses the words around the cut.
Here a chunk is a stretch of the recording as it was spoken (its own pauses kept) that ends at
the longest pause available once it is long enough to be worth a batch slot.
"""

from __future__ import annotations

from dataclasses import dataclass

SAMPLE_RATE = 16_000
MAX_CHUNK_SECONDS = 30.0  # Whisper's input window


@dataclass(frozen=True)
class Chunk:
    start: int  # samples, in the window the regions came from
    end: int

    @property
    def seconds(self) -> tuple[float, float]:
        return self.start / SAMPLE_RATE, self.end / SAMPLE_RATE


def _cut_long_regions(regions: list[tuple[int, int]], limit: int) -> list[tuple[int, int]]:
    """The speech regions with every one longer than ``limit`` samples cut at ``limit``."""
    pieces: list[tuple[int, int]] = []
    for start, end in regions:
        while end - start > limit:
            pieces.append((start, start + limit))
            start += limit
        if end > start:
            pieces.append((start, end))
    return pieces


def plan_chunks(regions: list[tuple[int, int]], *, min_seconds: float,
                max_seconds: float = MAX_CHUNK_SECONDS) -> list[Chunk]:
    """Chunks of at most ``max_seconds`` covering the speech ``regions`` (start, end samples).

    Consecutive regions share a chunk while it stays under ``max_seconds``; where the next one
    does not fit, the chunk ends after the region followed by the longest pause among those
    that leave it at least ``min_seconds`` long (or after the last region that fits, if none
    does). A region longer than ``max_seconds`` is cut at ``max_seconds``.
    """
    limit = int(max_seconds * SAMPLE_RATE)
    floor = int(min_seconds * SAMPLE_RATE)
    pieces = _cut_long_regions(regions, limit)
    chunks: list[Chunk] = []
    first = 0
    while first < len(pieces):
        start = pieces[first][0]
        last = first
        while last + 1 < len(pieces) and pieces[last + 1][1] - start <= limit:
            last += 1
        if last + 1 < len(pieces):
            candidates = [index for index in range(first, last + 1)
                          if pieces[index][1] - start >= floor] or [last]
            last = max(candidates, key=lambda index: pieces[index + 1][0] - pieces[index][1])
        chunks.append(Chunk(start, pieces[last][1]))
        first = last + 1
    return chunks


def plan_packed_chunks(regions: list[tuple[int, int]], *,
                       max_seconds: float = MAX_CHUNK_SECONDS,
                       pause_cap_seconds: float = 2.0) -> list[Chunk]:
    """As few chunks as fit the speech ``regions`` in ``max_seconds`` windows, cut at pauses.

    Every batch item is padded to Whisper's 30-s window, so a 12-s chunk costs the encoder as
    much as a full one: the number of chunks is the cost. Among the cuttings with the fewest
    chunks (each a contiguous stretch of the recording ending at a gap between regions), this
    one makes the cut pauses as long as possible (their sum, each counted up to
    ``pause_cap_seconds`` so one long silence does not outweigh several good cuts).
    """
    limit = int(max_seconds * SAMPLE_RATE)
    cap = int(pause_cap_seconds * SAMPLE_RATE)
    pieces = _cut_long_regions(regions, limit)
    count = len(pieces)
    if not count:
        return []
    # best[i]: (chunks, -pause score) for pieces[i:], and where the first chunk ends.
    best: list[tuple[int, int]] = [(0, 0)] * (count + 1)
    ends = [0] * count
    for first in range(count - 1, -1, -1):
        choice = None
        for last in range(first, count):
            if pieces[last][1] - pieces[first][0] > limit:
                break
            chunks, score = best[last + 1]
            pause = 0 if last + 1 == count else min(cap, pieces[last + 1][0] - pieces[last][1])
            candidate = (chunks + 1, score - pause)
            if choice is None or candidate < choice[0]:
                choice = (candidate, last)
        assert choice is not None  # a piece alone always fits
        best[first], ends[first] = choice
    chunks, first = [], 0
    while first < count:
        last = ends[first]
        chunks.append(Chunk(pieces[first][0], pieces[last][1]))
        first = last + 1
    return chunks
