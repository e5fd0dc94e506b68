"""What a domain function refuses reaches editors in their language on the review pages
(flash messages, the program-text form), while CLI lines, logs and the API stay English."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.translation import override

from rostra.core.errors import UserError
from rostra.review.domain.publishing import publish
from tests.review.conftest import transcript_of
from tests.review.test_metadata_form import program  # noqa: F401 (a fixture)
from tests.review.test_pages import editor_form

pytestmark = pytest.mark.django_db

NOT_YOURS = {"fa": "اجازه‌ی تأیید متن به زبان ar را ندارید",
             "ar": "لا يحق لك اعتماد النص باللغة ar",
             "en": "you may not approve text in ar"}
ENGINE_OFF = {"fa": "ترجمه‌ی ماشینی خاموش است: هیچ موتور ترجمه‌ای تنظیم نشده است",
              "ar": "الترجمة الآلية متوقفة: لم يُضبط أي محرك ترجمة",
              "en": "machine translation is off: no translation engine is configured"}


@pytest.mark.parametrize("language", ["fa", "ar", "en"])
def test_the_refusal_flash_is_in_the_editors_language(client, editor_fa, program,  # noqa: F811
                                                      language, settings):
    settings.ROSTRA_PAGE_CACHE = False
    client.force_login(editor_fa)
    with override(language):
        url = reverse("review:metadata", args=[program.slug])
        page = client.post(url, {"op": "approve", "language": "ar"}, follow=True)
    assert NOT_YOURS[language] in page.content.decode()


@pytest.mark.parametrize("language", ["fa", "ar", "en"])
def test_the_engine_status_on_the_form_is_in_the_editors_language(client, admin_ada,
                                                                  program,  # noqa: F811
                                                                  language, settings):
    settings.ROSTRA_MT_ENGINE = "none"
    client.force_login(admin_ada)
    with override(language):
        page = client.get(reverse("review:metadata", args=[program.slug])).content.decode()
    assert ENGINE_OFF[language] in page


def test_cli_and_api_text_stays_english_whatever_the_active_language(program,  # noqa: F811
                                                                     admin_ada):
    with override("fa"), pytest.raises(UserError) as caught:
        publish(program, user=admin_ada, languages=[])
    assert str(caught.value) == "choose at least one language to publish"
    with override("fa"):
        assert caught.value.translated() == "دست‌کم یک زبان را برای انتشار انتخاب کنید"


EDITOR_REFUSALS = {
    "fa": ("بخش ۲: پیش از بخش بالایی‌اش آغاز می‌شود", "آغاز بخش ۱: «soon» زمان نیست"),
    "ar": ("المقطع ٢: يبدأ قبل المقطع الذي فوقه", "بداية المقطع ١: «soon» ليس وقتًا"),
    "en": ("segment 2: it starts before the segment above it",
           "segment 1 start: “soon” is not a time"),
}


@pytest.mark.parametrize("language", ["fa", "ar", "en"])
def test_the_transcript_editor_refuses_in_the_editors_language(client, editor_fa, speech,
                                                                language):
    fa = transcript_of(speech, "fa")
    client.force_login(editor_fa)
    out_of_order, not_a_time = EDITOR_REFUSALS[language]
    with override(language):
        url = reverse("review:editor", args=[fa.pk])
        form = editor_form(fa)
        form["seg-1-start"] = "0"
        form["seg-0-start"] = "0.5"
        page = client.post(url, form).content.decode()
        assert _unescaped(page).count(out_of_order) == 1, page
        form = editor_form(fa)
        form["seg-0-start"] = "soon"
        assert not_a_time in _unescaped(client.post(url, form).content.decode())


def _unescaped(page: str) -> str:
    import html

    return html.unescape(page)
