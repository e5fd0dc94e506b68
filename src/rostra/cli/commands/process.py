"""``rostra process`` and ``rostra worker``: the speech pipeline's commands."""

from __future__ import annotations

import os

from rostra.cli.database import ensure_database
from rostra.cli.output import console, error_console, print_json, progress_bar
from rostra.core.errors import UserError

STATUS_STYLE = {"done": "green", "up-to-date": "dim", "skipped": "yellow", "busy": "cyan",
                "failed": "red"}


def register(subparsers, common):
    process = subparsers.add_parser(
        "process", parents=[common], help="transcribe and translate speeches",
        description="Recognize, cut into subtitles and translate speeches that have a recording. "
                    "Done stages are skipped unless --force.")
    process.add_argument("speeches", nargs="*", metavar="SPEECH",
                         help="speech slugs (default: every speech with a recording)")
    process.add_argument("--stages", default="", metavar="LIST",
                         help="comma separated: asr, translate or translate:LANG (default: all)")
    process.add_argument("--force", action="store_true", help="redo stages that are done")
    process.add_argument("--workers", type=int, default=1, metavar="N",
                         help="worker processes on this machine (default 1)")
    process.add_argument("--local", action="store_true",
                         help="process here even when ROSTRA_BROKER_URL is set")
    process.add_argument("--json", action="store_true", help="print the outcomes as JSON")
    process.set_defaults(handler=run_process)

    worker = subparsers.add_parser(
        "worker", parents=[common], help="run a Celery worker (many machines)",
        description="Process queued stages from ROSTRA_BROKER_URL. Queues: asr, translate, "
                    "media, default.")
    worker.add_argument("--queues", default="asr,translate,media,default", metavar="Q,...",
                        help="queues to take work from (default: all)")
    worker.add_argument("--concurrency", type=int, default=1, metavar="N",
                        help="worker processes; each loads its own model (default 1)")
    worker.set_defaults(handler=run_worker)


# --- rostra process -------------------------------------------------------------------------

def parse_stages(raw: str) -> list[str] | None:
    from django.conf import settings

    stages = [item.strip() for item in raw.split(",") if item.strip()]
    for stage in stages:
        language = stage.partition(":")[2]
        if stage in ("asr", "translate", "interpret", "renditions"):
            continue
        if stage.startswith("translate:") and language in settings.ROSTRA_LANGUAGES:
            continue
        if stage.startswith("interpret:") and language:
            continue
        raise UserError(f"--stages: unknown stage {stage!r}; use asr, interpret, translate, "
                        "renditions, interpret:LANG or translate:LANG with LANG one of "
                        f"{', '.join(settings.ROSTRA_LANGUAGES)}")
    return stages or None


def select_speeches(slugs: list[str]):
    from rostra.archive.models import Speech

    if not slugs:
        speeches = list(Speech.objects.filter(media__isnull=False)
                        .exclude(state=Speech.State.WITHDRAWN).select_related("media"))
        if not speeches:
            raise UserError("no speech has a recording yet; add some with `rostra media add`")
        return speeches
    found = {speech.slug: speech
             for speech in Speech.objects.filter(slug__in=slugs).select_related("media")}
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        raise UserError(f"no speech with the slug {missing[0]!r}; see `rostra status` for slugs")
    without_media = [slug for slug in slugs if found[slug].media_id is None]
    if without_media:
        raise UserError(f"speech {without_media[0]!r} has no recording; attach one with "
                        f"`rostra media add FILE --speech {without_media[0]}`")
    return [found[slug] for slug in slugs]


def run_process(args) -> int:
    from django.conf import settings

    ensure_database()
    if args.workers < 1:
        raise UserError("--workers must be at least 1")
    stages = parse_stages(args.stages)
    speeches = select_speeches(args.speeches)
    if settings.ROSTRA_BROKER_URL and not args.local:
        return queue_on_broker(speeches, stages=stages, force=args.force)
    return process_locally(speeches, stages=stages, force=args.force, workers=args.workers,
                           as_json=args.json)


def queue_on_broker(speeches, *, stages, force) -> int:
    from django.db import transaction
    from kombu.exceptions import OperationalError as BrokerError

    from rostra.processing.tasks import enqueue_speech

    try:
        with transaction.atomic():
            queued = sum(len(enqueue_speech(speech, stages=stages, force=force))
                         for speech in speeches)
    except BrokerError as exc:
        raise UserError(f"cannot reach the broker in ROSTRA_BROKER_URL ({exc}); start it, or "
                        "process here with --local") from None
    console.print(f"queued {queued} stage(s) of {len(speeches)} speech(es); "
                  "`rostra worker` processes pick them up")
    return 0


