"""The media stages of a speech: ``renditions`` (web versions, on the ``media`` queue) and
``interpret:<lang>`` (recognition of an interpreter's track, on the ``asr`` queue).

Neither waits for recognition of the floor: the web versions need only the recording, and an
interpreter's track is recognized in its own language. Both follow the rules of every stage
(rostra.processing.domain): a fingerprint of input + options, a claim, results written whole.
"""

from __future__ import annotations

import dataclasses

from django.conf import settings
from django.db import transaction

from rostra.archive.models import Speech
from rostra.pipeline.types import MediaError

STAGE_RENDITIONS = "renditions"
INTERPRET_PREFIX = "interpret:"


def is_media_stage(stage: str) -> bool:
    return stage == STAGE_RENDITIONS or stage.startswith(INTERPRET_PREFIX)


def planned_media_stages(speech: Speech) -> tuple[list[str], list[str]]:
    """(interpretation stages, rendition stages) of ``speech``, each possibly empty."""
    if speech.media_id is None:
        return [], []
    interpret = [f"{INTERPRET_PREFIX}{language}" for language in
                 speech.audio_tracks.filter(interpretation=True).order_by("language")
                 .values_list("language", flat=True)]
    renditions = [STAGE_RENDITIONS] if settings.ROSTRA_RENDITIONS else []
    return interpret, renditions


def describe_stage(stage: str) -> str:
    """The stage in an editor's words, for failure messages."""
    from rostra.processing.domain import language_name

    if stage == STAGE_RENDITIONS:
        return "making the web versions of the recording"
    return f"recognition of the {language_name(stage.removeprefix(INTERPRET_PREFIX))} " \
           "interpretation"


def media_stage_fingerprint(speech: Speech, stage: str) -> tuple[str, str]:
    """(fingerprint, reason it cannot run), as rostra.processing.domain.stage_fingerprint."""
    from rostra.media.domain.renditions import rendition_options, renditions_fingerprint
    from rostra.processing.domain import fingerprint_of
    from rostra.processing.engines import asr_engine

    if speech.media_id is None:
        return "", "no recording is attached to this speech"
    if stage == STAGE_RENDITIONS:
        return fingerprint_of({"stage": stage,
                               "input": renditions_fingerprint(speech, rendition_options())}), ""
    track = _track(speech, stage)
    if track is None:
        return "", "the speech has no interpreter's track in this language"
    parts = asr_engine().fingerprint_parts(interpretation_options(speech, track.language))
    return fingerprint_of({"stage": stage, "input": track.asset.sha256, **parts}), ""


def interpretation_options(speech: Speech, language: str):
    from rostra.processing.engines import asr_options_for

    return dataclasses.replace(asr_options_for(speech), language=language)


def _track(speech: Speech, stage: str):
    language = stage.removeprefix(INTERPRET_PREFIX)
    return speech.audio_tracks.select_related("asset").filter(
        language=language, interpretation=True).first()


def run_media_stage(speech: Speech, run, on_progress, finish):
    """Do the work of a media stage; ``finish(status=, fingerprint=, message=, detail=)``
    records the run's end (rostra.processing.domain._finish)."""
    from rostra.processing.models import StageRun

    fingerprint, reason = media_stage_fingerprint(speech, run.stage)
    if reason:
        return finish(status=StageRun.Status.SKIPPED, fingerprint="", message=reason)
    if run.stage == STAGE_RENDITIONS:
        return _run_renditions(speech, run, fingerprint, on_progress, finish)
    return _run_interpretation(speech, run, fingerprint, on_progress, finish)


def _run_renditions(speech, run, fingerprint, on_progress, finish):
    from rostra.media.domain.renditions import make_speech_renditions
    from rostra.processing.models import StageRun

    outcomes = make_speech_renditions(
        speech, on_progress=(lambda fraction: on_progress(run.stage, fraction))
        if on_progress else None)
    detail = {"renditions": [dataclasses.asdict(outcome) for outcome in outcomes]}
    return finish(status=StageRun.Status.DONE, fingerprint=fingerprint, detail=detail)


def _run_interpretation(speech, run, fingerprint, on_progress, finish):
    from rostra.core.storage import media_file
    from rostra.pipeline.segmentation import cues_from_segments
    from rostra.processing.engines import asr_engine
    from rostra.processing.models import StageRun
    from rostra.transcripts.domain import SegmentData, has_editor_work, save_transcript
    from rostra.transcripts.models import Transcript

    track = _track(speech, run.stage)
    existing = speech.transcripts.filter(origin=Transcript.Origin.INTERPRETATION,
                                         language=track.language).first()
    if existing and has_editor_work(existing):
        return finish(status=StageRun.Status.SKIPPED, fingerprint=fingerprint,
                      message="an editor has reviewed the interpretation transcript; it is kept")
    path = media_file(track.asset.path)
    try:
        result = asr_engine().transcribe_file(
            path, options=interpretation_options(speech, track.language),
            on_progress=(lambda fraction: on_progress(run.stage, fraction))
            if on_progress else None)
    except MediaError as exc:
        raise MediaError(str(exc).replace(path.name, track.asset.original_name or path.name)) \
            from None
    cues = cues_from_segments(result.segments)
    with transaction.atomic():
        save_transcript(
            speech=speech, language=track.language, origin=Transcript.Origin.INTERPRETATION,
            segments=[SegmentData(cue.start_ms, cue.end_ms, cue.text,
                                  [word.as_row() for word in cue.words]) for cue in cues],
            engine=result.engine, model=result.model, engine_version=result.engine_version,
            options={**result.options, "device": result.device,
                     "compute_type": result.compute_type, "audio_track": track.source_track},
            fingerprint=fingerprint, flags=result.flags)
        # The speech's state follows the floor's recognition; an interpreter's track only
        # adds a language.
        return finish(status=StageRun.Status.DONE, fingerprint=fingerprint,
                      detail={"audio_ms": result.duration_ms, "cues": len(cues),
                              "seconds": result.processing_seconds,
                              "language": track.language})
