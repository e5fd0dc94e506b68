"""Benchmark: export and restore of a conference-sized archive, and the review queue page.

    python bench/review_bundle.py [--speeches 514] [--segments 40]

Builds a synthetic archive in a temporary data dir (SQLite): N speeches, each with a
transcript in fa, ar and en of S segments (no recordings: media copying is disk speed).
Measures `rostra export` (export_archive) and `rostra import-archive` (restore_archive,
without the search reindex) against Django's own dumpdata/loaddata of the same tables as the
baseline, and the review queue page (time and query count). Prints the figures.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--speeches", type=int, default=514)
    parser.add_argument("--segments", type=int, default=40)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="rostra-bench-"))
    os.environ["ROSTRA_DATA_DIR"] = str(root / "data")
    os.environ.pop("ROSTRA_DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "rostra.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    try:
        figures = run(root, args.speeches, args.segments)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    for name, value in figures:
        print(f"{name:<44} {value}")
    return 0


def build(speeches: int, segments: int) -> None:
    from rostra.archive.models import Event, Speech
    from rostra.transcripts.models import Segment, Transcript

    event = Event.objects.create(slug="bench", name={"en": "Bench"})
    rows = Speech.objects.bulk_create(
        Speech(event=event, slug=f"talk-{n:04d}", title={"en": f"Talk {n}", "fa": f"سخنرانی {n}"},
               original_language="fa", state=Speech.State.NEEDS_REVIEW)
        for n in range(speeches))
    texts = {"fa": "شهرهای هوشمند انرژی کمتری مصرف می‌کنند و داده‌ها کمک می‌کنند",
             "ar": "المدن الذكية تستهلك طاقة أقل والبيانات تساعد التخطيط",
             "en": "Smart cities use less energy and data helps planning"}
    for speech in rows:
        transcripts = Transcript.objects.bulk_create(
            Transcript(speech=speech, language=code, origin="asr" if code == "fa" else "mt",
                       status="done", engine="bench") for code in ("fa", "ar", "en"))
        Segment.objects.bulk_create(
            Segment(transcript=t, position=i, start_ms=i * 3000, end_ms=i * 3000 + 2900,
                    text=f"{texts[t.language]} {i}")
            for t in transcripts for i in range(segments))


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def wipe() -> None:
    from rostra.archive.models import Event, MediaAsset

    Event.objects.all().delete()
    MediaAsset.objects.all().delete()


def run(root: Path, speeches: int, segments: int) -> list[tuple[str, str]]:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from rostra.portability.export import export_archive
    from rostra.portability.restore import restore_archive
    from rostra.staff.roles import ensure_role_groups

    build(speeches, segments)
    figures = [("speeches / segments", f"{speeches} / {speeches * 3 * segments}")]
    export_s = timed(lambda: export_archive(root / "bundle"))
    size = sum(p.stat().st_size for p in (root / "bundle").rglob("*") if p.is_file())
    dump = root / "dump.json"
    dump_s = timed(lambda: call_command("dumpdata", "archive", "transcripts",
                                        output=str(dump), verbosity=0))
    wipe()
    restore_s = timed(lambda: restore_archive(root / "bundle", reindex=False))
    wipe()
    load_s = timed(lambda: call_command("loaddata", str(dump), verbosity=0,
                                        stdout=io.StringIO()))
    figures += [
        ("export (rostra export) s", f"{export_s:.2f}"),
        ("baseline dumpdata archive+transcripts s", f"{dump_s:.2f}"),
        ("export / dumpdata", f"{export_s / dump_s:.2f}x"),
        ("restore (import-archive, no reindex) s", f"{restore_s:.2f}"),
        ("baseline loaddata s", f"{load_s:.2f}"),
        ("restore / loaddata", f"{restore_s / load_s:.2f}x"),
        ("bundle size MB (incl. WebVTT)", f"{size / 1e6:.1f}"),
        ("dumpdata size MB", f"{dump.stat().st_size / 1e6:.1f}"),
    ]
    from django.contrib.auth.models import Group, User

    setup_test_environment()
    ensure_role_groups()
    editor = User.objects.create_user("editor_bench", password="x" * 20)
    editor.groups.add(Group.objects.get(name="editor"))
    client = Client()
    client.force_login(editor)
    client.get("/en/review/queue/")
    with CaptureQueriesContext(connection) as queries:
        queue_s = timed(lambda: client.get("/en/review/queue/"))
    figures += [("review queue page (50 of all) ms", f"{queue_s * 1000:.0f}"),
                ("review queue page queries", str(len(queries.captured_queries)))]
    return figures


if __name__ == "__main__":
    sys.exit(main())
