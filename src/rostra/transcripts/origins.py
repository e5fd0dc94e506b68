"""Which origin of transcript a reader gets first, defined once (no Django here, so the command
line can offer the origins before Django starts).

Every surface that picks among several transcripts of one language (website, API, feeds,
search, the editors' queue, ``rostra subtitles export``) ranks them with :func:`origin_rank`.
"""

from __future__ import annotations

# Best first; the values of Transcript.Origin (a test checks that both name the same origins).
# A new origin goes in where it ranks and every surface follows: an interpreter's words heard by
# a machine, for example, belong after "human" (a person chose the words) and before "mt".
ORIGIN_PREFERENCE: tuple[str, ...] = ("human", "asr", "interpretation", "mt")


def origin_rank(origin: str) -> int:
    """Position of ``origin`` in :data:`ORIGIN_PREFERENCE` (lower is preferred)."""
    try:
        return ORIGIN_PREFERENCE.index(origin)
    except ValueError:
        return len(ORIGIN_PREFERENCE)  # an origin nobody ranked yet comes last
