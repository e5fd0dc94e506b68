"""Pure operations on a list of segments (no database): split, merge, nudge, validate.

The editor page, the API and the domain functions share them, so a split made in the browser
and one made through the API give the same result.
"""

from __future__ import annotations

from dataclasses import replace

from django.utils.translation import gettext_noop

from rostra.core.errors import UserError
from rostra.transcripts.domain import SegmentData


def validate(segments: list[SegmentData]) -> None:
    """One clear error naming the first bad segment (1-based, as the editor shows it)."""
    previous_start = -1
    for number, segment in enumerate(segments, start=1):
        if segment.start_ms < 0 or segment.end_ms < 0:
            raise UserError(gettext_noop("segment %(number)s: times cannot be negative"),
                            params={"number": number})
        if segment.end_ms < segment.start_ms:
            raise UserError(gettext_noop("segment %(number)s: it ends (%(end)s ms) before it "
                                         "starts (%(start)s ms); fix its end time"),
                            params={"number": number, "end": segment.end_ms,
                                    "start": segment.start_ms})
        if segment.start_ms < previous_start:
            raise UserError(gettext_noop("segment %(number)s: it starts before the segment "
                                         "above it; segments must stay in time order"),
                            params={"number": number})
        if not segment.text.strip():
            raise UserError(gettext_noop("segment %(number)s: its text is empty; merge it or "
                                         "delete its words"), params={"number": number})
        previous_start = segment.start_ms


def _check_position(segments: list[SegmentData], position: int) -> None:
    if not 0 <= position < len(segments):
        raise UserError(gettext_noop("there is no segment %(number)s (the transcript has "
                                     "%(count)s segments)"),
                        params={"number": position + 1, "count": len(segments)})


def split(segments: list[SegmentData], position: int, at_char: int | None = None
          ) -> list[SegmentData]:
    """Split segment ``position`` at character ``at_char`` (default: the word boundary
    nearest the middle). The time splits at the matching word timing when words are known,
    else in proportion to the characters."""
    _check_position(segments, position)
    segment = segments[position]
    text = segment.text
    if at_char is None:
        spaces = [i for i, char in enumerate(text) if char.isspace()]
        if not spaces:
            raise UserError(gettext_noop("segment %(number)s is one word; there is nothing "
                                         "to split"), params={"number": position + 1})
        at_char = min(spaces, key=lambda i: abs(i - len(text) / 2))
    left, right = text[:at_char].strip(), text[at_char:].strip()
    if not left or not right:
        raise UserError(gettext_noop("segment %(number)s: place the cursor between two words "
                                     "to split"), params={"number": position + 1})
    left_words, right_words, split_ms = _split_words(segment, len(left.split()))
    if split_ms is None:
        duration = segment.end_ms - segment.start_ms
        split_ms = segment.start_ms + round(duration * at_char / max(len(text), 1))
    first = replace(segment, end_ms=split_ms, text=left, words=left_words)
    second = replace(segment, start_ms=split_ms, text=right, words=right_words)
    return [*segments[:position], first, second, *segments[position + 1:]]


def _split_words(segment: SegmentData, left_word_count: int):
    words = [tuple(word) for word in segment.words]
    if len(words) < 2 or not 0 < left_word_count < len(words):
        return (), (), None
    left, right = words[:left_word_count], words[left_word_count:]
    return tuple(left), tuple(right), int(right[0][0])


def merge(segments: list[SegmentData], position: int) -> list[SegmentData]:
    """Merge segment ``position`` with the one after it."""
    _check_position(segments, position)
    if position + 1 >= len(segments):
        raise UserError(gettext_noop("segment %(number)s is the last one; there is nothing "
                                     "to merge it with"), params={"number": position + 1})
    first, second = segments[position], segments[position + 1]
    merged = SegmentData(
        start_ms=min(first.start_ms, second.start_ms),
        end_ms=max(first.end_ms, second.end_ms),
        text=f"{first.text.strip()} {second.text.strip()}",
        words=tuple(first.words) + tuple(second.words),
        reviewed=first.reviewed and second.reviewed,
        stale=first.stale or second.stale,
    )
    return [*segments[:position], merged, *segments[position + 2:]]


def nudge(segments: list[SegmentData], position: int, *, start_delta_ms: int = 0,
          end_delta_ms: int = 0) -> list[SegmentData]:
    """Move the start and/or end of segment ``position`` by a few milliseconds."""
    _check_position(segments, position)
    segment = segments[position]
    start = max(0, segment.start_ms + start_delta_ms)
    end = max(start, segment.end_ms + end_delta_ms)
    return [*segments[:position], replace(segment, start_ms=start, end_ms=end),
            *segments[position + 1:]]


def set_reviewed(segments: list[SegmentData], positions, reviewed: bool = True
                 ) -> list[SegmentData]:
    """Mark segments reviewed (a person checked them; that also clears ``stale``)."""
    wanted = set(positions)
    for position in wanted:
        _check_position(segments, position)
    return [replace(s, reviewed=reviewed, stale=False if reviewed else s.stale)
            if i in wanted else s for i, s in enumerate(segments)]


def changed_intervals(old: list[SegmentData], new: list[SegmentData]) -> list[tuple[int, int]]:
    """Time ranges whose text or timing differs between two versions."""
    def key(s):
        return (s.start_ms, s.end_ms, s.text)

    old_keys, new_keys = {key(s) for s in old}, {key(s) for s in new}
    return sorted({(s.start_ms, s.end_ms) for s in old if key(s) not in new_keys}
                  | {(s.start_ms, s.end_ms) for s in new if key(s) not in old_keys})


def overlaps(start_ms: int, end_ms: int, intervals) -> bool:
    return any(start_ms < iv_end and end_ms > iv_start or start_ms == iv_start
               for iv_start, iv_end in intervals)
