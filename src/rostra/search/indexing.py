"""Keeping the search index fresh: what a speech contributes, and the signal listeners.

A speech contributes, per language, the segments of the transcript readers get in that language
(``preferred_transcript``: a person's before a machine's, so an edited transcript replaces the
machine one instead of doubling every hit), and its metadata: title and subtitle, abstract,
speakers' names (every script) and topics. Each segment is a full-text document (deep links
need its start); for semantic search, consecutive segments are merged into windows of about a
paragraph, since a 3-second subtitle cue is too short to carry a meaning.

Listeners (connected in apps.py) run inline after the transaction that changed the transcript
committed; embedding a 300-segment transcript takes about a second on 2 cores. A failing index
update is logged and never breaks the save that triggered it (``rostra search --reindex``
repairs the index).
"""

from __future__ import annotations

import logging
from typing import Callable, Iterable, Sequence

from rostra.archive.models import Speech
from rostra.search.backends.base import CUE_KIND, IndexDocument, SearchBackend, VectorDocument
from rostra.search.backends.registry import get_backend
from rostra.search.embeddings.base import EmbeddingEngine
from rostra.search.embeddings.registry import get_embedding_engine
from rostra.search.fingerprints import (NO_TRANSCRIPT, metadata_fingerprint,
                                        transcript_fingerprint)
from rostra.search.normalize import index_text
from rostra.search.signals import index_changed
from rostra.transcripts.reading import preferred_transcript

log = logging.getLogger(__name__)

METADATA_SCOPE = "metadata"
# About a paragraph (~100 words), the passage length e5 was trained on; shorter windows
# multiply the vectors every semantic query must scan (bench/search_speed.py).
WINDOW_CHARS = 480
WINDOW_SEGMENTS = 10
_NO_ENGINE = object()


def transcript_scope(language: str) -> str:
    return f"transcript:{language}"


def speech_languages(speech: Speech) -> list[str]:
    """Languages the speech has a finished transcript in."""
    return sorted({t.language for t in speech.transcripts.all() if t.status == "done"})


def segment_windows(segments: Sequence) -> list[list]:
    """Consecutive segments grouped into windows of about ``WINDOW_CHARS`` characters."""
    windows: list[list] = []
    current: list = []
    size = 0
    for segment in segments:
        if not segment.text.strip():
            continue
        current.append(segment)
        size += len(segment.text)
        if size >= WINDOW_CHARS or len(current) >= WINDOW_SEGMENTS:
            windows.append(current)
            current, size = [], 0
    if current:
        windows.append(current)
    return windows


def transcript_documents(speech: Speech, language: str, *,
                         engine: EmbeddingEngine | None
                         ) -> tuple[list[IndexDocument], list[VectorDocument], str]:
    """Full-text documents and embedded windows of the speech's transcript in ``language``,
    and the fingerprint of what they were made from (rostra.search.fingerprints)."""
    transcript = preferred_transcript(speech, language)
    if transcript is None:
        return [], [], transcript_fingerprint(None, "", [])
    scope = transcript_scope(language)
    segments = list(transcript.segments.all())
    fingerprint = transcript_fingerprint(
        transcript.pk, transcript.origin,
        [(s.pk, s.start_ms, s.end_ms, s.text) for s in segments])
    documents = [
        IndexDocument(speech_id=speech.pk, scope=scope, kind="segment", language=language,
                      text=index_text(segment.text), origin=transcript.origin,
                      transcript_id=transcript.pk, segment_id=segment.pk,
                      start_ms=segment.start_ms, end_ms=segment.end_ms)
        for segment in segments if segment.text.strip()
    ]
    vectors: list[VectorDocument] = []
    if engine is not None:
        windows = segment_windows(segments)
        embedded = engine.embed_passages([" ".join(s.text.strip() for s in w) for w in windows])
        vectors = [
            VectorDocument(speech_id=speech.pk, scope=scope, kind="segment", language=language,
                           vector=embedded[i], transcript_id=transcript.pk,
                           segment_id=window[0].pk, start_ms=window[0].start_ms,
                           end_ms=window[-1].end_ms)
            for i, window in enumerate(windows)
        ]
        # Each cue too: searched like the windows, and the sentence a window hit points at.
        cues = [segment for window in windows for segment in window]
        cue_vectors = engine.embed_passages([segment.text.strip() for segment in cues])
        vectors += [
            VectorDocument(speech_id=speech.pk, scope=scope, kind=CUE_KIND, language=language,
                           vector=cue_vectors[i], transcript_id=transcript.pk,
                           segment_id=segment.pk, start_ms=segment.start_ms,
                           end_ms=segment.end_ms)
            for i, segment in enumerate(cues)
        ]
    return documents, vectors, fingerprint


def metadata_texts(speech: Speech) -> list[tuple[str, str, str]]:
    """``(field, language, text)`` for every metadata text of the speech."""
    texts: list[tuple[str, str, str]] = []
    for language, title in (speech.title or {}).items():
        subtitle = (speech.subtitle or {}).get(language, "")
        texts.append(("title", language, f"{title}. {subtitle}" if subtitle else title))
    for language, abstract in (speech.abstract or {}).items():
        texts.append(("abstract", language, abstract))
    names: dict[str, list[str]] = {}
    for speaker in speech.speakers.all():
        for language, name in (speaker.names or {}).items():
            names.setdefault(language, []).append(name)
    for language, values in names.items():
        texts.append(("speakers", language, ", ".join(values)))
    topics: dict[str, list[str]] = {}
    for topic in speech.topics.all():
        for language, name in (topic.name or {}).items():
            topics.setdefault(language, []).append(name)
    for language, values in topics.items():
        texts.append(("topics", language, ", ".join(values)))
    return [(field, language, text) for field, language, text in texts if text and text.strip()]


