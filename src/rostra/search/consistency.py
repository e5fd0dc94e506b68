"""Is every speech in the search index, with what the archive holds now?

An interrupted import or reindex (a killed process) leaves speeches the archive holds but
search cannot find, or finds by old words. ``check_index`` compares the archive with the
index's own list of entries, (speech, scope) → fingerprint (rostra.search.fingerprints): a
speech with no metadata entry is *missing*; one whose indexed scopes differ from its finished
transcripts' languages, or whose entry was made from other words than the archive holds now,
is *stale*. Speeches the background indexer has not reached yet (rostra.search.backlog) are
counted as *pending*. ``repair_index`` reindexes only the missing and stale ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterator

from rostra.archive.models import Speech
from rostra.search.backends.base import SearchBackend
from rostra.search.backends.registry import get_backend
from rostra.search.fingerprints import metadata_fingerprint, transcript_fingerprint
from rostra.search.indexing import METADATA_SCOPE, index_speech, metadata_texts, transcript_scope

CHUNK = 200


@dataclass
class IndexCheck:
    speeches: int = 0
    missing: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    orphans: list[int] = field(default_factory=list)  # indexed, no longer in the archive
    pending: int = 0  # waiting for the background indexer (they are missing or stale too)

    @property
    def consistent(self) -> bool:
        return not (self.missing or self.stale or self.orphans)

    def as_dict(self) -> dict:
        return {"speeches": self.speeches, "missing": len(self.missing),
                "stale": len(self.stale), "orphans": len(self.orphans),
                "pending": self.pending, "consistent": self.consistent}


def expected_entries(*, words: bool = True) -> Iterator[tuple[int, dict[str, str | None]]]:
    """(speech id, {scope: fingerprint}) of every speech, as indexing it now would record;
    without ``words`` a transcript scope's fingerprint is None (not computed: that reads every
    segment of the archive)."""
    from rostra.transcripts.models import Segment
    from rostra.transcripts.reading import readable_transcripts

    speeches = Speech.objects.order_by("pk").prefetch_related("transcripts", "speakers",
                                                              "topics")
    chunk: list[Speech] = []
    for speech in speeches.iterator(chunk_size=CHUNK):
        chunk.append(speech)
        if len(chunk) == CHUNK:
            yield from _chunk_entries(chunk, Segment, readable_transcripts, words)
            chunk = []
    if chunk:
        yield from _chunk_entries(chunk, Segment, readable_transcripts, words)


def _chunk_entries(speeches, Segment, readable_transcripts, words):
    preferred: dict[int, dict[str, object]] = {}
    for speech in speeches:
        chosen: dict[str, object] = {}
        for transcript in readable_transcripts(speech, sees_unpublished=True):
            chosen.setdefault(transcript.language, transcript)  # best origin first
        preferred[speech.pk] = chosen
    segments: dict[int, list[tuple]] = {}
    wanted = [t.pk for chosen in preferred.values() for t in chosen.values()] if words else []
    for row in (Segment.objects.filter(transcript_id__in=wanted)
                .order_by("transcript_id", "position")
                .values_list("transcript_id", "pk", "start_ms", "end_ms", "text")):
        segments.setdefault(row[0], []).append(row[1:])
    for speech in speeches:
        entries = {METADATA_SCOPE: metadata_fingerprint(metadata_texts(speech))}
        for language, transcript in preferred[speech.pk].items():
            entries[transcript_scope(language)] = transcript_fingerprint(
                transcript.pk, transcript.origin, segments.get(transcript.pk, [])
            ) if words else None
        yield speech.pk, entries


def check_index(*, backend: SearchBackend | None = None, words: bool = True) -> IndexCheck:
    """Compare the index with the archive. ``words=False`` (``rostra status``) skips reading
    every transcript's segments: a transcript entry then counts as current when it exists."""
    from rostra.search.models import PendingIndex

    indexed = (backend or get_backend()).indexed_entries()
    check = IndexCheck(pending=PendingIndex.objects.count())
    seen: set[int] = set()
    for speech_id, expected in expected_entries(words=words):
        seen.add(speech_id)
        have = indexed.get(speech_id, {})
        if METADATA_SCOPE not in have:
            check.missing.append(speech_id)
        elif have.keys() != expected.keys() or any(
                value is not None and have[scope] != value for scope, value in expected.items()):
            check.stale.append(speech_id)
    check.speeches = len(seen)
    check.orphans = sorted(set(indexed) - seen)
    return check


def repair_index(check: IndexCheck, *, backend: SearchBackend | None = None,
                 progress: Callable[[int, int], None] | None = None) -> int:
    """Reindex the missing and stale speeches, drop the orphans; how many were repaired.

    Side effects: the index entries of those speeches; their backlog rows (a repaired speech
    no longer waits for the background indexer)."""
    from rostra.search.models import PendingIndex

    backend = backend or get_backend()
    for speech_id in check.orphans:
        backend.delete_speech(speech_id=speech_id)
    wanted = check.missing + check.stale
    speeches = (Speech.objects.filter(pk__in=wanted).order_by("pk")
                .prefetch_related("transcripts", "speakers", "topics"))
    for done, speech in enumerate(speeches.iterator(chunk_size=100), start=1):
        index_speech(speech, backend=backend)
        PendingIndex.objects.filter(speech_id=speech.pk).delete()
        if progress is not None:
            progress(done, len(wanted))
    return len(wanted) + len(check.orphans)
