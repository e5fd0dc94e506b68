"""Re-translating the stale segments of a machine translation with the configured engine."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_noop

from rostra.core.errors import UserError
from rostra.review.domain.editing import current_segments, require_edit_right
from rostra.review.domain.revisions import ensure_base_revision, record_revision
from rostra.staff import audit
from rostra.transcripts.domain import SegmentData, replace_segments
from rostra.transcripts.models import Transcript


def configured_engine() -> str:
    """ROSTRA_MT_ENGINE: which translation engine this deployment runs."""
    return settings.ROSTRA_MT_ENGINE


def retranslation_refusal() -> UserError | None:
    """None when machine translation can run here, else why not (translatable: editors
    read it on the review pages in their language)."""
    if configured_engine() == "none":
        return UserError(gettext_noop(
            "machine translation is off: no translation engine is configured "
            "(ROSTRA_MT_ENGINE=none); write or edit the texts by hand, or ask an admin to "
            "configure one"), params={})
    from rostra.pipeline.mt.selection import SWITCH_ON_COMMAND
    from rostra.processing.translation import translation_choice

    if not translation_choice().on:
        return UserError(gettext_noop(
            "machine translation is off: no translation model is installed; write or edit "
            "the texts by hand, or ask an admin to install one (%(command)s)"),
            params={"command": SWITCH_ON_COMMAND})
    return None


def retranslation_available() -> str | None:
    """None when stale segments can be re-translated here, else the reason in the active
    language (for the review pages)."""
    refusal = retranslation_refusal()
    return refusal.translated() if refusal is not None else None


def retranslate_stale(translation: Transcript, *, user, via: str = "web") -> Transcript:
    """Replace the stale segments of ``translation`` with a fresh machine translation.

    Segments that are not stale (including hand edits) are kept. Side effects: the engine
    translates the source (rostra.processing.translation.translate_transcript, which saves a
    machine transcript); then the kept and fresh segments are written as one new revision;
    an audit entry. Raises UserError when no engine is configured or nothing is stale.
    """
    require_edit_right(user, translation)
    if translation.source_id is None:
        raise UserError(gettext_noop("%(transcript)s is not a translation; there is nothing "
                                     "to re-translate"), params={"transcript": str(translation)})
    refusal = retranslation_refusal()
    if refusal is not None:
        raise refusal
    old = current_segments(translation)
    stale = [s for s in old if s.stale]
    if not stale:
        raise UserError(gettext_noop("%(transcript)s has no stale segments"),
                        params={"transcript": str(translation)})
    ensure_base_revision(translation)
    base_revision, flags = translation.revision, list(translation.flags)
    from rostra.processing.translation import translate_transcript

    from rostra.pipeline.mt.base import TemporaryTranslationError, TranslationError

    try:
        # The edits are in ``old`` and in the revision history; they are merged back below.
        fresh_transcript = translate_transcript(translation.source, translation.language,
                                                replace_editor_work=True)
    except TemporaryTranslationError as exc:
        raise UserError(gettext_noop("the translation engine is unavailable right now "
                                     "(%(error)s); try again later, or edit the stale "
                                     "segments by hand"), params={"error": str(exc)}) from None
    except TranslationError as exc:
        raise UserError(gettext_noop("the translation engine cannot do this: %(error)s; edit "
                                     "the stale segments by hand"),
                        params={"error": str(exc)}) from None
    if fresh_transcript is None:
        raise UserError(gettext_noop("the translation engine gave nothing for "
                                     "%(transcript)s; edit the stale segments by hand"),
                        params={"transcript": str(translation)})
    fresh = current_segments(fresh_transcript)
    merged = merge_fresh(old, fresh)
    with transaction.atomic():
        target = Transcript.objects.get(pk=translation.pk)
        saved = replace_segments(target, segments=merged, flags=flags)
        record_revision(saved, user=user, note=f"re-translated {len(stale)} stale segment(s)")
        audit.record(user=user, action="transcript.retranslate", obj=saved, via=via,
                     before={"revision": base_revision, "stale": len(stale)},
                     after={"revision": saved.revision, "engine": fresh_transcript.engine,
                            "model": fresh_transcript.model})
    return saved


def merge_fresh(old: list[SegmentData], fresh: list[SegmentData]) -> list[SegmentData]:
    """Keep every segment that is not stale; fill each stale one's time range with the
    fresh segments that fall in it (by their middle)."""
    merged = [s for s in old if not s.stale]
    for segment in (s for s in old if s.stale):
        for candidate in fresh:
            middle = (candidate.start_ms + candidate.end_ms) // 2
            if segment.start_ms <= middle <= segment.end_ms:
                merged.append(SegmentData(start_ms=candidate.start_ms, end_ms=candidate.end_ms,
                                          text=candidate.text, words=tuple(candidate.words)))
    merged.sort(key=lambda s: (s.start_ms, s.end_ms))
    return merged
