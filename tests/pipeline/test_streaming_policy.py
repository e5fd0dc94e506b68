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


# --- the rolling recognizer, with a scripted model --------------------------------------------

SAMPLE_RATE = 16000


def spoken_stream(groups: int, *, words_per_group: int = 3) -> np.ndarray:
    """Audio in which word k is 400 ms of the value (k + 1) / 1000: a scripted model can
    tell which word it hears wherever the buffer starts. 100 ms between the words of a
    group, 500 ms of silence after each group (a pause, no punctuation anywhere)."""
    parts, number = [], 0
    for _ in range(groups):
        for _ in range(words_per_group):
            parts += [np.full(6400, (number + 1) / 1000, np.float32), np.zeros(1600, np.float32)]
            number += 1
        parts.append(np.zeros(6400, np.float32))
    return np.concatenate(parts)


class ScriptedModel:
    """Hears the words of :func:`spoken_stream`, lower case and unpunctuated as Whisper
    base leaves short windows; ``unstable`` renames every word on every call, so two
    hypotheses never agree."""

    def __init__(self, *, unstable: bool = False):
        self.unstable = unstable
        self.calls: list[tuple[str, list[str]]] = []  # (prompt, words heard)
        self.longest_buffer_s = 0.0
        self.temperatures: list = []  # what each call asked for
        self.buffers_s: list[float] = []  # the buffer each call read
        self.max_new_tokens: list = []
        self.beam_sizes: list = []
        # Words whose number is a multiple of this minus one end a sentence (0: none do).
        self.sentence_words = 0

    def transcribe(self, audio, **options):
        from types import SimpleNamespace

        self.longest_buffer_s = max(self.longest_buffer_s, len(audio) / SAMPLE_RATE)
        self.buffers_s.append(len(audio) / SAMPLE_RATE)
        frame = 160
        values = [float(audio[index:index + frame].max(initial=0))
                  for index in range(0, len(audio), frame)]
        words, start = [], None
        for index, value in enumerate(values + [0.0]):
            if value > 0 and start is None:
                start = index
            elif value == 0 and start is not None:
                number = round(values[start] * 1000) - 1
                suffix = f"v{len(self.calls)}" if self.unstable else ""
                if self.sentence_words and (number + 1) % self.sentence_words == 0:
                    suffix += "."
                words.append(SimpleNamespace(start=start * 0.01, end=index * 0.01,
                                             word=f" w{number}{suffix}", probability=0.9))
                start = None
        self.calls.append((options.get("initial_prompt") or "", [w.word for w in words]))
        self.temperatures.append(options.get("temperature", "faster-whisper's default"))
        self.max_new_tokens.append(options.get("max_new_tokens"))
        self.beam_sizes.append(options.get("beam_size"))
        return iter([SimpleNamespace(words=words)]), SimpleNamespace(language="en")


def stream_through(recognizer, audio, *, step_ms: int = 1000) -> list[Word]:
    committed = []
    size = step_ms * SAMPLE_RATE // 1000
    for offset in range(0, len(audio), size):
        recognizer.append(audio[offset:offset + size])
        if recognizer.ready():
            committed += recognizer.step().committed
    return committed + list(recognizer.finish().committed)


def word_numbers(words) -> list[int]:
    return [int(word.text.strip()[1:].split("v")[0].rstrip(".")) for word in words]


def test_the_prompt_never_holds_text_whose_audio_is_still_in_the_buffer():
    from rostra.pipeline.streaming.recognizer import StreamingOptions, StreamingRecognizer

    model = ScriptedModel()
    recognizer = StreamingRecognizer(model, StreamingOptions(language="en", trim_seconds=4))
    committed = stream_through(recognizer, spoken_stream(8))
    assert word_numbers(committed) == list(range(24))
    # Given text the buffer still holds, Whisper skips that audio: the prompt and what the
    # model hears in the same call never share a word.
    for prompt, heard in model.calls:
        assert not set(prompt.split()) & {word.strip() for word in heard}, (prompt, heard)
    assert any(prompt for prompt, _ in model.calls)  # scrolled-out text is still given


def test_without_punctuation_the_buffer_is_cut_at_pauses_and_no_word_is_lost_or_doubled():
    from rostra.pipeline.streaming.recognizer import StreamingOptions, StreamingRecognizer

    model = ScriptedModel()
    recognizer = StreamingRecognizer(model, StreamingOptions(language="en", trim_seconds=3,
                                                             keep_seconds=1.5))
    committed = stream_through(recognizer, spoken_stream(12))  # 22.8 s, never a full stop
    assert word_numbers(committed) == list(range(36))
    assert model.longest_buffer_s < 6.5  # cut near 3 s at a pause, not at the 20 s bound


