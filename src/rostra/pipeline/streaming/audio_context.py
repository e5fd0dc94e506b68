"""Let Whisper's encoder read only as much audio as the live buffer holds.

faster-whisper pads every window to Whisper's 30 seconds (3,000 mel frames) before the
encoder, and the encoder's cost grows with its input: on this project's 2-core machine,
Whisper base's encoder took 0.92 s for 3,000 frames and 0.17 s for 1,500 (CPU, int8, one
thread). A live buffer holds a few seconds, so most of that work is spent on silence that
padding made up. CTranslate2's Whisper accepts a shorter input; the decoder then attends over
fewer positions. (whisper.cpp offers the same trade as its ``audio_ctx`` option.)

Quality is not free: Whisper was trained on 30-second windows, so the context is never cut
below :data:`MIN_FRAMES`; bench/live_benchmark.py measures the WER beside the full context.
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np

FULL_FRAMES = 3000  # 30 s at 100 mel frames per second
FRAMES_PER_SECOND = 100
MIN_FRAMES = 1500
MARGIN_FRAMES = 100  # a second past the audio, so the last word is never at the very edge


def context_frames(samples: int, sample_rate: int, *, min_frames: int = MIN_FRAMES) -> int:
    """Encoder input length for a buffer of ``samples``: its length plus the margin, rounded
    up to a whole second, between ``min_frames`` and Whisper's full 30 seconds."""
    needed = samples * FRAMES_PER_SECOND // sample_rate + MARGIN_FRAMES
    return _whole_seconds(needed, min_frames)


def _whole_seconds(frames: int, min_frames: int) -> int:
    rounded = -(-frames // FRAMES_PER_SECOND) * FRAMES_PER_SECOND
    return max(min_frames, min(FULL_FRAMES, rounded))


def content_frames(features: np.ndarray) -> int:
    """Mel frames of a window that hold audio: faster-whisper pads a window's features with
    zeros up to 30 s, and a log-mel frame of real audio, even of silence, is never all
    zeros."""
    filled = np.flatnonzero(np.any(features != 0, axis=tuple(range(features.ndim - 1))))
    return int(filled[-1]) + 1 if len(filled) else 0


@contextmanager
def short_audio_context(model, frames: int, *, min_frames: int = MIN_FRAMES):
    """While inside, ``model`` (a faster-whisper WhisperModel) encodes at most ``frames`` mel
    frames of each window, and fewer for a window that holds less audio (a reading that
    stops early goes on in a second window over the buffer's rest: it is encoded at its own
    length, not the whole buffer's). Consume the segments inside the block: they are
    decoded lazily."""
    full_encode = getattr(type(model), "encode", None)
    if full_encode is None or frames >= FULL_FRAMES:  # a stand-in model, or nothing to save
        yield
        return

    def encode_short(features):
        needed = _whole_seconds(content_frames(features) + MARGIN_FRAMES, min_frames)
        return full_encode(model, features[..., :min(frames, needed)])

    model.encode = encode_short  # this instance only; one live job owns its model
    try:
        yield
    finally:
        del model.encode