def process_locally(speeches, *, stages, force, workers, as_json) -> int:
    from rostra.processing.runner import SpeechJob, run_jobs
    from rostra.processing.translation import translation_status_line

    if not as_json:
        console.print(translation_status_line(), markup=False)

    # Progress counts seconds of audio, so the overall ETA weighs long speeches fairly.
    jobs = [SpeechJob(speech.pk, speech.slug, max(1, round((speech.media.duration_ms or 60_000)
                                                           / 1000)) if speech.media else 1)
            for speech in speeches]
    by_id = {job.speech_id: job for job in jobs}
    total_s = sum(job.audio_s for job in jobs) or 1
    with progress_bar() as progress:
        overall = progress.add_task("all speeches (s of audio)", total=total_s)
        tasks, done_s = {}, {}

        def on_event(kind, speech_id, payload):
            job = by_id[speech_id]
            if kind == "start":
                tasks[speech_id] = progress.add_task(f"  {job.slug}", total=job.audio_s or 1)
            elif kind == "progress" and speech_id in tasks:
                progress.update(tasks[speech_id], completed=payload * job.audio_s)
                done_s[speech_id] = payload * job.audio_s
                progress.update(overall, completed=sum(done_s.values()))
            elif kind == "done":
                done_s[speech_id] = job.audio_s
                progress.update(overall, completed=sum(done_s.values()))
                if speech_id in tasks:
                    progress.remove_task(tasks.pop(speech_id))
                if not as_json:
                    console.print(_outcome_line(job.slug, payload), markup=True,
                                           highlight=False)

        results = run_jobs(jobs, stages=stages, force=force, workers=workers, on_event=on_event)
    failed = [speech_id for speech_id, outcomes in results.items()
              if any(outcome.status == "failed" for outcome in outcomes)]
    if as_json:
        print_json({by_id[speech_id].slug: [
            {"stage": o.stage, "status": o.status, "message": o.message, "detail": o.detail}
            for o in outcomes] for speech_id, outcomes in results.items()})
    elif failed:
        error_console.print(f"{len(failed)} of {len(jobs)} speeches failed; the reasons are "
                            "above and on each speech", markup=False)
    return 1 if failed else 0


def _outcome_line(slug: str, outcomes) -> str:
    from rich.markup import escape

    parts = []
    for outcome in outcomes:
        style = STATUS_STYLE.get(outcome.status, "")
        text = f"{outcome.stage} {outcome.status}"
        detail = outcome.detail or {}
        if outcome.stage == "asr" and outcome.status == "done":
            text += f" ({detail.get('cues', 0)} cues, {detail.get('language', '?')}"
            if detail.get("real_time_factor"):
                text += f", {detail['real_time_factor']:.2f}× real time"
            text += ")"
        if outcome.message and outcome.status != "up-to-date":
            text += f": {outcome.message}"
        parts.append(f"[{style}]{escape(text)}[/{style}]" if style else escape(text))
    return f"{escape(slug)}: " + "; ".join(parts)


# --- rostra worker ------------------------------------------------------------------------

def run_worker(args) -> int:
    from rostra.celery_app import QUEUES, app
    from django.conf import settings

    if not settings.ROSTRA_BROKER_URL:
        raise UserError("`rostra worker` needs ROSTRA_BROKER_URL (e.g. redis://host:6379/0); "
                        "on one machine use `rostra process` or `rostra serve` instead")
    queues = [name.strip() for name in args.queues.split(",") if name.strip()]
    unknown = [name for name in queues if name not in QUEUES]
    if unknown or not queues:
        raise UserError(f"--queues: unknown queue {unknown[0] if unknown else ''!r}; "
                        f"use {', '.join(QUEUES)}")
    if args.concurrency < 1:
        raise UserError("--concurrency must be at least 1")
    ensure_database()
    app.worker_main(["worker", "--queues", ",".join(queues), "--concurrency",
                     str(args.concurrency), "--loglevel", "INFO",
                     "--hostname", f"rostra-{'-'.join(queues)}-{os.getpid()}@%h"])
    return 0
