"""Public pages at archive scale: p95 at 514 and at 5,140 speeches, side by side.

    python bench/archive_pages_benchmark.py [--runs 30] [--pages "sitemap index,home"]

The archive comes from the search benchmark's generator (bench/search_speed.build_rows: published
speeches with topics, speakers from ten countries, sessions, transcript rows), plus publication
dates and approved comments, once per scale in a SQLite file of its own. Pages are rendered
in-process through Django's test client with the page cache off (ROSTRA_PAGE_CACHE=false), so
each figure is a full render. The two scales are measured **interleaved** (one render at 514,
one at 5,140, and again), switching between two open connections, one per file, and emptying
every cache at each switch: on a shared machine the load changes from minute to minute, and measuring
one scale after the other compared two different machines. The goal: every page's p95 at 5,140
within 1.5x of its p95 at 514. Also printed: p50, and the cards a page shows at each scale (the
topic page is a topic of every 7th speech, so it shows a full page of 60 at both). Each table is
printed twice: wall clock, and CPU time (process_time) for a loaded machine.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# A topic with every 7th speech: 73 at 514, 734 at 5,140, so its page shows a full 60 cards at
# both scales (like for like) and the topic grows with the archive, as real ones do. The
# generator's own topics hold ~26 speeches at 514 (24 cards) and ~257 at 5,140 (60 cards).
WIDE_TOPIC = "topic-wide"
WIDE_EVERY = 7

PAGES = [
    ("home", "/en/"),
    ("program", "/en/program/"),
    ("program page 2", "/en/program/?page=2"),
    ("speakers", "/en/speakers/"),
    ("country IR", "/en/browse/IR/"),
    ("topic", f"/en/topics/{WIDE_TOPIC}/"),
    ("speech page", "/en/speeches/speech-7/"),
    ("feed atom", "/feeds/en/speeches.atom"),
    ("podcast", "/feeds/en/podcast.xml"),
    ("sitemap index", "/sitemap.xml"),
    ("sitemap file 1", "/sitemaps/speeches-1.xml"),
    ("api ?language=fa", "/api/speeches?language=fa"),
]


def build(count: int) -> None:
    from datetime import timedelta

    from django.utils import timezone
    from search_speed import build_rows

    from rostra.archive.domain.speech_counts import recount_all
    from rostra.archive.models import Event, Speech, Topic
    from rostra.comments.models import Comment

    Event.objects.all().delete()
    speeches, _, _ = build_rows(count, random.Random(7))
    now = timezone.now()
    for number, speech in enumerate(speeches):
        speech.published_at = now - timedelta(minutes=number)
    Speech.objects.bulk_update(speeches, ["published_at"], batch_size=500)
    wide = Topic.objects.create(event=speeches[0].event, slug=WIDE_TOPIC,
                                name={"en": "Cities and health"})
    wide.speeches.through.objects.bulk_create(
        wide.speeches.through(speech_id=speech.pk, topic_id=wide.pk)
        for speech in speeches[::WIDE_EVERY])
    Comment.objects.bulk_create(
        Comment(speech=speech, name="Reader", body="Thank you for the clear talk.",
                status="approved") for speech in speeches[::5] for _ in range(3))
    # The rows were written in bulk, past the signals that keep the published-speech counts
    # on speakers and topics and the speeches' language rows: rebuild them as
    # `rostra status --recount` does (a tree without the language rows has nothing to rebuild).
    recount_all()
    try:
        from rostra.archive.domain.speech_languages import rebuild_all
    except ImportError:
        return
    rebuild_all()


SCALES = (514, 5140)
CARD = b'<li class="card">'


def use_database(wrapper) -> None:
    """Make ``wrapper`` (one scale's open connection) the default one; forget what caches hold
    (ids repeat between the two databases). Each scale keeps its own connection open, so
    SQLite's page cache stays warm for both, as it does in a server (CONN_MAX_AGE)."""
    from django.core.cache import caches
    from django.db import connections

    setattr(connections._connections, "default", wrapper)
    for cache in caches.all():
        cache.clear()


def connection_to(path: Path):
    """A connection of its own to ``path``. Its settings are a copy: Django's
    ``create_connection`` hands every wrapper the one settings dict, so naming the second file
    there renamed the first too, and the first connection reopened on the 5,140 file once
    CONN_MAX_AGE had passed (60 s, inside a run)."""
    from django.db import connections
    from django.db.utils import load_backend

    settings_dict = dict(connections.settings["default"], NAME=str(path))
    return load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "default")


