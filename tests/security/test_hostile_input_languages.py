"""The 400 a page answers to a control character speaks the reader's language (the address's
/fa/ or /ar/ prefix, else the browser's); the API keeps its one English error body."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url, language, expected", [
    ("/fa/speeches/%00/", None, "نشانی یک نویسهٔ کنترلی (مانند NUL) دارد"),
    ("/ar/search/?q=sun&country=%00", None, "يحتوي المعامل «country» على محرف تحكم"),
    ("/program/?day=%01", "fa", "پارامتر «day» یک نویسهٔ کنترلی"),
    ("/en/speeches/%00/", None, "The address holds a control character (such as NUL)"),
])
def test_a_page_refuses_in_the_readers_language(client, url, language, expected):
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    response = client.get(url, **headers)
    assert response.status_code == 400
    assert expected in response.content.decode("utf-8")


def test_a_form_field_is_named_in_the_readers_language(client):
    response = client.post("/ar/speeches/x/comments/", "body%00=hello",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "يحتوي حقل النموذج «body\ufffd» على محرف تحكم" in response.content.decode("utf-8")


def test_the_api_answer_stays_one_english_error_body(client):
    response = client.get("/api/speeches?event=%00", HTTP_ACCEPT_LANGUAGE="fa")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        "the parameter 'event' holds a control character (such as NUL); remove it and retry")


def test_a_text_field_of_an_upload_form_is_refused_too(client):
    """Multipart forms (the media upload) carry text fields beside the file: a NUL in one is
    refused at the edge like any other form field."""
    response = client.post("/fa/speeches/x/comments/",
                           {"body": "water\x00 in cities", "attachment": _upload()})
    assert response.status_code == 400
    assert "«body»" in response.content.decode("utf-8")


def test_an_unreadable_upload_form_is_one_line_in_the_readers_language(client):
    response = client.post("/fa/speeches/x/comments/", b"--x\r\n\r\nabc",
                           content_type="multipart/form-data")
    assert response.status_code == 400
    text = response.content.decode("utf-8")
    assert text.count("\n") == 1 and "Traceback" not in text
    assert "فرم ارسال‌شده خوانده نمی‌شود" in text


def _upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("notes.txt", b"plain notes", content_type="text/plain")
