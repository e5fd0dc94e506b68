"""Is every speech in the search index, with every transcript language it has?

An interrupted import or reindex (a killed process: indexing runs after the commit) leaves
speeches the archive holds but search cannot find. ``check_index`` compares the archive with
the index's own list of (speech, scope): a speech with no metadata documents is *missing*; one
whose indexed transcript languages differ from its finished transcripts is *stale*.
``repair_index`` reindexes only those. (An edit that changes a transcript's words but not its
languages is re-indexed by the save itself and not detected here.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from rostra.archive.models import Speech
from rostra.search.backends.base import SearchBackend
from rostra.search.backends.registry import get_backend
from rostra.search.indexing import METADATA_SCOPE, index_speech, transcript_scope


@dataclass
class IndexCheck:
    speeches: int = 0
    missing: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    orphans: list[int] = field(default_factory=list)  # indexed, no longer in the archive

    @property
    def consistent(self) -> bool:
        return not (self.missing or self.stale or self.orphans)

    def as_dict(self) -> dict:
        return {"speeches": self.speeches, "missing": len(self.missing),
                "stale": len(self.stale), "orphans": len(self.orphans),
                "consistent": self.consistent}


def expected_scopes() -> dict[int, set[str]]:
    """speech id → the scopes its documents should be in (metadata + finished transcripts)."""
    from rostra.transcripts.models import Transcript

    expected = {pk: {METADATA_SCOPE} for pk in Speech.objects.values_list("pk", flat=True)}
    for speech_id, language in (Transcript.objects.filter(status="done")
                                .values_list("speech_id", "language").distinct()):
        if speech_id in expected:
            expected[speech_id].add(transcript_scope(language))
    return expected


def check_index(*, backend: SearchBackend | None = None) -> IndexCheck:
    indexed = (backend or get_backend()).indexed_scopes()
    expected = expected_scopes()
    check = IndexCheck(speeches=len(expected))
    for speech_id, scopes in sorted(expected.items()):
        have = indexed.get(speech_id, set())
        if METADATA_SCOPE not in have:
            check.missing.append(speech_id)
        elif have != scopes:
            check.stale.append(speech_id)
    check.orphans = sorted(set(indexed) - set(expected))
    return check


def repair_index(check: IndexCheck, *, backend: SearchBackend | None = None,
                 progress: Callable[[int, int], None] | None = None) -> int:
    """Reindex the missing and stale speeches, drop the orphans; how many were repaired."""
    backend = backend or get_backend()
    for speech_id in check.orphans:
        backend.delete_speech(speech_id=speech_id)
    wanted = check.missing + check.stale
    speeches = (Speech.objects.filter(pk__in=wanted).order_by("pk")
                .prefetch_related("transcripts", "speakers", "topics"))
    for done, speech in enumerate(speeches.iterator(chunk_size=100), start=1):
        index_speech(speech, backend=backend)
        if progress is not None:
            progress(done, len(wanted))
    return len(wanted) + len(check.orphans)