def render(client, path: str) -> tuple[float, float, bytes]:
    """Wall and CPU seconds (process_time: SQLite runs in this process, so the queries count
    too; on a loaded machine the CPU figure is the one to compare) and the body."""
    started, started_cpu = time.perf_counter(), time.process_time()
    response = client.get(path)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    assert response.status_code == 200, (path, response.status_code)
    return elapsed, cpu, response.content


def measure(client, databases: dict, runs: int) -> dict:
    """{scale: {page: (wall times, CPU times, body)}}, the scales alternating render by
    render."""
    figures = {scale: {} for scale in databases}
    for name, path in PAGES:
        for scale, database in databases.items():  # warm each once
            use_database(database)
            figures[scale][name] = ([], [], render(client, path)[2])
        for _ in range(runs):
            for scale, database in databases.items():
                use_database(database)
                elapsed, cpu, _ = render(client, path)
                figures[scale][name][0].append(elapsed)
                figures[scale][name][1].append(cpu)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--pages", default="",
                        help="comma-separated page names to measure (default: all of them)")
    args = parser.parse_args()
    if args.pages:
        wanted = {name.strip() for name in args.pages.split(",")}
        unknown = wanted - {name for name, _ in PAGES}
        if unknown:
            parser.error(f"unknown pages: {', '.join(sorted(unknown))}")
        PAGES[:] = [(name, path) for name, path in PAGES if name in wanted]
    os.environ["ROSTRA_PAGE_CACHE"] = "false"
    from benchsetup import setup_django

    data_dir = Path(tempfile.mkdtemp(prefix="rostra-archive-pages-"))
    setup_django(str(data_dir))
    import shutil

    from django.db import connections
    from django.test import Client

    first = Path(connections["default"].settings_dict["NAME"])
    connections["default"].close()
    databases = {}
    for scale in SCALES:
        path = data_dir / f"scale-{scale}.sqlite3"
        shutil.copyfile(first, path)  # the migrated, empty schema
        databases[scale] = connection_to(path)
        use_database(databases[scale])
        build(scale)
    load_before = os.getloadavg()[0]
    figures = measure(Client(), databases, args.runs)
    from rostra.archive.models import Speech

    for scale, database in databases.items():  # each connection still reads its own file
        use_database(database)
        assert Speech.objects.count() == scale, (scale, Speech.objects.count())
    print(f"{args.runs} renders per page and scale, interleaved, page cache off; load "
          f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
    for label, column in (("wall clock (perf_counter)", 0), ("CPU (process_time)", 1)):
        print(f"\n{label}, ms")
        print(f"{'page':18} {'p95 514':>8} {'p95 5140':>9} {'ratio':>6} {'p50 514':>8} "
              f"{'p50 5140':>9} {'ratio':>6} {'KB':>9} {'cards':>9}")
        for name, _ in PAGES:
            row = []
            for scale in SCALES:
                times, body = figures[scale][name][column], figures[scale][name][2]
                row.append((statistics.quantiles(times, n=20)[18] * 1000,
                            statistics.median(times) * 1000, len(body), body.count(CARD)))
            (p95_s, p50_s, kb_s, cards_s), (p95_l, p50_l, kb_l, cards_l) = row
            print(f"{name:18} {p95_s:>8.1f} {p95_l:>9.1f} {p95_l / p95_s:>6.2f} {p50_s:>8.1f} "
                  f"{p50_l:>9.1f} {p50_l / p50_s:>6.2f} {kb_s // 1024:>4}/{kb_l // 1024:<4} "
                  f"{cards_s:>4}/{cards_l:<4}")


if __name__ == "__main__":
    main()
