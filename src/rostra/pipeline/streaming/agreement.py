"""Which recognized words are final: the LocalAgreement-2 policy.

Whisper re-reads the whole rolling buffer on every step, so the words at its end change from
one step to the next. A word becomes committed once two consecutive hypotheses agree on it
and on every word before it (the policy of Macháček et al., "Turning Whisper into Real-Time
Transcription System", 2023). Committed words are never taken back; the rest is tentative.
"""

from __future__ import annotations

import re

from rostra.pipeline.types import Word

# A word that starts this long before the last committed word ended is a re-reading of
# audio already committed (Whisper's timestamps wobble by a few tens of milliseconds).
OVERLAP_TOLERANCE_MS = 100
# How many words at the start of a hypothesis may repeat the committed tail, and how near
# the committed end they must start to count as a repetition rather than speech.
MAX_REPEATED_WORDS = 5
REPEAT_WINDOW_MS = 1000

_PUNCTUATION = re.compile(r"[^\w]+", re.UNICODE)
# A run of 1 to LOOP_MAX_WORDS words said LOOP_REPEATS times in a row is Whisper looping:
# greedy decoding (no temperature fallback, recognizer.py) accepts "it needs new inventions,
# it needs new inventions, ..." to the end of the window, and the end of the stream commits it.
LOOP_MAX_WORDS = 4
LOOP_REPEATS = 3


def word_key(word: Word) -> str:
    """The word as compared between hypotheses: case and punctuation do not count."""
    return _PUNCTUATION.sub("", word.text).casefold()


def without_loop(words: list[Word]) -> list[Word]:
    """``words`` up to where a loop starts (LOOP_REPEATS repetitions of a run of words): the
    loop and all after it are hallucinated; the next reading goes on from there."""
    keys = [word_key(word) for word in words]
    for start in range(len(keys)):
        for size in range(1, LOOP_MAX_WORDS + 1):
            run = keys[start:start + size]
            if len(run) < size or not all(run):
                break
            if all(keys[start + size * repeat:start + size * (repeat + 1)] == run
                   for repeat in range(1, LOOP_REPEATS)):
                return words[:start]
    return words


class LocalAgreement:
    """Commits the longest prefix two consecutive hypotheses share.

    :meth:`update` takes the words of the newest hypothesis (times from the stream's start)
    and returns the words committed by it; :attr:`tentative` holds the words after them.
    """

    def __init__(self) -> None:
        self.committed_end_ms = 0
        self._committed_tail: list[Word] = []
        self._previous: list[Word] = []
        self.tentative: list[Word] = []
        self._previous_whole: list[Word] = []

    def update(self, hypothesis: list[Word], *, whole_from_ms: int | None = None) -> list[Word]:
        """With ``whole_from_ms`` (the buffer's start), a word is agreed only if the two
        readings also agree on every word before it from there, committed ones included: a
        reading that re-hears committed audio differently is unsure of what follows too."""
        fresh = self._without_committed(hypothesis)
        agreed: list[Word] = []
        for new, old in zip(fresh, self._previous):
            if not word_key(new) or word_key(new) != word_key(old):
                break
            agreed.append(new)
        if whole_from_ms is not None:
            agreed = agreed[:self._agreed_from(hypothesis, fresh, whole_from_ms)]
        self._commit(agreed)
        self._previous = fresh[len(agreed):]
        self.tentative = list(self._previous)
        return agreed

    def _agreed_from(self, hypothesis: list[Word], fresh: list[Word], from_ms: int) -> int:
        """How many of ``fresh`` lie in the prefix the reading shares with the previous one
        from ``from_ms`` on (the previous reading is kept whole for the next call)."""
        new = [word_key(word) for word in hypothesis if word.start_ms >= from_ms]
        old = [word_key(word) for word in self._previous_whole if word.start_ms >= from_ms]
        self._previous_whole = list(hypothesis)
        shared = 0
        for new_key, old_key in zip(new, old):
            if new_key != old_key:
                break
            shared += 1
        before_fresh = len(new) - len(fresh)
        return max(0, shared - before_fresh)

    def flush(self) -> list[Word]:
        """At the end of the stream nothing more will come: the tentative words are final."""
        rest = [word for word in self._previous if word_key(word)]
        self._commit(rest)
        self._previous, self.tentative = [], []
        return rest

    def commit_through(self, end_ms: int) -> list[Word]:
        """Make final the tentative words that end by ``end_ms`` (the buffer must be cut and
        they never agreed); later words, which may be cut mid-word, stay tentative."""
        done = []
        for word in self._previous:
            if word.end_ms > end_ms:
                break
            done.append(word)
        done = [word for word in done if word_key(word)]
        self._commit(done)
        self._previous = [word for word in self._previous if word.end_ms > end_ms]
        self.tentative = list(self._previous)
        return done

    def _commit(self, words: list[Word]) -> None:
        if words:
            self.committed_end_ms = words[-1].end_ms
            self._committed_tail = (self._committed_tail + words)[-MAX_REPEATED_WORDS:]

    def _without_committed(self, hypothesis: list[Word]) -> list[Word]:
        """Drop the words of ``hypothesis`` that re-read audio already committed."""
        words = [word for word in hypothesis
                 if word.start_ms >= self.committed_end_ms - OVERLAP_TOLERANCE_MS]
        # The first fresh words may still repeat the committed tail when the timestamps
        # moved: drop the longest repeated run (1 to MAX_REPEATED_WORDS words).
        if not words or words[0].start_ms > self.committed_end_ms + REPEAT_WINDOW_MS:
            return words
        tail = [word_key(word) for word in self._committed_tail]
        for size in range(min(len(tail), len(words), MAX_REPEATED_WORDS), 0, -1):
            if tail[-size:] == [word_key(word) for word in words[:size]]:
                return words[size:]
        return words
