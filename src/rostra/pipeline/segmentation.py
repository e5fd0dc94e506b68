"""Cut recognized speech into subtitle cues and break each cue into balanced lines.

Rules (the usual broadcast ones, see docs/pipeline.md): at most two lines of about 42
characters, each cue on screen 1–7 seconds, cut at a sentence end where possible, else at a
clause boundary (comma, semicolon, colon, Arabic comma…), else at a pause between words,
using the word timings the recognizer gives. Works the same for right-to-left scripts: it only
looks at spaces, punctuation and times.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from rostra.pipeline.types import Cue, RecognizedSegment, Word

SENTENCE_END = (".", "?", "!", "…", "؟", "۔", "。", "！", "？")
CLAUSE_END = (",", ";", ":", "،", "؛", "—", "–", "，", "、")
CLOSING_QUOTES = "\"'”’»)]"
PUNCTUATION = "".join(SENTENCE_END + CLAUSE_END) + CLOSING_QUOTES


@dataclass(frozen=True)
class CueLimits:
    max_line_chars: int = 42
    max_lines: int = 2
    min_ms: int = 1000
    max_ms: int = 7000
    # A silence this long between words always ends a cue: the next words are a new thought.
    pause_ms: int = 1500
    # A pause this long is a good place to cut when no punctuation helps.
    short_pause_ms: int = 250


def _bare(text: str) -> str:
    return text.strip().rstrip(CLOSING_QUOTES)


def ends_sentence(word: Word) -> bool:
    return _bare(word.text).endswith(SENTENCE_END)


def ends_clause(word: Word) -> bool:
    return _bare(word.text).endswith(CLAUSE_END)


def join_words(words: Sequence[Word]) -> str:
    """Words as the recognizer spelled them (each with its leading space), joined and trimmed."""
    text = ""
    for word in words:
        piece = word.text
        if text and not piece[:1].isspace() and piece[:1] not in PUNCTUATION:
            piece = " " + piece  # engines that give bare words still get spaces between them
        text += piece
    return " ".join(text.split())


def break_lines(text: str, *, max_chars: int = 42, max_lines: int = 2) -> tuple[str, ...]:
    """Split ``text`` into at most ``max_lines`` lines, as balanced as possible.

    Prefers a break after a clause or sentence end; never breaks inside a word. Text that
    cannot fit keeps its overflow on the last line rather than losing words.
    """
    text = " ".join(text.split())
    if len(text) <= max_chars or max_lines < 2:
        return (text,) if text else ()
    spaces = [index for index, char in enumerate(text) if char == " "]
    if not spaces:
        return (text,)

    def cost(index: int) -> float:
        first, second = text[:index], text[index + 1:]
        overflow = max(0, len(first) - max_chars) + max(0, len(second) - max_chars)
        value = overflow * 100 + abs(len(first) - len(second))
        if _bare(first).endswith(SENTENCE_END + CLAUSE_END):
            value -= 12  # a comma at the line end reads better than perfect balance
        return value

    best = min(spaces, key=cost)
    first, second = text[:best], text[best + 1:]
    if len(second) > max_chars and max_lines > 2:
        return (first, *break_lines(second, max_chars=max_chars, max_lines=max_lines - 1))
    return (first, second)


def _fits(words: Sequence[Word], limits: CueLimits) -> bool:
    if words[-1].end_ms - words[0].start_ms > limits.max_ms:
        return False
    text = join_words(words)
    if len(text) > limits.max_line_chars * limits.max_lines:
        return False
    lines = break_lines(text, max_chars=limits.max_line_chars, max_lines=limits.max_lines)
    return all(len(line) <= limits.max_line_chars for line in lines)


def _best_break(words: Sequence[Word], limits: CueLimits) -> int:
    """How many of ``words`` to put in the cue being closed (at least 1)."""
    best_count, best_score = len(words), float("-inf")
    for count in range(1, len(words) + 1):
        last = words[count - 1]
        if ends_sentence(last):
            score = 3.0
        elif ends_clause(last):
            score = 2.0
        elif count < len(words) and words[count].start_ms - last.end_ms >= limits.short_pause_ms:
            score = 1.0
        else:
            score = 0.0
        if last.end_ms - words[0].start_ms < limits.min_ms or len(join_words(words[:count])) < 12:
            score -= 2.5  # a flash of two words is worse than a less natural cut
        score += 0.9 * count / len(words)  # among equals, fill the cue
        if score > best_score:
            best_count, best_score = count, score
    return best_count


def _make_cue(words: Sequence[Word], limits: CueLimits) -> Cue:
    lines = break_lines(join_words(words), max_chars=limits.max_line_chars,
                        max_lines=limits.max_lines)
    return Cue(start_ms=words[0].start_ms, end_ms=max(words[-1].end_ms, words[0].start_ms),
               lines=lines, words=tuple(words))


def cues_from_words(words: Iterable[Word], *, limits: CueLimits = CueLimits()) -> list[Cue]:
    """Group timed words into subtitle cues within ``limits``."""
    groups: list[list[Word]] = []
    current: list[Word] = []
    for word in words:
        if not word.text.strip():
            continue
        if current:
            previous = current[-1]
            long_pause = word.start_ms - previous.end_ms >= limits.pause_ms
            sentence_done = (ends_sentence(previous)
                             and previous.end_ms - current[0].start_ms >= limits.min_ms)
            if long_pause or sentence_done:
                groups.append(current)
                current = []
        current.append(word)
        while len(current) > 1 and not _fits(current, limits):
            head = current[:-1]
            count = _best_break(head, limits)
            groups.append(head[:count])
            current = head[count:] + current[-1:]
    if current:
        groups.append(current)
    return _apply_durations([_make_cue(group, limits) for group in groups], limits)


def _apply_durations(cues: list[Cue], limits: CueLimits) -> list[Cue]:
    """Hold short cues on screen for ``min_ms`` (never over the next cue), cap long ones."""
    result = []
    for index, cue in enumerate(cues):
        next_start = cues[index + 1].start_ms if index + 1 < len(cues) else None
        end = max(cue.end_ms, cue.start_ms + limits.min_ms)
        if next_start is not None:
            end = min(end, max(next_start, cue.end_ms))
        end = min(end, cue.start_ms + limits.max_ms)
        result.append(Cue(start_ms=cue.start_ms, end_ms=end, lines=cue.lines, words=cue.words))
    return result


def cues_from_segments(segments: Iterable[RecognizedSegment], *,
                       limits: CueLimits = CueLimits()) -> list[Cue]:
    """Cues from recognized segments; a segment without word timings gets even spacing."""
    words: list[Word] = []
    for segment in segments:
        if segment.words:
            words.extend(segment.words)
        else:
            words.extend(_spread_words(segment))
    return cues_from_words(words, limits=limits)


def _spread_words(segment: RecognizedSegment) -> list[Word]:
    tokens = segment.text.split()
    if not tokens:
        return []
    span = max(segment.end_ms - segment.start_ms, 1)
    weights = [len(token) + 1 for token in tokens]
    total = sum(weights)
    words, position = [], segment.start_ms
    for index, (token, weight) in enumerate(zip(tokens, weights)):
        end = segment.end_ms if index == len(tokens) - 1 else position + span * weight // total
        words.append(Word(start_ms=position, end_ms=end, text=" " + token, probability=0.0))
        position = end
    return words
