"""Re-translating stale segments with a real CTranslate2 engine (a tiny model with random
weights, built by the test: it proves the mechanics — only stale segments change, hand edits
stay, provenance and history are kept — never translation quality)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from rostra.review.domain import editing
from rostra.review.domain.translation import retranslate_stale
from rostra.staff.models import AuditEntry
from tests.review.conftest import EN_SEGMENTS, transcript_of

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(scope="module")
def tiny_nllb(tmp_path_factory):
    from rostra.pipeline.mt.tiny_model import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("tiny-mt") / "nllb", family="nllb")


@pytest.fixture
def ctranslate2_configured(settings, tiny_nllb):
    from rostra.processing.translation import forget_engines

    settings.ROSTRA_MT_ENGINE = "ctranslate2"
    settings.ROSTRA_MT_MODEL = str(tiny_nllb)
    settings.ROSTRA_MT_BEAM_SIZE = 1
    forget_engines()
    yield
    forget_engines()


def test_only_stale_segments_are_retranslated(speech, editor_fa, editor_all,
                                              ctranslate2_configured):
    en = transcript_of(speech, "en")
    hand = editing.current_segments(en)
    hand[0] = replace(hand[0], text="Smart cities need less energy")
    editing.edit_segments(en, user=editor_all, base_revision=en.revision, changes=hand)
    fa = transcript_of(speech, "fa")
    changes = editing.current_segments(fa)
    changes[1] = replace(changes[1], text="اتوبوس‌ها و قطارها نقش مهمی دارند")
    editing.edit_segments(fa, user=editor_fa, base_revision=fa.revision, changes=changes)
    en = transcript_of(speech, "en")
    assert list(en.segments.values_list("stale", flat=True)) == [False, True, False]

    retranslated = retranslate_stale(en, user=editor_all)
    rows = list(retranslated.segments.order_by("position").values_list("start_ms", "end_ms",
                                                                       "text", "stale"))
    assert rows[0] == (0, 2000, "Smart cities need less energy", False)  # hand edit kept
    assert rows[2] == (4500, 7000, EN_SEGMENTS[2].text, False)  # not stale: untouched
    assert rows[1][:2] == (2000, 4500) and rows[1][3] is False
    assert rows[1][2] != EN_SEGMENTS[1].text  # the engine wrote it anew
    assert retranslated.origin == "mt" and retranslated.engine == "ctranslate2"
    assert retranslated.source_id == fa.pk
    assert "human-edited" in retranslated.flags
    assert retranslated.revisions.order_by("-number").first().note == (
        "re-translated 1 stale segment(s)")
    assert AuditEntry.objects.filter(action="transcript.retranslate").count() == 1


def test_a_missing_model_is_one_clear_line(speech, editor_fa, editor_all, settings, tmp_path):
    from dataclasses import replace as replace_segment

    from rostra.core.errors import UserError
    from rostra.processing.translation import forget_engines

    settings.ROSTRA_MT_ENGINE = "ctranslate2"
    settings.ROSTRA_MT_MODEL = str(tmp_path / "no-such-model")
    forget_engines()
    fa = transcript_of(speech, "fa")
    changes = editing.current_segments(fa)
    changes[0] = replace_segment(changes[0], text="تغییر")
    editing.edit_segments(fa, user=editor_fa, base_revision=fa.revision, changes=changes)
    with pytest.raises(UserError, match="the translation engine cannot do this"):
        retranslate_stale(transcript_of(speech, "en"), user=editor_all)
    forget_engines()
