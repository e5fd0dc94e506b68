"""Which indexed texts a search may return: the reader's speeches, languages and filters.

The public searches ``published_speeches()`` and, inside them, transcripts in the published
languages only (titles, topics and names are the speech's public metadata in whatever language
the program gave them); ``include_unpublished=True`` (editors, the CLI) searches everything.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from django.db.models import TextField
from django.db.models.functions import Cast

from rostra.archive.domain.publishing import published_speeches
from rostra.archive.models import Speech
from rostra.archive.queries import SpeechFilter
from rostra.transcripts.reading import language_is_public


@lru_cache(maxsize=256)
def _languages(raw: str | None) -> tuple[str, ...]:
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return ()
    return tuple(value) if isinstance(value, list) else ()


@dataclass(frozen=True)
class SearchScope:
    """``speech_ids``: the speeches allowed (None: every indexed one); ``index_speech_ids``: what
    to pass to the index (None when the filter hardly narrows); ``public_languages``: speech id →
    its published languages, for the public (None for editors)."""

    speech_ids: list[int] | None
    index_speech_ids: list[int] | None
    public_languages: dict[int, tuple[str, ...]] | None

    @property
    def empty(self) -> bool:
        return self.speech_ids is not None and not self.speech_ids

    def visible(self, speech_id: int, language: str, kind: str) -> bool:
        """Whether a text of that speech, language and kind may be shown."""
        if self.public_languages is None:
            return True  # editors: the index is asked about the allowed speeches only
        published = self.public_languages.get(speech_id)
        # Transcripts follow the one reading rule; titles, topics and names are the speech's
        # public metadata in whatever language the program gave them.
        return published is not None and (kind == "metadata"
                                          or language_is_public(published, language))


def search_scope(filters: SpeechFilter, *, include_unpublished: bool) -> SearchScope:
    """The scope of one search (one query to the archive database)."""
    if include_unpublished and not filters.narrows:
        return SearchScope(None, None, None)
    # Ordered by id: with DISTINCT, Speech's default order (starts_at, slug) would be selected,
    # converted and sorted for every speech of the archive on every search.
    speeches = filters.apply(Speech.objects.all() if include_unpublished
                             else published_speeches()).distinct().order_by("pk")
    if include_unpublished:
        ids = list(speeches.values_list("pk", flat=True))
        return SearchScope(ids, ids, None)
    # As text, parsed once per distinct value: decoding thousands of identical JSON lists per
    # query cost more than the search itself (bench/search_speed.py).
    public = {pk: _languages(raw) for pk, raw in speeches.annotate(
        raw_languages=Cast("published_languages", TextField())).values_list("pk", "raw_languages")}
    ids = list(public)
    # Publication alone hardly narrows the archive: then the index is asked about every speech
    # and unpublished ones are dropped by visible(), which spares the index a membership test
    # on every match (bench/search_speed.py at 5,140 speeches).
    return SearchScope(ids, ids if filters.narrows else None, public)
