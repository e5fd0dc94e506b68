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
    pieces: list[tuple[int, int]] = []
    for start, end in regions:
        while end - start > limit:
            pieces.append((start, start + limit))
            start += limit
        if end > start:
            pieces.append((start, end))
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
