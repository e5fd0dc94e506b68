"""The live encoder reads each window's own audio, not Whisper's padded 30 s."""

import numpy as np
import pytest

from rostra.pipeline.streaming.audio_context import (content_frames, context_frames,
                                                      short_audio_context)


class RecordingWhisper:
    """faster-whisper's WhisperModel as far as short_audio_context uses it: ``encode``."""

    def __init__(self):
        self.encoded = []

    def encode(self, features):
        self.encoded.append(features.shape[-1])
        return features


def padded_window(audio_frames: int) -> np.ndarray:
    """A window's log-mel features as faster-whisper hands them over: audio, then zeros."""
    features = np.zeros((80, 3000), dtype=np.float32)
    features[:, :audio_frames] = np.random.default_rng(1).uniform(-1.0, 1.0, (80, audio_frames))
    features[:, audio_frames - 5:audio_frames] = -0.6  # silence at its end is still audio
    return features


def test_content_frames_counts_up_to_the_padding():
    assert content_frames(padded_window(250)) == 250
    assert content_frames(padded_window(250)[None]) == 250  # with a batch dimension
    assert content_frames(np.zeros((80, 3000))) == 0


@pytest.mark.parametrize("min_frames, expected", [(0, 400), (1000, 1000), (1500, 1500)])
def test_a_window_holding_less_audio_is_encoded_at_its_own_length(min_frames, expected):
    # A reading that stops early goes on in a second window over 2.5 s left of the buffer:
    # the margin (1 s) is added and the length rounded up to a whole second.
    model = RecordingWhisper()
    frames = context_frames(12 * 16000, 16000, min_frames=min_frames)
    with short_audio_context(model, frames, min_frames=min_frames):
        model.encode(padded_window(1200))  # the whole 12-s buffer
        model.encode(padded_window(250))  # its last 2.5 s
    assert model.encoded == [max(1300, min_frames), expected]
    assert "encode" not in vars(model)


def test_the_buffer_length_bounds_every_window():
    model = RecordingWhisper()
    with short_audio_context(model, 900, min_frames=0):
        model.encode(padded_window(2500))
    assert model.encoded == [900]


def test_the_context_never_falls_below_its_minimum():
    assert context_frames(3 * 16000, 16000) == 1500
    assert context_frames(3 * 16000, 16000, min_frames=0) == 400
    assert context_frames(40 * 16000, 16000, min_frames=0) == 3000
