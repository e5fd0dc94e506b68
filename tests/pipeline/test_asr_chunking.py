"""Batched recognition's chunks: whole stretches of speech, as few as fit, cut at long pauses."""

from __future__ import annotations

from types import SimpleNamespace

import faster_whisper
import faster_whisper.vad
import numpy as np
import pytest

from rostra.pipeline.asr import faster_whisper_engine
from rostra.pipeline.asr.chunking import SAMPLE_RATE, Chunk, plan_chunks, plan_packed_chunks
from rostra.pipeline.types import BATCH_ONLY_OPTIONS, PAUSE_MS, AsrOptions, pause_ms_for


def samples(*spans: tuple[float, float]) -> list[tuple[int, int]]:
    return [(int(start * SAMPLE_RATE), int(end * SAMPLE_RATE)) for start, end in spans]


def seconds(chunks: list[Chunk]) -> list[tuple[float, float]]:
    return [chunk.seconds for chunk in chunks]


def test_a_chunk_ends_at_the_longest_pause_once_long_enough():
    regions = samples((0, 5), (5.3, 12), (13, 20), (20.2, 29), (30, 40), (41, 100))
    assert seconds(plan_chunks(regions, min_seconds=15)) == [
        (0, 29), (30, 40), (41, 71), (71, 100)]


def test_the_longest_pause_wins_over_filling_the_window():
    # The 2-s pause after 18 s beats the 0.2-s pauses that would fill 30 s.
    regions = samples((0, 18), (20, 24), (24.2, 28), (28.2, 31))
    assert seconds(plan_chunks(regions, min_seconds=15)) == [(0, 18), (20, 31)]


def test_pauses_before_the_minimum_length_are_not_cuts():
    regions = samples((0, 4), (9, 20), (20.1, 32))
    assert seconds(plan_chunks(regions, min_seconds=15)) == [(0, 20), (20.1, 32)]


def test_every_chunk_fits_whispers_window_and_keeps_the_speech_in_order():
    rng = np.random.default_rng(7)
    edges = np.cumsum(rng.uniform(0.1, 9, size=200))
    regions = samples(*zip(edges[0::2], edges[1::2]))
    chunks = plan_chunks(regions, min_seconds=15)
    assert all(0 < chunk.end - chunk.start <= 30 * SAMPLE_RATE for chunk in chunks)
    assert all(a.end <= b.start for a, b in zip(chunks, chunks[1:]))
    assert chunks[0].start == regions[0][0] and chunks[-1].end == regions[-1][1]
    inside = sum(end - start for start, end in regions)
    assert inside == sum(min(end, c.end) - max(start, c.start) for c in chunks
                         for start, end in regions if start < c.end and end > c.start)


def test_a_region_longer_than_the_window_is_cut_at_the_window():
    assert seconds(plan_chunks(samples((0, 70)), min_seconds=15)) == [
        (0, 30), (30, 60), (60, 70)]


def test_no_speech_no_chunks():
    assert plan_chunks([], min_seconds=15) == []


class FakePipeline:
    """Stands in for BatchedInferencePipeline: records what it was asked to decode."""

    calls: list[dict] = []

    def __init__(self, model):
        pass

    def transcribe(self, audio, **kwargs):
        FakePipeline.calls.append(kwargs)
        found = [SimpleNamespace(seek=int(clip["start"] * 100), avg_logprob=-0.2,
                                 text=f"chunk {index}")
                 for index, clip in enumerate(kwargs.get("clip_timestamps") or [])]
        return iter(found), SimpleNamespace(language="en")


@pytest.fixture
def fake_pipeline(monkeypatch):
    FakePipeline.calls = []
    monkeypatch.setattr(faster_whisper, "BatchedInferencePipeline", FakePipeline)
    monkeypatch.setattr(
        faster_whisper.vad, "get_speech_timestamps",
        lambda audio, options: [dict(zip(("start", "end"), span))
                                for span in samples((0.5, 17), (19, 25), (25.2, 40))])
    return FakePipeline


