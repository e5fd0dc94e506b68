"""Build the bundled demo conference into the current data directory.

Uses the same domain functions an organizer's commands use: the program import, media ingest,
subtitle import, speech recognition with the bundled model, approval and publishing. Running
it again changes nothing that is already in place (every step is idempotent).
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from rostra.core.errors import UserError

DEMO_DIR = Path(__file__).resolve().parent
MANIFEST = DEMO_DIR / "manifest.json"

# Left in "needs review" so an editor can take it to published in the review screens.
LEFT_FOR_REVIEW = "sleep-and-health"

Report = Callable[[str], None]


@dataclass
class DemoResult:
    event_slug: str
    admin_username: str
    admin_password: str | None
    published: list[str] = field(default_factory=list)
    needs_review: list[str] = field(default_factory=list)
    word_error_rates: dict[str, float] = field(default_factory=dict)


def load_manifest() -> dict:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def build_demo(*, report: Report = print, recognize: bool = True) -> DemoResult:
    """Build (or bring up to date) the demo archive in the configured data directory.

    Side effects: migrations; the admin account (its password is set anew and returned, as
    the demo's login); the demo event, speeches, media, human transcripts and translations;
    machine transcripts of the English speeches (bundled Whisper base); approvals and
    publication by the admin, recorded in the audit log. Refuses a data directory that holds
    another archive, so a real archive is never mixed with demo content.
    """
    from django.contrib.auth import get_user_model

    from rostra.archive.domain.media import add_media_file
    from rostra.archive.domain.program_import import import_program
    from rostra.archive.models import Event, Speech
    from rostra.cli.commands.init import ensure_admin
    from rostra.cli.database import ensure_database

    manifest = load_manifest()
    ensure_database()
    others = Event.objects.exclude(slug=manifest["event"])
    if others.exists():
        raise UserError(f"this data directory already holds another archive "
                        f"({others.first().slug}); run `rostra demo --data-dir DIR` with a new "
                        "folder")
    password = secrets.token_urlsafe(9)
    ensure_admin("admin", password)
    admin = get_user_model().objects.get(username="admin")

    counts = import_program(DEMO_DIR / manifest["program"]).counts["speeches"]
    report(f"program: {counts.created + counts.updated + counts.unchanged} speeches "
           f"({counts.created} new)")
    speeches = {speech.slug: speech
                for speech in Speech.objects.filter(event__slug=manifest["event"])}
    result = DemoResult(event_slug=manifest["event"], admin_username="admin",
                        admin_password=password)
    for entry in manifest["speeches"]:
        speech = speeches[entry["slug"]]
        add_media_file(DEMO_DIR / entry["media"]["file"], speech=speech)
        _import_human_subtitles(speech, entry)
    report(f"media and human transcripts: {len(manifest['speeches'])} speeches")

    for entry in manifest["speeches"]:
        speech = Speech.objects.get(slug=entry["slug"])
        if entry["subtitles"][entry["language"]]["origin"] == "original" and recognize \
                and not _has_human_original(speech, entry):
            rate = _recognize(speech, entry, report)
            if rate is not None:
                result.word_error_rates[speech.slug] = rate
        _approve_and_publish(speech, entry, admin, result)
    return result


def _has_human_original(speech, entry) -> bool:
    return speech.transcripts.filter(language=entry["language"], origin="human").exists()


def _import_human_subtitles(speech, entry) -> None:
    """Human work goes in as human transcripts; English originals are left to recognition."""
    from rostra.transcripts.models import Transcript
    from rostra.transcripts.subtitle_import import import_subtitles

    for language, subtitle in entry["subtitles"].items():
        if language == "en" and subtitle["origin"] == "original":
            continue  # the demo shows speech recognition on the English speeches
        path = DEMO_DIR / subtitle["file"]
        existing = Transcript.objects.filter(speech=speech, language=language,
                                             origin=Transcript.Origin.HUMAN).first()
        if existing is None or existing.options.get("file") != path.name:
            import_subtitles(speech=speech, language=language, path=path)


def _recognize(speech, entry, report: Report) -> float | None:
    from rostra.processing.domain import STAGE_ASR
    from rostra.processing.in_process import process_speech
    from rostra.processing.models import StageRun
    from rostra.transcripts.models import Transcript

    done = StageRun.objects.filter(speech=speech, stage=STAGE_ASR,
                                   status=StageRun.Status.DONE).exists()
    if not done:
        report(f"recognizing {speech.slug} with the bundled Whisper model …")
    outcomes = process_speech(speech, stages=["asr"])
    failed = [outcome for outcome in outcomes if outcome.status == "failed"]
    if failed:
        raise UserError(f"speech recognition of the demo speech {speech.slug} failed: "
                        f"{failed[0].message}")
    transcript = Transcript.objects.filter(speech=speech, language=entry["language"],
                                           origin=Transcript.Origin.ASR).first()
    if transcript is None:
        return None
    hypothesis = " ".join(transcript.segments.values_list("text", flat=True))
    reference = _vtt_text(DEMO_DIR / entry["subtitles"][entry["language"]]["file"])
    rate = word_error_rate(reference, hypothesis)
    report(f"  {speech.slug}: word error rate {rate:.1%} against the reference transcript")
    return rate


def _approve_and_publish(speech, entry, admin, result: DemoResult) -> None:
    from rostra.archive.models import Speech
    from rostra.review.domain.publishing import approve_language, publish
    from rostra.transcripts.reading import preferred_transcript
    from rostra.transcripts.models import Transcript

    speech.refresh_from_db()
    languages = [code for code in ("fa", "ar", "en") if preferred_transcript(speech, code)]
    if speech.slug == LEFT_FOR_REVIEW:
        if speech.state in (Speech.State.RECORDED, Speech.State.SCHEDULED):
            from rostra.archive.domain.states import set_speech_state

            set_speech_state(speech, Speech.State.NEEDS_REVIEW)
        result.needs_review.append(speech.slug)
        return
    for language in languages:
        if preferred_transcript(speech, language).origin == Transcript.Origin.HUMAN:
            approve_language(speech, language, user=admin, via="demo")
    # The English speeches' transcripts are machine output: published, and labeled so.
    publish(speech, user=admin, languages=languages, allow_machine=True, via="demo")
    result.published.append(speech.slug)


def _vtt_text(path: Path) -> str:
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or "-->" in line or line.startswith("WEBVTT") or line.isdigit():
            continue
        lines.append(line)
    return " ".join(lines)


def _words(text: str) -> list[str]:
    return re.sub(r"[^\w\s']", " ", text.lower()).split()


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word-level edit distance over reference length, lowercase, punctuation removed."""
    ref, hyp = _words(reference), _words(hypothesis)
    previous = list(range(len(hyp) + 1))
    for i, ref_word in enumerate(ref, 1):
        current = [i] + [0] * len(hyp)
        for j, hyp_word in enumerate(hyp, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1,
                             previous[j - 1] + (ref_word != hyp_word))
        previous = current
    return previous[-1] / max(1, len(ref))