def metadata_documents(speech: Speech, *, engine: EmbeddingEngine | None
                       ) -> tuple[list[IndexDocument], list[VectorDocument], str]:
    texts = metadata_texts(speech)
    documents = [IndexDocument(speech_id=speech.pk, scope=METADATA_SCOPE, kind="metadata",
                               language=language, field=field, text=index_text(text))
                 for field, language, text in texts]
    vectors: list[VectorDocument] = []
    # Names are not a meaning: only titles and abstracts are embedded.
    semantic = [(field, language, text) for field, language, text in texts
                if field in ("title", "abstract")]
    if engine is not None and semantic:
        embedded = engine.embed_passages([text for _, _, text in semantic])
        vectors = [VectorDocument(speech_id=speech.pk, scope=METADATA_SCOPE, kind="metadata",
                                  language=language, field=field, vector=embedded[i])
                   for i, (field, language, _) in enumerate(semantic)]
    return documents, vectors, metadata_fingerprint(texts)


def _engine(engine):
    return get_embedding_engine() if engine is _NO_ENGINE else engine


def index_speech(speech: Speech, *, languages: Iterable[str] | None = None,
                 metadata: bool = True, backend: SearchBackend | None = None,
                 engine=_NO_ENGINE) -> int:
    """(Re)index a speech: its transcripts in ``languages`` (all by default) and metadata.

    Side effects: replaces the speech's documents and vectors of those scopes in the index
    (one transaction per call). A language whose transcript is gone is removed from the index.
    Returns the number of documents written.
    """
    backend = backend or get_backend()
    engine = _engine(engine)
    all_languages = languages is None
    if all_languages:
        languages = speech_languages(speech)
    languages = list(languages)
    documents: list[IndexDocument] = []
    vectors: list[VectorDocument] = []
    scopes = [transcript_scope(language) for language in languages]
    fingerprints: dict[str, str] = {}
    for language, scope in zip(languages, scopes):
        more_documents, more_vectors, fingerprints[scope] = transcript_documents(
            speech, language, engine=engine)
        documents += more_documents
        vectors += more_vectors
    if metadata:
        scopes.append(METADATA_SCOPE)
        more_documents, more_vectors, fingerprints[METADATA_SCOPE] = metadata_documents(
            speech, engine=engine)
        documents += more_documents
        vectors += more_vectors
    if all_languages:
        backend.delete_speech(speech_id=speech.pk)
    # A language without a finished transcript has nothing indexed, so nothing to record.
    fingerprints = {scope: value for scope, value in fingerprints.items()
                    if value != NO_TRANSCRIPT}
    backend.replace_documents(speech_id=speech.pk, scopes=scopes, documents=documents,
                              vectors=vectors if engine is not None else None,
                              vector_signature=engine.signature if engine is not None else "",
                              fingerprints=fingerprints)
    index_changed.send(sender=Speech)
    return len(documents)


def remove_speech(*, speech_id: int, backend: SearchBackend | None = None) -> None:
    """Drop a speech from the index. Side effect: deletes its documents and vectors."""
    (backend or get_backend()).delete_speech(speech_id=speech_id)
    index_changed.send(sender=Speech)


def reindex_all(progress: Callable[[int, int], None] | None = None, *,
                backend: SearchBackend | None = None, engine=_NO_ENGINE) -> dict:
    """Rebuild the whole index from the archive (every speech, published or not).

    Side effects: clears the index, then indexes each speech; ``progress(done, total)`` is
    called after each. Returns the backend's stats.
    """
    backend = backend or get_backend()
    engine = _engine(engine)
    backend.clear()
    speeches = (Speech.objects.order_by("pk")
                .prefetch_related("transcripts", "speakers", "topics"))
    total = speeches.count()
    for done, speech in enumerate(speeches.iterator(chunk_size=100), start=1):
        index_speech(speech, backend=backend, engine=engine)
        if progress is not None:
            progress(done, total)
    if hasattr(backend, "optimize"):
        backend.optimize()
    index_changed.send(sender=Speech)
    return backend.stats()


# --- signal listeners (connected in apps.py) ---

def on_transcript_changed(sender, transcript, **kwargs) -> None:
    try:
        speech = Speech.objects.get(pk=transcript.speech_id)
        index_speech(speech, languages=[transcript.language], metadata=False)
    except Speech.DoesNotExist:
        remove_speech(speech_id=transcript.speech_id)
    except Exception:
        log.exception("search: indexing transcript %s failed; run `rostra search --reindex`",
                      transcript.pk)


def on_transcript_deleted(sender, transcript_id=None, speech_id=None, **kwargs) -> None:
    try:
        speech = Speech.objects.filter(pk=speech_id).first()
        if speech is None:
            remove_speech(speech_id=speech_id)
        else:
            index_speech(speech)
    except Exception:
        log.exception("search: removing transcript %s failed; run `rostra search --reindex`",
                      transcript_id)


def on_speech_changed(sender, speech, **kwargs) -> None:
    try:
        index_speech(speech, languages=[], metadata=True)
    except Exception:
        log.exception("search: indexing speech %s failed; run `rostra search --reindex`",
                      speech.pk)


def on_speech_deleted(sender, instance, **kwargs) -> None:
    try:
        remove_speech(speech_id=instance.pk)
    except Exception:
        log.exception("search: removing speech %s failed", instance.pk)
