"""A rolling recognizer: faster-whisper re-reads a buffer of recent audio on every step.

Each step transcribes the buffer (with Silero VAD, word timestamps and a prompt of the
speech's terms plus the text that has already scrolled out), then :class:`LocalAgreement`
decides which words are final. The buffer is trimmed at the end of a committed sentence once
it is long, so a step's cost stays bounded whatever the speech's length; when the caller says
recognition is behind real time, a smaller window keeps each step short.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from rostra.pipeline.audio import SAMPLE_RATE
from rostra.pipeline.segmentation import ends_sentence
from rostra.pipeline.streaming.agreement import LocalAgreement, without_loop
from rostra.pipeline.streaming.audio_context import (FRAMES_PER_SECOND, FULL_FRAMES,
                                                      context_frames, short_audio_context)
from rostra.pipeline.types import Word

# A sentence is cut anyway after this many words or this long a pause, so captions and
# their translations keep coming when the speaker never stops for a full stop.
MAX_SENTENCE_WORDS = 28
PAUSE_ENDS_SENTENCE_MS = 1500
# A pause this long between two committed words is a place to cut the buffer when no
# sentence has ended: Whisper leaves short windows unpunctuated, so a full stop may never
# come, and cutting inside a word run loses or doubles words.
PAUSE_CUTS_BUFFER_MS = 300
# A word ending this near the end of the audio received may be cut in the middle.
WORD_MAY_BE_CUT_MS = 500
# Audio is quiet where a 10-ms frame's RMS is below this share of the buffer's loud frames
# (their 95th percentile), or below QUIET_FLOOR_RMS; a fixed level would not follow the
# source's gain.
QUIET_SHARE = 0.1
QUIET_FLOOR_RMS = 0.002
FRAME_MS = 10


@dataclass(frozen=True)
class StreamingOptions:
    """How a live recognition runs; recorded with the live draft it produces."""

    language: str | None = None
    prompt: str = ""  # the speech's terms (title, glossary) that help Whisper spell them
    beam_size: int = 1
    vad: bool = True
    # New audio needed before the buffer is read again. A word is committed one step after it
    # is first heard, so the step sets most of the latency: 0.7 s kept one room's p95 under
    # 3 s where 1 s did not (bench/RESULTS.md); more rooms than cores step less often, as each
    # step takes longer, so the rooms share the CPU instead of queueing.
    min_step_seconds: float = 0.7
    # Buffer length from which it is cut at a committed sentence end or pause: short, since
    # a step's decoding grows with the words in the buffer (4 s measured best, bench/RESULTS.md).
    trim_seconds: float = 8.0
    max_buffer_seconds: float = 20.0  # hard bound: cut at the last committed word
    behind_max_buffer_seconds: float = 8.0  # the smaller window used when behind
    # The encoder reads the buffer's length, not Whisper's padded 30 s (audio_context.py).
    short_context: bool = True
    # ... but never less than this much audio. 15 s cost a quarter more CPU than 8 s and
    # was no better: virtual clock, 180 s, WER 17.1 % at 15 s, 13.4 % at 8 s, 14.5 % with no
    # floor (bench/RESULTS.md, session 7).
    min_context_seconds: float = 8.0
    # Greedy decoding only: Whisper's fallback re-decodes a window at rising temperatures
    # when its text looks repetitive or unsure, which a buffer cut mid-word often does; one
    # such step measured 10x the others (5-7 s), and the next step re-reads the audio anyway.
    temperatures: tuple[float, ...] = (0.0,)
    # Greedy decoding accepts Whisper's loops ("it needs new inventions, it needs new
    # inventions, ..."): a reading is cut where one starts (agreement.without_loop). On the
    # virtual clock, 180 s of speech: one run committed 190 looped words at the stream's end.
    drop_loops: bool = True
    # A tentative word the audio shows silence after (this many ms, read from the samples,
    # not from Whisper's timestamps) is committed at its first reading: nothing said after it
    # can change it, so the second reading LocalAgreement waits for is a step of latency
    # spent for nothing at every pause. 0 turns it off.
    commit_at_silence_ms: int = 400
    # Tokens a reading may decode: 10 + this many per second of buffer (0: Whisper's 448).
    # Speech runs at 3-6 tokens a second; a loop of one token ("____...") ran to the limit and
    # made a 3.5-s reading cost 3.6 CPU-s against 0.3 for its neighbours (virtual clock).
    max_tokens_per_second: float = 10.0
    # Cut the buffer once it is this long (at a committed sentence end or pause), at the
    # newest such point that leaves ``keep_seconds`` of audio: Whisper re-reading a buffer
    # cut just before the next words heard them without context and garbled them ("When the
    # rain is heavy" -> "When parade is heavy"); the kept, committed words cost a reading
    # little (about 9 ms a word, the encoder reads at least 15 s anyway).
    keep_seconds: float = 4.0
    # Committed text from before the buffer given to Whisper as context (its prompt), as
    # whisper_streaming does with its last 200 characters; 0 gives the speech's terms only.
    prompt_context_chars: int = 200
    # Cut the buffer at pauses between committed words too, not only at committed sentence
    # ends: Whisper leaves short windows unpunctuated, so a full stop may never come.
    cut_at_pauses: bool = True
    # When the stream ends, the buffer is read once more with this beam (0: ``beam_size``)
    # and its words are committed: the last words never get a second reading to agree with.
    final_beam_size: int = 0
    # Skip a step's reading when its new audio is all quiet (the samples' level, as for
    # commit_at_silence_ms): the buffer then holds nothing a reading could add.
    skip_quiet_steps: bool = False
    # A word is agreed only where the two readings agree from the buffer's start, the
    # committed words they re-read included (agreement.LocalAgreement.update).
    agree_from_buffer_start: bool = False

    def as_dict(self) -> dict:
        return {"language": self.language, "beam_size": self.beam_size, "vad": self.vad,
                "policy": "local-agreement-2",
                "min_step_seconds": self.min_step_seconds, "trim_seconds": self.trim_seconds,
                "short_context": self.short_context,
                "min_context_seconds": self.min_context_seconds, "temperatures": list(self.temperatures),
                "max_buffer_seconds": self.max_buffer_seconds, "drop_loops": self.drop_loops,
                "commit_at_silence_ms": self.commit_at_silence_ms,
                "max_tokens_per_second": self.max_tokens_per_second,
                "keep_seconds": self.keep_seconds,
                "prompt_context_chars": self.prompt_context_chars,
                "cut_at_pauses": self.cut_at_pauses, "final_beam_size": self.final_beam_size,
                "skip_quiet_steps": self.skip_quiet_steps,
                "agree_from_buffer_start": self.agree_from_buffer_start}


@dataclass(frozen=True)
class CommittedSentence:
    start_ms: int
    end_ms: int
    text: str
    words: tuple[Word, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class StepResult:
    committed: tuple[Word, ...]  # words made final by this step, in order
    sentences: tuple[CommittedSentence, ...]  # sentences completed by this step
    tentative: str  # the words after the committed ones, which may still change
    recognized_to_ms: int  # the stream position the buffer reached
    seconds: float  # how long the step computed
    language: str = ""


class SentenceAssembler:
    """Groups committed words into sentences (for translation and the transcript)."""

    def __init__(self) -> None:
        self.pending: list[Word] = []

    def add(self, words: list[Word]) -> list[CommittedSentence]:
        done: list[CommittedSentence] = []
        for word in words:
            if self.pending and word.start_ms - self.pending[-1].end_ms > PAUSE_ENDS_SENTENCE_MS:
                done.append(self._take())
            self.pending.append(word)
            if ends_sentence(word) or len(self.pending) >= MAX_SENTENCE_WORDS:
                done.append(self._take())
        return done

    def flush(self) -> list[CommittedSentence]:
        return [self._take()] if self.pending else []

    def _take(self) -> CommittedSentence:
        words, self.pending = tuple(self.pending), []
        text = "".join(word.text for word in words).strip()
        return CommittedSentence(words[0].start_ms, words[-1].end_ms, text, words)


class StreamingRecognizer:
    """Feed audio with :meth:`append`, call :meth:`step` repeatedly, :meth:`finish` at the end.

    ``model`` is a loaded ``faster_whisper.WhisperModel``; ``start_ms`` is where in the stream
    the first appended sample lies (a restarted job resumes mid-stream).
    """

    def __init__(self, model, options: StreamingOptions, *, start_ms: int = 0):
        self.model = model
        self.options = options
        self.agreement = LocalAgreement()
        self.agreement.committed_end_ms = start_ms
        self.sentences = SentenceAssembler()
        self.buffer = np.zeros(0, dtype=np.float32)
        self.buffer_start_ms = start_ms
        self.received_to_ms = start_ms
        self.read_to_ms = start_ms
        self._committed_words: list[Word] = []  # the newest, for the prompt
        self.small_window = False
        self.language = options.language or ""
        self._sentence_end_ms = start_ms
        self._pending_flush: list[Word] = []
        self._gap_sentences: list[CommittedSentence] = []
        self._pause_end_ms: int | None = None
        self._cut_points: list[int] = []  # committed sentence ends and pauses, in order
        self._last_committed_end_ms: int | None = None

    def append(self, samples: np.ndarray, *, at_ms: int | None = None) -> None:
        """Add audio; ``at_ms`` (after a gap) says where in the stream it starts."""
        if at_ms is not None and at_ms > self.received_to_ms:
            self.break_at(at_ms)  # audio was dropped to catch up: not continuous
        self.buffer = np.concatenate([self.buffer, samples.astype(np.float32, copy=False)])
        self.received_to_ms += round(len(samples) * 1000 / SAMPLE_RATE)

    @property
    def unread_ms(self) -> int:
        return self.received_to_ms - self.read_to_ms

    def ready(self) -> bool:
        return self.unread_ms >= self.options.min_step_seconds * 1000

    def step(self) -> StepResult:
        started = time.monotonic()
        unread_from_ms = self.read_to_ms
        self.read_to_ms = self.received_to_ms
        if self.options.skip_quiet_steps and self._quiet_since(unread_from_ms):
            hypothesis = list(self.agreement.tentative)  # nothing new was said
            committed = []
        else:
            hypothesis = self._recognize_buffer() if len(self.buffer) else []
            committed = self._agree(hypothesis)
        committed = committed + self._commit_before_silence()
        sentences = self.sentences.add(committed)
        if sentences:
            self._sentence_end_ms = sentences[-1].end_ms
            self._cut_points += [sentence.end_ms for sentence in sentences]
        self._note_pauses(committed)
        self._note_scrolled(committed)
        forced = self._trim(recognized_words=bool(hypothesis))
        if forced:
            committed = committed + forced
            sentences = sentences + self.sentences.add(forced)
        return self._result(committed, sentences, started)

    def finish(self) -> StepResult:
        """Read what is left and commit everything: the stream has ended."""
        started = time.monotonic()
        committed: list[Word] = []
        final_beam = self.options.final_beam_size
        if len(self.buffer) and (self.unread_ms > 0 or (final_beam and self.agreement.tentative)):
            committed = self._agree(self._recognize_buffer(beam_size=final_beam or None))
        committed += self.agreement.flush()
        sentences = self.sentences.add(committed) + self.sentences.flush()
        self.read_to_ms = self.received_to_ms
        return self._result(committed, sentences, started)

    def _result(self, committed, sentences, started) -> StepResult:
        tentative = "".join(word.text for word in self.agreement.tentative).strip()
        return StepResult(tuple(committed), tuple(sentences), tentative, self.read_to_ms,
                          round(time.monotonic() - started, 3), self.language)

    def break_at(self, at_ms: int) -> None:
        """The audio is not continuous here (the source was away, or audio was dropped to
        catch up): what was heard so far is final, and a new buffer starts at ``at_ms``.
        Collect the words and sentences this made final with :meth:`take_flushed`."""
        committed = self.agreement.flush()
        self._gap_sentences += self.sentences.add(committed) + self.sentences.flush()
        self._note_scrolled(committed)
        self.buffer = np.zeros(0, dtype=np.float32)
        self.buffer_start_ms = self.received_to_ms = self.read_to_ms = at_ms
        self.agreement.committed_end_ms = at_ms
        self._pending_flush += committed
        if self._gap_sentences:
            self._sentence_end_ms = self._gap_sentences[-1].end_ms

    def take_flushed(self) -> tuple[list[Word], list[CommittedSentence]]:
        """Words and sentences a gap made final (call after an ``append`` with ``at_ms``)."""
        words, self._pending_flush = self._pending_flush, []
        sentences, self._gap_sentences = self._gap_sentences, []
        return words, sentences

    def _prompt(self) -> str | None:
        # Only text whose audio has left the buffer: given text the buffer still holds,
        # Whisper takes it as already said and skips that audio, and the timestamps of the
        # words after it slide back over committed ones.
        scrolled = "".join(word.text for word in self._committed_words
                           if word.end_ms <= self.buffer_start_ms)
        chars = self.options.prompt_context_chars
        parts = [self.options.prompt.strip(), scrolled[-chars:].strip() if chars > 0 else ""]
        prompt = " ".join(part for part in parts if part)
        return prompt or None

    def _agree(self, hypothesis: list[Word]) -> list[Word]:
        since = self.buffer_start_ms if self.options.agree_from_buffer_start else None
        return self.agreement.update(hypothesis, whole_from_ms=since)

    def _quiet_since(self, from_ms: int) -> bool:
        """Is the audio from ``from_ms`` to the end of the buffer all quiet (QUIET_SHARE)?"""
        first = max(0, (from_ms - self.buffer_start_ms) // FRAME_MS)
        quiet = self._quiet_mask()[first:]
        return bool(len(quiet)) and bool(quiet.all())

    def _recognize_buffer(self, *, beam_size: int | None = None) -> list[Word]:
        min_frames = int(self.options.min_context_seconds * FRAMES_PER_SECOND)
        frames = (context_frames(len(self.buffer), SAMPLE_RATE, min_frames=min_frames)
                  if self.options.short_context else FULL_FRAMES)
        words = []
        with short_audio_context(self.model, frames, min_frames=min_frames):
            segments, info = self.model.transcribe(
                self.buffer, language=self.options.language,
                beam_size=beam_size or self.options.beam_size,
                word_timestamps=True, vad_filter=self.options.vad,
                temperature=list(self.options.temperatures),
                condition_on_previous_text=False, initial_prompt=self._prompt(),
                max_new_tokens=self._max_new_tokens())
            for segment in segments:
                for word in segment.words or ():
                    words.append(Word(self.buffer_start_ms + round(word.start * 1000),
                                      self.buffer_start_ms + round(word.end * 1000),
                                      word.word, float(word.probability)))
        if not self.language:
            self.language = info.language
        return without_loop(words) if self.options.drop_loops else words

    def _commit_before_silence(self) -> list[Word]:
        """Commit the tentative words up to the last one that silence follows (the option's
        doc): ``commit_at_silence_ms`` of quiet samples right after its end, none of the next
        word's time inside that stretch."""
        silence = self.options.commit_at_silence_ms
        tentative = self.agreement.tentative
        if not silence or not tentative:
            return []
        quiet = self._quiet_mask()
        through = None
        for index, word in enumerate(tentative):
            until = word.end_ms + silence
            following = tentative[index + 1].start_ms if index + 1 < len(tentative) else None
            if until > self.received_to_ms or (following is not None and following < until):
                continue
            first = (word.end_ms - self.buffer_start_ms) // FRAME_MS
            last = (until - self.buffer_start_ms) // FRAME_MS
            if first >= 0 and quiet[first:last].all():
                through = word.end_ms
        return self.agreement.commit_through(through) if through is not None else []

    def _quiet_mask(self) -> np.ndarray:
        """Per 10-ms frame of the buffer: is the audio quiet there (QUIET_SHARE)."""
        frame = SAMPLE_RATE * FRAME_MS // 1000
        count = len(self.buffer) // frame
        if not count:
            return np.zeros(0, dtype=bool)
        frames = self.buffer[:count * frame].reshape(count, frame)
        rms = np.sqrt(np.mean(np.square(frames, dtype=np.float64), axis=1))
        return rms < max(QUIET_FLOOR_RMS, QUIET_SHARE * float(np.percentile(rms, 95)))

    def _max_new_tokens(self) -> int | None:
        per_second = self.options.max_tokens_per_second
        if not per_second:
            return None
        # At most 200: with faster-whisper's longest prompt (223 tokens) that stays within
        # Whisper's 448.
        return min(200, 10 + int(per_second * len(self.buffer) / SAMPLE_RATE))

    def _note_scrolled(self, committed: list[Word]) -> None:
        # Enough words to fill the prompt even after a long buffer is cut away.
        self._committed_words = (self._committed_words + list(committed))[-200:]

    def _note_pauses(self, committed: list[Word]) -> None:
        """Remember the newest committed word that a pause follows (a place to cut)."""
        previous_end = self._last_committed_end_ms
        for word in committed:
            if (self.options.cut_at_pauses and previous_end is not None
                    and word.start_ms - previous_end >= PAUSE_CUTS_BUFFER_MS):
                self._pause_end_ms = previous_end
                self._cut_points.append(previous_end)
            previous_end = word.end_ms
        self._last_committed_end_ms = previous_end

    def _trim(self, *, recognized_words: bool = True) -> list[Word]:
        """Cut the buffer at a committed sentence end or pause once it is long (module doc)."""
        length_ms = self.received_to_ms - self.buffer_start_ms
        limit = (self.options.behind_max_buffer_seconds if self.small_window
                 else self.options.max_buffer_seconds) * 1000
        trim_from = min(self.options.trim_seconds * 1000, limit)
        if length_ms < trim_from:
            return []
        cut_ms = self._last_cut_point()
        if cut_ms is None and length_ms >= limit:
            if not recognized_words:
                # Silence or noise: nothing to lose, keep only the newest part of the window.
                cut_ms = self.received_to_ms - int(limit / 2)
            else:
                # Words keep changing and none agree: take them as they stand rather than
                # cut them away unheard, then go on from the end of what they cover.
                forced = self.agreement.commit_through(self.received_to_ms - WORD_MAY_BE_CUT_MS)
                self._note_pauses(forced)
                self._note_scrolled(forced)
                self._cut_at(max(self.agreement.committed_end_ms, self.buffer_start_ms))
                return forced
        if cut_ms is not None:
            self._cut_at(cut_ms)
        return []

    def _cut_at(self, cut_ms: int) -> None:
        if cut_ms > self.buffer_start_ms:
            drop = int((cut_ms - self.buffer_start_ms) * SAMPLE_RATE / 1000)
            self.buffer = self.buffer[drop:]
            self.buffer_start_ms = cut_ms

    def _last_cut_point(self) -> int | None:
        """The newest committed sentence end or pause inside the buffer that leaves
        ``keep_seconds`` of audio after it (None if none)."""
        keep_until = self.received_to_ms - int(self.options.keep_seconds * 1000)
        self._cut_points = sorted(point for point in self._cut_points
                                  if point > self.buffer_start_ms)[-50:]
        inside = [end for end in self._cut_points if end <= keep_until]
        if self.options.keep_seconds <= 0:
            inside = [end for end in (self._sentence_end_ms, self._pause_end_ms)
                      if end is not None and end > self.buffer_start_ms]
        return max(inside) if inside else None
