"""Who may read which transcript, and which one a reader gets first.

The API, the website, the feeds and search all ask these functions; none decides on its own.

- A public reader reads a speech's finished transcripts in the languages it was published in
  (all of them when the editors named none). Someone who may see unpublished work (an editor,
  an API token holder) reads every finished transcript.
- Of several transcripts in one language, a reader gets the one whose origin comes first in
  ``rostra.transcripts.origins.ORIGIN_PREFERENCE``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rostra.archive.models import Speech
from rostra.transcripts.models import Transcript
from rostra.transcripts.origins import origin_rank


def language_is_public(published_languages: Sequence[str] | None, language: str) -> bool:
    """Whether a public reader may read a published speech's transcripts in ``language``."""
    return not published_languages or language in published_languages


def readable_transcripts(speech: Speech, *, sees_unpublished: bool,
                         transcripts: Iterable[Transcript] | None = None) -> list[Transcript]:
    """The finished transcripts of ``speech`` this reader may read, by language, best first.

    ``transcripts`` may be given as an already narrowed or prefetched set of the speech's
    transcripts; by default it is ``speech.transcripts.all()`` (which uses a prefetch).
    """
    candidates = speech.transcripts.all() if transcripts is None else transcripts
    readable = [t for t in candidates if t.status == Transcript.Status.DONE and (
        sees_unpublished or language_is_public(speech.published_languages, t.language))]
    return sorted(readable, key=lambda t: (t.language, origin_rank(t.origin)))


def preferred_transcript(speech: Speech, language: str, *,
                         sees_unpublished: bool = True) -> Transcript | None:
    """The transcript a reader gets in ``language``: the best origin they may read, or None."""
    for transcript in readable_transcripts(speech, sees_unpublished=sees_unpublished):
        if transcript.language == language:
            return transcript
    return None