def test_batched_recognition_decodes_the_chunks_cut_at_pauses_by_default(fake_pipeline):
    model = SimpleNamespace(frames_per_second=100)
    audio = np.zeros(41 * SAMPLE_RATE, dtype=np.float32)
    found, _ = faster_whisper_engine.recognize_batched(model, audio, "en",
                                                       AsrOptions(batched=True))
    (call,) = fake_pipeline.calls
    assert call["vad_filter"] is False
    assert call["clip_timestamps"] == [{"start": 0.5, "end": 17.0}, {"start": 19.0, "end": 40.0}]
    assert [segment.text for segment in found] == ["chunk 0", "chunk 1"]


def test_faster_whispers_own_chunks_remain_available(fake_pipeline):
    model = SimpleNamespace(frames_per_second=100)
    audio = np.zeros(41 * SAMPLE_RATE, dtype=np.float32)
    faster_whisper_engine.recognize_batched(model, audio, "en",
                                            AsrOptions(batched=True, chunk_pause_ms=0))
    (call,) = fake_pipeline.calls
    assert call["vad_filter"] is True and "clip_timestamps" not in call


def test_how_chunks_are_cut_is_recorded_for_batched_runs_only():
    assert AsrOptions(batched=True).as_dict()["chunk_pause_ms"] == PAUSE_MS
    # A sequential run's fingerprint is what it was before batched chunking had options.
    assert not set(BATCH_ONLY_OPTIONS) & set(AsrOptions(batched=False).as_dict())
    assert (pause_ms_for("pauses"), pause_ms_for("vad")) == (PAUSE_MS, 0)


def test_packing_uses_as_few_chunks_as_fit_and_cuts_at_the_longest_pauses():
    # Greedy filling cuts after 29 s (a 0.2-s pause); packing also needs two chunks and cuts
    # at the 2-s pause after 18 s instead.
    regions = samples((0, 18), (20, 24), (24.2, 29), (29.2, 35))
    assert seconds(plan_packed_chunks(regions)) == [(0, 18), (20, 35)]
    # Where a longer pause would cost a third chunk, the count wins.
    regions = samples((0, 10), (12, 28), (28.2, 40), (40.1, 55))
    assert len(plan_chunks(regions, min_seconds=5)) == 3
    assert len(plan_packed_chunks(regions)) == 2


def test_packed_chunks_fit_the_window_and_keep_the_speech_in_order():
    rng = np.random.default_rng(7)
    edges = np.cumsum(rng.uniform(0.1, 9, size=200))
    regions = samples(*zip(edges[0::2], edges[1::2]))
    chunks = plan_packed_chunks(regions)
    assert all(0 < chunk.end - chunk.start <= 30 * SAMPLE_RATE for chunk in chunks)
    assert all(a.end <= b.start for a, b in zip(chunks, chunks[1:]))
    assert chunks[0].start == regions[0][0] and chunks[-1].end == regions[-1][1]
    assert len(chunks) <= len(plan_chunks(regions, min_seconds=30))  # never more than greedy
    assert plan_packed_chunks([]) == []
    assert seconds(plan_packed_chunks(samples((0, 70)))) == [(0, 30), (30, 60), (60, 70)]


def test_batched_recognition_packs_chunks_by_default(fake_pipeline, monkeypatch):
    # Regions that the longest-pause plan cuts into three chunks and packing into two.
    monkeypatch.setattr(
        faster_whisper.vad, "get_speech_timestamps",
        lambda audio, options: [dict(zip(("start", "end"), span))
                                for span in samples((0, 10), (12, 28), (28.2, 40), (40.1, 55))])
    model = SimpleNamespace(frames_per_second=100)
    audio = np.zeros(56 * SAMPLE_RATE, dtype=np.float32)
    faster_whisper_engine.recognize_batched(model, audio, "en", AsrOptions(batched=True))
    faster_whisper_engine.recognize_batched(
        model, audio, "en", AsrOptions(batched=True, chunk_plan="longest", chunk_min_seconds=5))
    packed, longest = fake_pipeline.calls
    assert len(packed["clip_timestamps"]) == 2 and len(longest["clip_timestamps"]) == 3
    assert AsrOptions(batched=True).as_dict()["chunk_plan"] == "packed"
