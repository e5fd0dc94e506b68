"""The committed-text policy, sentence assembly, the bounded feed, sources and the recording:
the Django-free parts of live recognition, without a model."""

from __future__ import annotations

import io
import threading

import numpy as np
import pytest

from rostra.live.feed import AudioFeed, FedAudio, FedGap
from rostra.pipeline.streaming.agreement import LocalAgreement
from rostra.pipeline.streaming.recognizer import SentenceAssembler
from rostra.pipeline.streaming.recording import PcmRecording, encode_recording, recorded_ms_of
from rostra.pipeline.streaming.sources import (SourceError, read_pcm_stream, skipped,
                                               source_kind)
from rostra.pipeline.types import Word


def hyp(*items):
    """Words from (start_ms, text) pairs, each 300 ms long."""
    return [Word(start, start + 300, text) for start, text in items]


def texts(words):
    return "".join(word.text for word in words)


def test_a_word_is_committed_once_two_hypotheses_agree_on_it_and_everything_before():
    policy = LocalAgreement()
    assert policy.update(hyp((0, " Cities"), (300, " use"))) == []
    assert texts(policy.tentative) == " Cities use"
    committed = policy.update(hyp((0, " cities,"), (300, " reuse"), (600, " water")))
    assert texts(committed) == " cities,"  # case and punctuation do not count
    assert texts(policy.tentative) == " reuse water"
    assert texts(policy.update(hyp((0, " Cities"), (300, " reuse"), (600, " water"),
                                   (900, " daily")))) == " reuse water"
    assert texts(policy.flush()) == " daily"


def test_committed_words_are_never_taken_back_nor_repeated():
    policy = LocalAgreement()
    policy.update(hyp((0, " Rain"), (300, " gardens")))
    policy.update(hyp((0, " Rain"), (300, " gardens"), (600, " help")))
    # Whisper changes its mind about committed words: they stay as they were committed.
    again = policy.update(hyp((0, " Brain"), (300, " garden"), (600, " help"), (900, " cities")))
    assert texts(again) == " help"
    # Timestamps that wobble back over committed audio do not repeat a word.
    wobble = policy.update(hyp((580, " help"), (900, " cities"), (1200, " cool")))
    assert texts(wobble) == " cities"


def test_sentences_end_at_punctuation_at_a_long_pause_or_after_many_words():
    assembler = SentenceAssembler()
    done = assembler.add(hyp((0, " Museums"), (300, " share."), (600, " Solar")))
    assert [sentence.text for sentence in done] == ["Museums share."]
    done = assembler.add(hyp((3000, " panels")))  # 2.1 s pause
    assert [sentence.text for sentence in done] == ["Solar"]
    long = assembler.add(hyp(*[(3300 + index * 300, " word") for index in range(40)]))
    assert len(long) == 1 and len(long[0].words) == 28 and long[0].text.startswith("panels word")
    assert [len(sentence.words) for sentence in assembler.flush()] == [13]


def test_the_feed_drops_the_oldest_audio_beyond_its_bound():
    feed = AudioFeed(max_ms=1000)
    for index in range(15):  # 1.5 s of 100 ms chunks
        feed.put(FedAudio(index * 100, np.zeros(1600, dtype=np.float32)))
    feed.put(FedGap(1500, 2000, "source-lost"))
    items = feed.take_all(timeout=0)
    audio = [item for item in items if isinstance(item, FedAudio)]
    assert feed.dropped_ms == 500 and audio[0].at_ms == 500 and len(audio) == 10
    assert isinstance(items[-1], FedGap)


def test_raw_pcm_on_stdin_odd_bytes_included():
    pcm = (np.arange(3201, dtype="<i2")).tobytes() + b"\x01"
    chunks = list(read_pcm_stream(io.BytesIO(pcm)))
    assert sum(len(chunk) for chunk in chunks) == 3201
    assert chunks[0].dtype == np.float32


def test_a_restarted_file_source_skips_what_was_recorded():
    chunks = [np.full(1000, index, dtype=np.float32) for index in range(4)]
    rest = np.concatenate(list(skipped(iter(chunks), 1500)))
    assert len(rest) == 2500 and rest[0] == 1


@pytest.mark.parametrize("spec, message", [
    ("ftp://example.org/a.mp3", "scheme rostra does not read"),
    ("/no/such/recording.wav", "does not exist"),
])
def test_sources_that_cannot_exist_are_refused_before_anything_starts(spec, message):
    with pytest.raises(SourceError, match=message):
        source_kind(spec)


def test_an_empty_file_source_is_refused(tmp_path):
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    with pytest.raises(SourceError, match="empty file"):
        source_kind(str(empty))
    assert source_kind("-") == "stdin" and source_kind("srt://10.0.0.1:9000") == "url"


def test_the_recording_resumes_at_its_size_and_encodes_to_opus(tmp_path):
    from rostra.pipeline.audio import decode_audio

    path = tmp_path / "live" / "recording.pcm"
    recording = PcmRecording(path)
    recording.append(np.zeros(16000, dtype=np.float32))
    recording.close()
    with open(path, "ab") as handle:
        handle.write(b"\x01")  # a crash in the middle of a sample
    resumed = PcmRecording(path)
    assert resumed.recorded_ms == 1000
    resumed.append(0.1 * np.sin(np.arange(8000, dtype=np.float32)))
    resumed.close()
    assert recorded_ms_of(path) == 1500
    encoded = encode_recording(path, tmp_path / "live.ogg")
    assert abs(len(decode_audio(encoded)) / 16000 - 1.5) < 0.05
    assert not (tmp_path / "live.ogg.part").exists()


def test_stop_ends_a_paced_source(tmp_path):
    from rostra.pipeline.streaming.sources import SourceAudio, read_live_audio
    import mediafactory

    clip = mediafactory.write_audio(tmp_path / "tone.ogg", seconds=3.0)
    stop = threading.Event()
    got = 0
    for item in read_live_audio(str(clip), stop=stop):
        assert isinstance(item, SourceAudio)
        got += len(item.samples)
        if got >= 8000:
            stop.set()
    assert got < 3 * 16000  # played at real time, so the stop came long before the end
