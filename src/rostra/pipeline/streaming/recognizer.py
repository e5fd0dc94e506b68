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
from rostra.pipeline.streaming.agreement import LocalAgreement
from rostra.pipeline.types import Word

# A sentence is cut anyway after this many words or this long a pause, so captions and
# their translations keep coming when the speaker never stops for a full stop.
MAX_SENTENCE_WORDS = 28
PAUSE_ENDS_SENTENCE_MS = 1500
# Committed text from before the buffer given to Whisper as context (its prompt).
PROMPT_CONTEXT_CHARS = 200


@dataclass(frozen=True)
class StreamingOptions:
    """How a live recognition runs; recorded with the live draft it produces."""

    language: str | None = None
    prompt: str = ""  # the speech's terms (title, glossary) that help Whisper spell them
    beam_size: int = 1
    vad: bool = True
    min_step_seconds: float = 1.0  # new audio needed before the buffer is read again
    trim_seconds: float = 10.0  # buffer length from which it is cut at a sentence end
    max_buffer_seconds: float = 20.0  # hard bound: cut at the last committed word
    behind_max_buffer_seconds: float = 8.0  # the smaller window used when behind

    def as_dict(self) -> dict:
        return {"language": self.language, "beam_size": self.beam_size, "vad": self.vad,
                "policy": "local-agreement-2", "trim_seconds": self.trim_seconds,
                "max_buffer_seconds": self.max_buffer_seconds}


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
        self._scrolled_text = ""
        self.small_window = False
        self.language = options.language or ""
        self._sentence_end_ms = start_ms
        self._pending_flush: list[Word] = []
        self._gap_sentences: list[CommittedSentence] = []

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
        self.read_to_ms = self.received_to_ms
        hypothesis = self._recognize_buffer() if len(self.buffer) else []
        committed = self.agreement.update(hypothesis)
        sentences = self.sentences.add(committed)
        if sentences:
            self._sentence_end_ms = sentences[-1].end_ms
        self._note_scrolled(committed)
        self._trim()
        return self._result(committed, sentences, started)

    def finish(self) -> StepResult:
        """Read what is left and commit everything: the stream has ended."""
        started = time.monotonic()
        committed: list[Word] = []
        if self.unread_ms > 0 and len(self.buffer):
            committed = self.agreement.update(self._recognize_buffer())
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
        parts = [self.options.prompt.strip(), self._scrolled_text.strip()]
        prompt = " ".join(part for part in parts if part)
        return prompt or None

    def _recognize_buffer(self) -> list[Word]:
        segments, info = self.model.transcribe(
            self.buffer, language=self.options.language, beam_size=self.options.beam_size,
            word_timestamps=True, vad_filter=self.options.vad,
            condition_on_previous_text=False, initial_prompt=self._prompt())
        words = []
        for segment in segments:
            for word in segment.words or ():
                words.append(Word(self.buffer_start_ms + round(word.start * 1000),
                                  self.buffer_start_ms + round(word.end * 1000),
                                  word.word, float(word.probability)))
        if not self.language:
            self.language = info.language
        return words

    def _note_scrolled(self, committed: list[Word]) -> None:
        if committed:
            text = self._scrolled_text + "".join(word.text for word in committed)
            self._scrolled_text = text[-PROMPT_CONTEXT_CHARS:]

    def _trim(self) -> None:
        """Cut the buffer at a committed sentence end once it is long (see the module doc)."""
        length_ms = self.received_to_ms - self.buffer_start_ms
        limit = (self.options.behind_max_buffer_seconds if self.small_window
                 else self.options.max_buffer_seconds) * 1000
        trim_from = min(self.options.trim_seconds * 1000, limit)
        if length_ms < trim_from:
            return
        cut_ms = self._last_sentence_end()
        if cut_ms is None and length_ms >= limit:
            # No sentence ended: cut at the last committed word, or (nothing committed:
            # silence or noise) keep only the newest part of the window.
            cut_ms = self.agreement.committed_end_ms
            if cut_ms <= self.buffer_start_ms:
                cut_ms = self.received_to_ms - int(limit / 2)
        if cut_ms is not None and cut_ms > self.buffer_start_ms:
            drop = int((cut_ms - self.buffer_start_ms) * SAMPLE_RATE / 1000)
            self.buffer = self.buffer[drop:]
            self.buffer_start_ms = cut_ms

    def _last_sentence_end(self) -> int | None:
        """End of the newest committed sentence inside the buffer (None if none ended)."""
        end = self._sentence_end_ms
        return end if end > self.buffer_start_ms else None
