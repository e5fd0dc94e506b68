"""Server-side rendering time of a long speech page: 500 segments in each of 3 languages.

    python bench/speech_page_benchmark.py [--runs 200]

Builds a throwaway archive in a temporary data dir (SQLite), then requests the speech page
through Django's full stack (middleware, i18n, templates) and prints p50/p95 in milliseconds for:

* ``optimized``: what the site does (segments as ``values_list`` rows rendered to one string,
  rostra.public.transcript_view);
* ``baseline``: the same page with the transcript rendered the default Django way: model
  instances looped over in a template with filters (what the page would be without the
  optimization).

Both in a single-language view and a side-by-side view (original + translation).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

SEGMENTS = 500
LANGUAGES = ("fa", "ar", "en")
WORDS = {
    "fa": "شهرهای هوشمند برای همه ساکنان ساخته می‌شوند و آب و انرژی را بهتر مدیریت می‌کنند",
    "ar": "تُبنى المدن الذكية لجميع سكانها وتدير الماء والطاقة بشكل أفضل",
    "en": "Smart cities are built for all their residents and manage water and energy better",
}

BASELINE_TEMPLATE = "".join([
    '{% load rostra_public %}{% for segment in segments %}',
    '<li class="segment" id="seg-{{ forloop.counter0 }}" data-start="{{ segment.start_ms }}" ',
    'data-end="{{ segment.end_ms }}">',
    '<a class="segment-time" href="?{{ base }}t={{ segment.second }}" dir="ltr">',
    '{{ segment.start_ms|clock }}</a>',
    '<span class="segment-text">{{ segment.text }}</span>',
    '{% if segment.paired is not None %}<span class="segment-paired" ',
    'lang="{{ paired_language }}">{{ segment.paired }}</span>{% endif %}</li>{% endfor %}',
])


def setup_django(data_dir: Path) -> None:
    os.environ["ROSTRA_DATA_DIR"] = str(data_dir)
    os.environ["ROSTRA_EMBEDDINGS"] = "none"  # indexing is not what is measured here
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rostra.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_speech():
    import datetime as dt

    from rostra.archive.domain.publishing import publish_speech
    from rostra.archive.models import Event, Speaker, Speech, SpeechSpeaker, Topic
    from rostra.comments.domain import moderate_comment, post_comment
    from rostra.transcripts.domain import SegmentData, save_transcript

    event = Event.objects.create(slug="bench", name={"en": "Benchmark forum"},
                                 timezone="Asia/Tehran")
    speech = Speech.objects.create(event=event, slug="long-speech",
                                   title={"en": "A long speech", "fa": "سخنرانی بلند"},
                                   original_language="fa",
                                   starts_at=dt.datetime(2026, 5, 4, 6, tzinfo=dt.UTC))
    topic = Topic.objects.create(event=event, slug="cities", name={"en": "Cities"})
    speech.topics.set([topic])
    speaker = Speaker.objects.create(event=event, slug="speaker", names={"en": "A Speaker"})
    SpeechSpeaker.objects.create(speech=speech, speaker=speaker)
    original = None
    for language in LANGUAGES:
        rows = [SegmentData(index * 4000, index * 4000 + 3800, f"{WORDS[language]} {index}")
                for index in range(SEGMENTS)]
        transcript = save_transcript(speech=speech, language=language,
                                     origin="human" if language == "fa" else "mt",
                                     segments=rows, source=None if language == "fa" else original,
                                     engine="" if language == "fa" else "ctranslate2")
        original = original or transcript
    publish_speech(speech, languages=list(LANGUAGES))
    for index in range(20):
        comment = post_comment(speech=speech, name=f"Reader {index}", body="Thank you " * 10,
                               ip_address=f"10.0.0.{index}")
        moderate_comment(comment=comment, status="approved")
    return speech


def baseline_transcript_html():
    """transcript_html done the default Django way: model instances looped over in a template,
    no cache (what the page would cost without rostra.public.transcript_view's work)."""
    from urllib.parse import urlencode

    from django.template import Context, Engine
    from django.utils.safestring import mark_safe

    from rostra.public.transcript_view import align
    from rostra.transcripts.models import Segment

    template = Engine.get_default().from_string(BASELINE_TEMPLATE)

    def transcript_html(transcript, *, query, paired=None, digits="latn"):
        rows = list(Segment.objects.filter(transcript=transcript).order_by("position"))
        aligned = None
        if paired is not None:
            others = list(Segment.objects.filter(transcript=paired).order_by("position"))
            aligned = align([(s.start_ms, s.end_ms, s.text) for s in rows],
                            [(s.start_ms, s.end_ms, s.text) for s in others])
        for position, segment in enumerate(rows):
            segment.second = segment.start_ms // 1000
            segment.paired = None if aligned is None else aligned[position]
        html = template.render(Context({
            "segments": rows, "base": urlencode(query) + "&",
            "paired_language": paired.language if paired is not None else ""}))
        return mark_safe(html), len(rows)

    return transcript_html


def measure(client, url: str, runs: int, *, cold: bool = False) -> list[float]:
    from django.core.cache import cache

    for _ in range(5):  # warm the template loaders and translation catalogs
        assert client.get(url).status_code == 200
    timings = []
    for _ in range(runs):
        if cold:
            cache.clear()  # as after a transcript changed: nothing rendered yet
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return timings


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rostra-bench-") as folder:
        setup_django(Path(folder))
        from django.test import Client
        from django.test.utils import setup_test_environment

        from rostra.public.views import speech as speech_view

        setup_test_environment()
        build_speech()
        client = Client()
        pages = {"single language (fa)": "/fa/speeches/long-speech/",
                 "side by side (fa + en)": "/en/speeches/long-speech/?tl=fa&with=en"}
        size = len(client.get(pages["single language (fa)"]).content)
        columns = {}
        columns["optimized, cold"] = {name: measure(client, url, args.runs, cold=True)
                                      for name, url in pages.items()}
        columns["optimized, cached"] = {name: measure(client, url, args.runs)
                                        for name, url in pages.items()}
        saved = speech_view.transcript_html
        speech_view.transcript_html = baseline_transcript_html()
        baseline_size = len(client.get(pages["single language (fa)"]).content)
        columns["baseline"] = {name: measure(client, url, args.runs) for name, url in pages.items()}
        speech_view.transcript_html = saved
        print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"speech page, {SEGMENTS} segments x {len(LANGUAGES)} languages, 20 comments, "
              f"{args.runs} requests per cell; page {size // 1024} KiB "
              f"(baseline {baseline_size // 1024} KiB); p50 / p95 in ms")
        print(f"{'view':<24}" + "".join(f"{title:>22}" for title in columns)
              + f"{'baseline/cold p95':>19}")
        for name in pages:
            cells = "".join(
                f"{statistics.median(c[name]):>12.1f} / {percentile(c[name], 0.95):>6.1f}"
                for c in columns.values())
            ratio = percentile(columns["baseline"][name], 0.95) / \
                percentile(columns["optimized, cold"][name], 0.95)
            print(f"{name:<24}{cells}{ratio:>18.1f}x")


if __name__ == "__main__":
    main()