def test_words_that_never_agree_are_committed_at_the_bound_not_cut_away():
    from rostra.pipeline.streaming.recognizer import StreamingOptions, StreamingRecognizer

    model = ScriptedModel(unstable=True)
    options = StreamingOptions(language="en", trim_seconds=3, max_buffer_seconds=4)
    committed = stream_through(StreamingRecognizer(model, options), spoken_stream(6))
    assert word_numbers(committed) == list(range(18))
    assert model.longest_buffer_s <= 5.0


def test_a_step_is_decoded_once_greedily_never_again_at_rising_temperatures():
    # faster-whisper's default retries a window at temperatures 0.2 ... 1.0 when its text looks
    # unsure, as a buffer cut mid-word often does: one such live step took 10x the others.
    from rostra.pipeline.streaming.recognizer import StreamingOptions, StreamingRecognizer

    model = ScriptedModel()
    recognizer = StreamingRecognizer(model, StreamingOptions(language="en"))
    stream_through(recognizer, spoken_stream(3))
    assert model.temperatures and all(t == [0.0] for t in model.temperatures), model.temperatures
    assert StreamingOptions().as_dict()["temperatures"] == [0.0]  # recorded with the draft


class LoopingModel(ScriptedModel):
    """Hears the scripted words, then, at the end of the last reading (where the stream has
    ended and the buffer holds only silence after them), loops as greedy Whisper does."""

    def __init__(self, loop_from_call: int):
        super().__init__()
        self.loop_from_call = loop_from_call

    def transcribe(self, audio, **options):
        from types import SimpleNamespace

        segments, info = super().transcribe(audio, **options)
        words = list(segments)[0].words
        if len(self.calls) > self.loop_from_call:
            end = len(audio) / SAMPLE_RATE
            words = words + [SimpleNamespace(start=end - 0.3 + index * 0.01,
                                             end=end - 0.29 + index * 0.01,
                                             word=text, probability=0.5)
                             for index, text in enumerate([" it", " needs", " new"] * 6)]
        return iter([SimpleNamespace(words=words)]), info


def test_a_looping_reading_is_cut_where_the_loop_starts_and_never_committed():
    from rostra.pipeline.streaming.agreement import without_loop
    from rostra.pipeline.streaming.recognizer import StreamingOptions, StreamingRecognizer

    audio = spoken_stream(4)
    model = LoopingModel(loop_from_call=0)
    committed = stream_through(StreamingRecognizer(model, StreamingOptions(language="en")),
                               audio)
    assert word_numbers(committed) == list(range(12)), texts(committed)
    # A word said twice, or a run said twice, is speech; three times in a row is a loop.
    said = hyp((0, " very"), (300, " very"), (600, " good"), (900, " good"), (1200, " bye"))
    assert without_loop(said) == said
    looped = hyp((0, " it"), (300, " needs"), (600, " it"), (900, " needs"), (1200, " it"),
                 (1500, " needs"))
    assert without_loop(hyp((0, " so")) + looped) == hyp((0, " so"))


def test_words_that_silence_follows_are_committed_at_their_first_reading():
    # Agreement waits for a second reading; after a pause nothing said later can change the
    # words before it, so that wait is a step of latency at every pause.
    from rostra.pipeline.streaming.recognizer import StreamingOptions, StreamingRecognizer

    audio = spoken_stream(2)  # w0 0-400, w1 500-900, w2 1000-1400, silence to 1900 ms
    recognizer = StreamingRecognizer(ScriptedModel(), StreamingOptions(language="en"))
    recognizer.append(audio[:1500 * 16])  # only 100 ms of silence after w2: not yet a pause
    assert recognizer.step().committed == ()
    recognizer.append(audio[1500 * 16:1800 * 16])  # 400 ms of silence after w2
    assert word_numbers(recognizer.step().committed) == [0, 1, 2]
    fresh = StreamingRecognizer(ScriptedModel(), StreamingOptions(language="en"))
    fresh.append(audio[:1800 * 16])  # the whole pause in the first reading
    assert word_numbers(fresh.step().committed) == [0, 1, 2]
    off = StreamingRecognizer(ScriptedModel(),
                              StreamingOptions(language="en", commit_at_silence_ms=0))
    off.append(audio[:1800 * 16])
    assert off.step().committed == ()  # LocalAgreement alone: a second reading is needed


def test_the_buffer_is_cut_so_that_the_newest_seconds_stay_as_context():
    # Cut just before the words still being heard, the buffer made Whisper read them with no
    # context ("When the rain is heavy" -> "When parade is heavy"): the cut leaves keep_seconds.
    from rostra.pipeline.streaming.recognizer import StreamingOptions, StreamingRecognizer

    model = ScriptedModel()
    options = StreamingOptions(language="en", trim_seconds=7, keep_seconds=4.5)
    committed = stream_through(StreamingRecognizer(model, options), spoken_stream(16))
    assert word_numbers(committed) == list(range(48))
    first_cut = next(index for index, (before, after) in
                     enumerate(zip(model.buffers_s, model.buffers_s[1:])) if after < before)
    assert min(model.buffers_s[first_cut + 1:]) >= 4.5, model.buffers_s
    assert model.longest_buffer_s < 9.5


