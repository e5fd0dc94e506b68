"""Committed sentences to the configured translation engine, on a thread of their own so a
slow engine never holds recognition back (up to a bounded queue of sentences)."""

from __future__ import annotations

import logging
import queue
import threading

from django.conf import settings
from django.db import connection

from rostra.live.domain import record_sentence
from rostra.live.models import LiveJob
from rostra.pipeline.mt.base import TranslationError
from rostra.pipeline.streaming.recognizer import CommittedSentence

logger = logging.getLogger(__name__)
MAX_WAITING_SENTENCES = 50
_DONE = object()


def caption_languages(source: str) -> list[str]:
    """The archive's languages other than the spoken one."""
    return [code for code, _ in settings.LANGUAGES if code != source]


class SentenceTranslator:
    """Translates each sentence into every other archive language and stores the line."""

    def __init__(self, job: LiveJob):
        from rostra.processing.translation import build_translation_engine

        self.job = job
        self.engine = build_translation_engine()
        self._queue: queue.Queue = queue.Queue(maxsize=MAX_WAITING_SENTENCES)
        self._thread = threading.Thread(target=self._run, name="live-translate", daemon=True)
        self._thread.start()

    def add(self, sentence: CommittedSentence, language: str) -> None:
        self._queue.put((sentence, language))

    def close(self) -> None:
        self._queue.put(_DONE)
        self._thread.join()

    def _run(self) -> None:
        try:
            while (item := self._queue.get()) is not _DONE:
                sentence, language = item
                record_sentence(self.job, sentence, self.translate(sentence.text, language))
        finally:
            connection.close()  # this thread's own connection

    def translate(self, text: str, source: str) -> dict[str, str]:
        translations = {source: text}
        if self.engine is None or not source:
            return translations
        for target in caption_languages(source):
            if not self.engine.supports(source, target):
                continue
            try:
                translations[target] = self.engine.translate_batch([text], source, target)[0]
            except TranslationError as exc:
                # One sentence without its translation is better than captions that stop.
                logger.warning("live translation %s→%s failed: %s", source, target, exc)
        return translations
