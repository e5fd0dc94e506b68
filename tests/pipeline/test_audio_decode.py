"""Decoding recordings to 16 kHz mono, in bounded windows, with one clear error per bad input."""

from __future__ import annotations

import numpy as np
import pytest

import mediafactory
from rostra.pipeline import audio
from rostra.pipeline.audio import SAMPLE_RATE, decode_audio, iter_audio_windows, probe_audio
from rostra.pipeline.types import MediaError


def test_decodes_to_16k_mono_float32(tmp_path):
    path = mediafactory.write_audio(tmp_path / "tone.ogg", seconds=2)
    samples = decode_audio(path)
    assert samples.dtype == np.float32
    assert abs(len(samples) - 2 * SAMPLE_RATE) < SAMPLE_RATE // 10
    assert 0.1 < float(np.abs(samples).max()) <= 1.0


def test_video_with_sound_gives_its_audio(tmp_path):
    path = mediafactory.write_video(tmp_path / "talk.webm", seconds=2)
    assert probe_audio(path).has_video is True
    assert abs(len(decode_audio(path)) - 2 * SAMPLE_RATE) < SAMPLE_RATE // 5


def test_windows_cover_the_recording_once_and_cut_where_it_is_quiet(tmp_path, monkeypatch):
    monkeypatch.setattr(audio, "CUT_SEARCH_SECONDS", 1)
    rate = SAMPLE_RATE
    loud = 0.3 * np.sin(np.arange(4 * rate) / 5)
    quiet_at = int(2.5 * rate)
    signal = loud.copy()
    signal[quiet_at:quiet_at + rate // 5] = 0  # a pause 2.5 s in
    path = tmp_path / "speech.wav"
    _write_wav(path, np.concatenate([signal, signal]))
    whole = decode_audio(path)
    windows = list(iter_audio_windows(path, window_seconds=3))
    assert np.array_equal(np.concatenate([w.samples for w in windows]), whole)
    assert len(windows) >= 2
    first_cut = len(windows[0].samples)
    assert quiet_at <= first_cut <= quiet_at + rate // 5
    assert windows[1].offset_ms == first_cut * 1000 // rate


@pytest.mark.parametrize("make, expected", [
    (lambda d: (d / "noise.mp3").write_bytes(np.random.default_rng(1).bytes(4000)) and d / "noise.mp3",
     "cannot be read as audio or video"),
    (lambda d: (d / "empty.ogg").write_bytes(b"") or d / "empty.ogg", "empty file (0 bytes)"),
    (lambda d: mediafactory.write_video(d / "mute.webm", with_audio=False),
     "video without sound"),
    (lambda d: d / "missing.ogg", "missing from media storage"),
])
def test_bad_recordings_raise_one_clear_error(tmp_path, make, expected):
    path = make(tmp_path)
    with pytest.raises(MediaError) as raised:
        list(iter_audio_windows(path))
    assert expected in str(raised.value)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize("suffix, codec", [(".ogg", "libopus"), (".wav", "pcm_s16le"),
                                           (".m4a", "aac")])
def test_truncated_recording_is_reported_not_half_used(tmp_path, suffix, codec):
    whole = mediafactory.write_audio(tmp_path / f"whole{suffix}", seconds=8, codec=codec)
    data = whole.read_bytes()
    cut = tmp_path / f"cut{suffix}"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(MediaError, match="truncated|damaged|corrupt"):
        decode_audio(cut)


def _write_wav(path, samples):
    import wave

    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
