"""What readers are shown of a live job: its lines as events, its status, its WebVTT."""

from __future__ import annotations

from rostra.core.languages import is_rtl
from rostra.live.models import LiveJob, LiveLine
from rostra.pipeline.segmentation import break_lines
from rostra.pipeline.subtitles import SubtitleCue, write_webvtt

STATUS_FIELDS = ("id", "state", "behind", "tentative", "recorded_ms", "recognized_ms",
                 "language")


def line_event(line: LiveLine) -> dict:
    return {"id": line.id, "kind": line.kind, "start_ms": line.start_ms, "end_ms": line.end_ms,
            "text": line.text, "translations": line.translations}


def status_event(row: dict) -> dict:
    return {name: row[name] for name in STATUS_FIELDS if name != "id"}


def lines_after(job_id: int, after_id: int, *, limit: int | None = None) -> list[dict]:
    lines = LiveLine.objects.filter(job_id=job_id, id__gt=after_id).order_by("id")
    return [line_event(line) for line in (lines[:limit] if limit else lines)]


def new_lines_of(last_ids: dict[int, int]) -> dict[int, list[dict]]:
    """The lines each job committed after the id given for it: one query for all jobs."""
    if not last_ids:
        return {}
    found: dict[int, list[dict]] = {job_id: [] for job_id in last_ids}
    rows = LiveLine.objects.filter(job_id__in=list(last_ids),
                                   id__gt=min(last_ids.values())).order_by("id")
    for line in rows:
        if line.id > last_ids[line.job_id]:
            found[line.job_id].append(line_event(line))
    return found


def statuses_of(job_ids) -> dict[int, dict]:
    return {row["id"]: status_event(row)
            for row in LiveJob.objects.filter(id__in=list(job_ids)).values(*STATUS_FIELDS)}


def last_line_id(job_id: int) -> int:
    last = LiveLine.objects.filter(job_id=job_id).order_by("-id").values_list("id", flat=True)
    return last.first() or 0


def live_webvtt(job: LiveJob, language: str) -> str:
    """The job's sentences so far as WebVTT in ``language`` (the spoken text where a
    sentence has no translation into it)."""
    cues = []
    for line in job.lines.filter(kind=LiveLine.Kind.SENTENCE).order_by("id"):
        text = line.translations.get(language) or line.text
        cues.append(SubtitleCue(line.start_ms, max(line.end_ms, line.start_ms + 500),
                                "\n".join(break_lines(text))))
    return write_webvtt(cues, right_to_left=is_rtl(language))
