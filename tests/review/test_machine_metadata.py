"""Machine-translated program text: made with a real CTranslate2 engine (a tiny random model
built by the test: mechanics, never quality), hidden from readers until an editor of that
language approves it, then shown labelled."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.translation import override

from rostra.archive.models import Room, Speech
from rostra.core.errors import UserError
from rostra.review.domain.machine_metadata import (approve_machine_metadata,
                                                   translate_missing_metadata)
from rostra.review.models import MachineMetadata
from rostra.staff.models import AuditEntry
from tests.review.test_metadata_form import program  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

LABEL = {"ar": "العنوان والملخص بهذه اللغة ترجمة آلية راجعها محرر."}


@pytest.fixture(scope="module")
def tiny_nllb(tmp_path_factory):
    from rostra.pipeline.mt.tiny_model import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("tiny-mt") / "nllb", family="nllb")


@pytest.fixture
def engine_on(settings, tiny_nllb):
    from rostra.processing.translation import forget_engines

    settings.ROSTRA_MT_ENGINE = "ctranslate2"
    settings.ROSTRA_MT_MODEL = str(tiny_nllb)
    settings.ROSTRA_MT_BEAM_SIZE = 1
    settings.ROSTRA_PAGE_CACHE = False
    forget_engines()
    yield
    forget_engines()


@pytest.fixture
def published(program):  # noqa: F811
    Speech.objects.filter(pk=program.pk).update(state=Speech.State.PUBLISHED,
                                                published_languages=["fa", "ar", "en"])
    program.refresh_from_db()
    return program


def test_machine_text_waits_for_the_editor_then_shows_labelled(client, published, editor_ar,
                                                                engine_on):
    made = translate_missing_metadata(published, user=editor_ar)
    # title, abstract, room and topic had no Arabic; names are never machine-translated
    assert made == 4
    rows = MachineMetadata.objects.filter(language="ar")
    assert {(r.object_type, r.attr) for r in rows} == {
        ("archive.speech", "title"), ("archive.speech", "abstract"), ("archive.room", "name"),
        ("archive.topic", "name")}
    assert all(r.engine == "ctranslate2" and r.approved_at is None and r.text for r in rows)
    machine_title = rows.get(attr="title").text
    published.refresh_from_db()
    assert "ar" not in published.title  # not in the archive yet
    page = client.get("/ar/speeches/smart-cities/").content.decode()
    assert machine_title not in page and LABEL["ar"] not in page

    client.force_login(editor_ar)
    with override("ar"):
        form = client.get(reverse("review:metadata", args=[published.slug])).content.decode()
    assert machine_title in form and "ترجمة آلية، لم تُعتمد بعد" in form

    assert approve_machine_metadata(published, user=editor_ar, language="ar") == 4
    published.refresh_from_db()
    assert published.title["ar"] == machine_title
    assert Room.objects.get().name["ar"] == rows.get(attr="name", object_type="archive.room").text
    assert AuditEntry.objects.filter(action="metadata.approve_machine").count() == 4
    page = client.get("/ar/speeches/smart-cities/").content.decode()
    assert machine_title in page and LABEL["ar"] in page
    assert "machine translation, reviewed" not in client.get(
        "/en/speeches/smart-cities/").content.decode()


def test_an_editor_approves_only_their_languages(published, editor_ar, editor_fa, engine_on):
    translate_missing_metadata(published, user=editor_ar)
    with pytest.raises(UserError, match="you may not approve text in ar"):
        approve_machine_metadata(published, user=editor_fa, language="ar")


def test_an_editors_own_text_is_kept_over_the_machine(published, editor_ar, engine_on):
    translate_missing_metadata(published, user=editor_ar)
    Speech.objects.filter(pk=published.pk).update(title={**published.title, "ar": "مدن ذكية"})
    approve_machine_metadata(published, user=editor_ar, language="ar")
    published.refresh_from_db()
    assert published.title["ar"] == "مدن ذكية"


def test_no_engine_says_so(published, editor_ar, settings):
    settings.ROSTRA_MT_ENGINE = "none"
    with pytest.raises(UserError, match="no translation engine is configured"):
        translate_missing_metadata(published, user=editor_ar)