def test_a_reading_decodes_at_most_a_few_tokens_per_second_of_buffer():
    # A one-token loop ("____...") ran to Whisper's 448 tokens: a 3.5-s reading cost 3.6 CPU-s.
    from rostra.pipeline.streaming.recognizer import StreamingOptions, StreamingRecognizer

    model = ScriptedModel()
    stream_through(StreamingRecognizer(model, StreamingOptions(language="en")), spoken_stream(4))
    assert all(limit is not None and limit <= 10 + 10 * seconds
               for limit, seconds in zip(model.max_new_tokens, model.buffers_s)), \
        model.max_new_tokens


def test_the_prompt_takes_as_much_committed_text_as_the_option_says():
    from rostra.pipeline.streaming.recognizer import StreamingOptions, StreamingRecognizer

    prompts = {}
    for chars in (200, 8, 0):
        model = ScriptedModel()
        options = StreamingOptions(language="en", trim_seconds=4, prompt="Terms.",
                                   prompt_context_chars=chars)
        stream_through(StreamingRecognizer(model, options), spoken_stream(8))
        prompts[chars] = [prompt for prompt, _ in model.calls]
    assert max(len(prompt) for prompt in prompts[200]) > len("Terms. ") + 8
    assert max(len(prompt) for prompt in prompts[8]) <= len("Terms. ") + 8
    assert set(prompts[0]) == {"Terms."}  # the speech's terms only


def test_without_cuts_at_pauses_the_buffer_is_cut_only_after_a_committed_sentence():
    from rostra.pipeline.streaming.recognizer import StreamingOptions, StreamingRecognizer

    first_heard = {}
    for at_pauses in (True, False):
        model = ScriptedModel()
        model.sentence_words = 6  # a full stop every second group; a pause after every group
        options = StreamingOptions(language="en", trim_seconds=3, keep_seconds=1.5,
                                   cut_at_pauses=at_pauses)
        committed = stream_through(StreamingRecognizer(model, options), spoken_stream(12))
        assert word_numbers(committed) == list(range(36))
        first_heard[at_pauses] = {int(heard[0].strip()[1:].rstrip("."))
                                  for _, heard in model.calls if heard}
    assert all(number % 6 == 0 for number in first_heard[False]), first_heard[False]
    assert any(number % 6 == 3 for number in first_heard[True]), first_heard[True]


def test_the_end_of_the_stream_is_read_again_with_the_final_beam():
    from rostra.pipeline.streaming.recognizer import StreamingOptions, StreamingRecognizer

    model = ScriptedModel()
    options = StreamingOptions(language="en", final_beam_size=5)
    audio = spoken_stream(3)[:int(5.1 * SAMPLE_RATE)]  # ends inside the last word
    committed = stream_through(StreamingRecognizer(model, options), audio)
    assert word_numbers(committed) == list(range(9))
    assert model.beam_sizes[-1] == 5 and set(model.beam_sizes[:-1]) == {1}, model.beam_sizes


def test_a_step_whose_new_audio_is_quiet_reads_nothing():
    from rostra.pipeline.streaming.recognizer import StreamingOptions, StreamingRecognizer

    silence = np.zeros(4 * SAMPLE_RATE, np.float32)
    audio = np.concatenate([spoken_stream(2), silence, spoken_stream(2), silence])
    calls = {}
    for skip in (False, True):
        model = ScriptedModel()
        options = StreamingOptions(language="en", skip_quiet_steps=skip)
        committed = stream_through(StreamingRecognizer(model, options), audio, step_ms=700)
        assert word_numbers(committed) == list(range(6)) * 2
        calls[skip] = len(model.calls)
    assert calls[True] <= calls[False] - 4, calls


def test_agreement_from_the_buffer_start_waits_when_a_reading_rehears_committed_words():
    policy = LocalAgreement()
    assert policy.update(hyp((0, " a"), (300, " b")), whole_from_ms=0) == []
    assert texts(policy.update(hyp((0, " a"), (300, " b"), (600, " c")), whole_from_ms=0)) \
        == " a b"
    # The next reading hears the committed "a b" as "a x": it is unsure, "c" waits.
    unsure = hyp((0, " a"), (300, " x"), (600, " c"), (900, " d"))
    assert policy.update(unsure, whole_from_ms=0) == []
    assert texts(policy.update(unsure, whole_from_ms=0)) == " c d"
    plain = LocalAgreement()
    plain.update(hyp((0, " a"), (300, " b")))
    plain.update(hyp((0, " a"), (300, " b"), (600, " c")))
    assert texts(plain.update(unsure)) == " c"  # LocalAgreement-2 of the fresh words only
