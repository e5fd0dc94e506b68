"""One live job, in this process: read the source, recognize, commit, translate, archive.

Threads: the source reader (records every sample and hands audio to a bounded feed), the
sentence translator, and this one, which recognizes and writes the lines. Progress and the
tentative text go to the job row about once per step, which is also where a stop request is
noticed.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from typing import BinaryIO, Callable

from django.conf import settings

from rostra.archive.models import Speech
from rostra.core.errors import UserError
from rostra.live.archive import finish_live_job
from rostra.live.domain import (record_gap, record_words, recording_path, report_progress,
                                start_live_job)
from rostra.live.feed import AudioFeed, FedAudio, FedGap, keep_up
from rostra.live.models import LiveJob
from rostra.live.translate import SentenceTranslator
from rostra.pipeline.glossary import asr_hints
from rostra.pipeline.streaming.recognizer import StepResult, StreamingOptions, StreamingRecognizer
from rostra.pipeline.streaming.recording import PcmRecording
from rostra.pipeline.streaming.sources import (SourceAudio, SourceError, SourceGap,
                                               SourceLost, read_live_audio)
from rostra.processing.engines import asr_engine
from rostra.processing.glossary import speech_glossary

PROGRESS_EVERY_SECONDS = 0.5

Reporter = Callable[[str], None]


@dataclass(frozen=True)
class LiveRunOptions:
    source: str
    player_url: str = ""
    reconnect_seconds: float = 60
    max_lag_seconds: float = 30
    stdin: BinaryIO | None = None


def live_prompt(speech: Speech) -> str:
    """Terms Whisper should spell as the program does: the title, then the speech's glossary
    (speakers, topics, room, city and the editors' terms, in the spoken language)."""
    language = speech.original_language
    title = (speech.title.get(language) or next(iter(speech.title.values()), "")).strip()
    names = asr_hints(speech_glossary(speech), language or None)
    # Written as sentences: a punctuated prompt keeps Whisper punctuating short windows.
    parts = [part.rstrip(".") + "." for part in (title, names) if part]
    return " ".join(parts)[:400]


def run_live(speech: Speech, options: LiveRunOptions, *, report: Reporter = print,
             model=None) -> LiveJob:
    """Run the live job of ``speech`` until the source ends or a stop is asked, then archive.

    ``model`` is a loaded faster-whisper model (default: the configured one); tests of the
    orchestration pass anything with its ``transcribe``. Raises UserError for a source that
    cannot be read at all or a busy speech or room.
    """
    engine = asr_engine()
    if not hasattr(engine, "load"):
        raise UserError(f"live captions need the faster-whisper engine, not "
                        f"{engine.name or type(engine).__name__}; set ROSTRA_ASR_ENGINE")
    # One thread per room by default, so two rooms share a 2-core machine; with one room
    # and a spare core, two threads cut the real-time delay (bench/RESULTS.md, session 7).
    model = model or engine.load(cpu_threads=settings.ROSTRA_LIVE_THREADS)
    streaming = StreamingOptions(language=speech.original_language or None,
                                 prompt=live_prompt(speech),
                                 beam_size=settings.ROSTRA_LIVE_BEAM_SIZE,
                                 short_context=settings.ROSTRA_LIVE_SHORT_CONTEXT)
    provenance = {"engine": engine.name, "model": engine.model_name, **streaming.as_dict()}
    started = start_live_job(speech, source=options.source, player_url=options.player_url,
                             options=provenance)
    job = started.job
    if started.resumed_at_ms:
        report(f"resuming {speech.slug} at {started.resumed_at_ms / 1000:.1f} s of its recording")
    session = _LiveSession(job, model, streaming, options, started.resumed_at_ms, report)
    try:
        session.run()
    except SourceError as exc:
        report_progress(job, state=LiveJob.State.FAILED, message=str(exc), tentative="")
        raise UserError(str(exc)) from None
    report("stream ended; archiving")
    for line in finish_live_job(job):
        report(line)
    return job


class _LiveSession:
    def __init__(self, job, model, streaming, options: LiveRunOptions, start_ms: int,
                 report: Reporter):
        self.job = job
        self.options = options
        self.report = report
        self.start_ms = start_ms
        self.recognizer = StreamingRecognizer(model, streaming, start_ms=start_ms)
        self.feed = AudioFeed(max_ms=int(options.max_lag_seconds * 1000))
        self.stop = threading.Event()
        self.reader_error: Exception | None = None
        self.recorded_ms = start_ms
        self.source_lost = ""
        self._skip_reported = 0
        self._last_progress = 0.0

    def run(self) -> None:
        recording = PcmRecording(recording_path(self.job.speech))
        reader = threading.Thread(target=self._read_source, args=(recording,),
                                  name="live-source", daemon=True)
        translator = SentenceTranslator(self.job)
        self.translator = translator
        reader.start()
        try:
            while not self.feed.finished:
                for item in self.feed.take_all(timeout=0.2):
                    self._take(item)
                if self.recognizer.ready():
                    self._step()
                self._progress()
            if self.reader_error is not None:
                raise self.reader_error
            self._publish(self.recognizer.finish())
        finally:
            self.stop.set()
            reader.join()
            recording.close()
            translator.close()

    def _read_source(self, recording: PcmRecording) -> None:
        skip = self.start_ms if self.options.source != "-" else 0
        try:
            for item in read_live_audio(self.options.source, stop=self.stop, skip_ms=skip,
                                        give_up_seconds=self.options.reconnect_seconds,
                                        stdin=self.options.stdin):
                if isinstance(item, SourceAudio):
                    at_ms = recording.recorded_ms
                    recording.append(item.samples)
                    self.recorded_ms = recording.recorded_ms
                    self.feed.put(FedAudio(at_ms, item.samples))
                elif isinstance(item, SourceLost):
                    self.source_lost = item.reason
                elif isinstance(item, SourceGap):
                    self.source_lost = ""
                    self.feed.put(FedGap(recording.recorded_ms, item.missing_ms, item.reason))
        except Exception as exc:  # handed to the main thread, which reports it
            self.reader_error = exc
        finally:
            self.feed.close()

    def _take(self, item) -> None:
        if isinstance(item, FedGap):
            self.recognizer.break_at(item.at_ms)
            self._publish_flushed()
            record_gap(self.job, at_ms=item.at_ms, missing_ms=item.missing_ms,
                       reason="source-lost")
            self.report(f"source back after {item.missing_ms / 1000:.1f} s ({item.reason})")
            return
        if item.at_ms > self.recognizer.received_to_ms:
            skipped = item.at_ms - self.recognizer.received_to_ms
            self.recognizer.append(item.samples, at_ms=item.at_ms)
            self._publish_flushed()
            record_gap(self.job, at_ms=item.at_ms, missing_ms=skipped, reason="skipped")
            self.report(f"recognition behind: skipped {skipped / 1000:.1f} s to catch up")
            return
        self.recognizer.append(item.samples)

    def _step(self) -> None:
        buffer_from_ms = self.recognizer.buffer_start_ms
        cpu_before = time.process_time()  # the recognizer's threads are the process's
        result = self.recognizer.step()
        cpu = time.process_time() - cpu_before
        self._publish(result)
        if settings.ROSTRA_LIVE_TRACE:
            self._trace(result, buffer_from_ms=buffer_from_ms, cpu=cpu)

    def _trace(self, result: StepResult, *, buffer_from_ms: int, cpu: float) -> None:
        """One line per step (ROSTRA_LIVE_TRACE): when it ended, what it read and cost."""
        line = {"job": self.job.pk, "at": round(time.time(), 3), "seconds": result.seconds,
                "cpu": round(cpu, 3), "buffer_from_ms": buffer_from_ms,
                "read_to_ms": result.recognized_to_ms, "recorded_ms": self.recorded_ms,
                "committed": [[word.start_ms, word.end_ms, word.text] for word in result.committed],
                "tentative": result.tentative, "small_window": self.recognizer.small_window}
        with open(settings.ROSTRA_LIVE_TRACE, "a", encoding="utf-8") as trace:
            trace.write(json.dumps(line, ensure_ascii=False) + "\n")

    def _publish_flushed(self) -> None:
        words, sentences = self.recognizer.take_flushed()
        self._publish_parts(words, sentences)

    def _publish(self, result: StepResult) -> None:
        self._publish_parts(result.committed, result.sentences)
        self._progress(force=True, tentative=result.tentative)

    def _publish_parts(self, words, sentences) -> None:
        record_words(self.job, list(words))
        for sentence in sentences:
            self.translator.add(sentence, self.recognizer.language)

    def _progress(self, *, force: bool = False, tentative: str | None = None) -> None:
        now = time.monotonic()
        if not force and now - self._last_progress < PROGRESS_EVERY_SECONDS:
            return
        self._last_progress = now
        behind = keep_up(self.recognizer, self.feed,
                         lag_ms=self.recorded_ms - self.recognizer.read_to_ms,
                         max_ms=int(self.options.max_lag_seconds * 1000))
        fields = dict(recorded_ms=self.recorded_ms, recognized_ms=self.recognizer.read_to_ms,
                      behind=behind, language=self.recognizer.language or self.job.language,
                      state=LiveJob.State.RECONNECTING if self.source_lost
                      else LiveJob.State.RUNNING, message=self.source_lost)
        if tentative is not None:
            fields["tentative"] = tentative
        if report_progress(self.job, **fields):
            self.stop.set()
