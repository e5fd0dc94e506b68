"""Public pages at archive scale: p95 at 514 and at 5,140 speeches, side by side.

    python bench/archive_pages_benchmark.py [--runs 15]

The archive comes from the search benchmark's generator (bench/search_speed.build_rows: published
speeches with topics, speakers from ten countries, sessions, transcript rows), plus publication
dates and approved comments. Pages are rendered in-process through Django's test client with the
page cache off (ROSTRA_PAGE_CACHE=false), so each figure is a full render. The goal: every
page's p95 at 5,140 within 1.5x of its p95 at 514.
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

PAGES = [
    ("home", "/en/"),
    ("program", "/en/program/"),
    ("program page 2", "/en/program/?page=2"),
    ("speakers", "/en/speakers/"),
    ("country IR", "/en/browse/IR/"),
    ("topic", "/en/topics/topic-3/"),
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

    from rostra.archive.models import Event, Speech
    from rostra.comments.models import Comment

    Event.objects.all().delete()
    speeches, _, _ = build_rows(count, random.Random(7))
    now = timezone.now()
    for number, speech in enumerate(speeches):
        speech.published_at = now - timedelta(minutes=number)
    Speech.objects.bulk_update(speeches, ["published_at"], batch_size=500)
    Comment.objects.bulk_create(
        Comment(speech=speech, name="Reader", body="Thank you for the clear talk.",
                status="approved") for speech in speeches[::5] for _ in range(3))


def p95(client, path: str, runs: int) -> tuple[float, int]:
    client.get(path)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - started)
    assert response.status_code == 200, (path, response.status_code)
    return statistics.quantiles(times, n=20)[18] * 1000, len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    os.environ["ROSTRA_PAGE_CACHE"] = "false"
    from benchsetup import setup_django

    setup_django(tempfile.mkdtemp(prefix="rostra-archive-pages-"))
    from django.test import Client

    client = Client()
    figures = {}
    for count in (514, 5140):
        build(count)
        figures[count] = {name: p95(client, path, args.runs) for name, path in PAGES}
    print(f"p95 over {args.runs} renders, page cache off; load {os.getloadavg()[0]:.1f}")
    print(f"{'page':18} {'514 ms':>8} {'5,140 ms':>9} {'ratio':>6} {'KB @514':>8} {'KB @5140':>9}")
    for name, _ in PAGES:
        small, large = figures[514][name], figures[5140][name]
        print(f"{name:18} {small[0]:>8.1f} {large[0]:>9.1f} {large[0] / small[0]:>6.2f} "
              f"{small[1] / 1024:>8.0f} {large[1] / 1024:>9.0f}")


if __name__ == "__main__":
    main()
