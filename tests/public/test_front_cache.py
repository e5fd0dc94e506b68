"""Cached pages answered before Django's ASGI handler (rostra.public.front_cache).

The wrapper is driven as the server drives it (an ASGI scope, receive and send), around the
real Django application; a counter on that application tells whether Django was entered."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync

from rostra.archive.models import Speech
from rostra.public import pagecache
from rostra.public.front_cache import FrontPageCache
from tests.public.asgi_client import answer, counting_django_app, exchange
from tests.public.content import build_archive

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(data_dir, tmp_path, settings, django_capture_on_commit_callbacks):
    settings.ROSTRA_PAGE_CACHE = True
    settings.ROSTRA_EMBEDDINGS = "none"
    with django_capture_on_commit_callbacks(execute=True):
        return build_archive(tmp_path=tmp_path)


@pytest.fixture
def front():
    with counting_django_app() as django:
        yield FrontPageCache(django), django


def get(app, path: str, *, headers=()) -> tuple[int, dict, bytes]:
    return answer(async_to_sync(exchange)(app, path, headers=headers))


def test_a_second_reader_is_answered_without_entering_django(archive, front):
    app, django = front
    status, first_headers, first = get(app, "/en/")
    status_again, headers, again = get(app, "/en/")
    assert status == status_again == 200 and django.calls == 1
    assert again == first
    assert "x-rostra-page-generation" not in first_headers | headers  # never leaves the server
    assert headers.pop("x-request-id") != first_headers.pop("x-request-id")
    assert headers == first_headers  # security headers, CSP, ETag, Vary: as Django said


def test_a_publish_shows_on_the_next_request(archive, front, django_capture_on_commit_callbacks):
    app, django = front
    get(app, "/en/")
    with django_capture_on_commit_callbacks(execute=True):
        speech = Speech.objects.get(pk=archive.speech.pk)
        speech.title = {**speech.title, "en": "Bicycle lanes for everyone"}
        speech.save()
    assert b"Bicycle lanes for everyone" in get(app, "/en/")[2]
    assert django.calls == 2
    get(app, "/en/")
    assert django.calls == 2  # the new page is the one kept now


def test_a_change_from_another_machine_shows_within_the_recheck_bound(
        archive, front, monkeypatch, django_capture_on_commit_callbacks):
    """No generation file rewritten here (the change was made elsewhere): the token is re-read
    from the database once the recheck interval has passed."""
    app, django = front
    get(app, "/en/")
    get(app, "/en/")  # a kept answer: the token has been read
    monkeypatch.setattr(pagecache, "write_generation_file", lambda token: None)
    with django_capture_on_commit_callbacks(execute=True):
        speech = Speech.objects.get(pk=archive.speech.pk)
        speech.title = {**speech.title, "en": "Quiet streets"}
        speech.save()
    assert b"Quiet streets" not in get(app, "/en/")[2]  # within the bound: the kept page
    app.generation.read_at -= app.generation.recheck_seconds
    assert b"Quiet streets" in get(app, "/en/")[2]


def test_a_logged_in_reader_never_gets_a_kept_page(archive, front, client, django_user_model):
    app, django = front
    get(app, "/en/")
    user = django_user_model.objects.create_user("editor", password="a long passphrase 42")
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    get(app, "/en/", headers=[(b"cookie", cookie)])
    get(app, "/en/", headers=[(b"cookie", cookie)])
    assert django.calls == 3
    get(app, "/en/", headers=[(b"cookie", b"messages=abc")])
    assert django.calls == 4


def test_the_speech_page_with_its_comment_form_is_kept(archive, front):
    """The comment form fetches its token when used (comments:token), so the page is the same
    for every reader; a reader who already holds a CSRF cookie gets it too."""
    app, django = front
    status, first_headers, first = get(app, "/en/speeches/smart-cities/")
    status_again, headers, again = get(app, "/en/speeches/smart-cities/",
                                       headers=[(b"cookie", b"csrftoken=abc")])
    assert status == status_again == 200 and django.calls == 1
    assert again == first and b'id="comment-form"' in first
    assert "set-cookie" not in first_headers


def test_pages_with_a_csrf_token_and_conditional_requests_go_to_django(archive, front):
    app, django = front
    get(app, "/en/review/login/")
    get(app, "/en/review/login/")
    assert django.calls == 2  # not a public page, and its form's token is per reader
    get(app, "/en/")
    status, _, _ = get(app, "/en/", headers=[(b"if-none-match", b'"x"')])
    assert django.calls == 4 and status == 200


def test_languages_hosts_and_queries_are_kept_apart(archive, front):
    app, django = front
    get(app, "/en/search/?q=cities")
    get(app, "/en/search/?q=transport")
    get(app, "/fa/search/?q=cities")
    get(app, "/en/search/?q=cities", headers=[(b"accept-language", b"fa")])
    assert django.calls == 4
    get(app, "/en/search/?q=cities")
    assert django.calls == 4


def test_switched_off_with_the_page_cache(archive, front, settings):
    app, django = front
    settings.ROSTRA_PAGE_CACHE = False
    get(app, "/en/")
    get(app, "/en/")
    assert django.calls == 2


def test_the_least_recently_used_pages_go_first_within_the_byte_budget(archive, front):
    app, django = front
    get(app, "/en/search/?q=cities")
    page = app.stored_bytes
    app.max_bytes = 2 * page + page // 2  # room for two pages of this size
    get(app, "/en/search/?q=transport")
    get(app, "/en/search/?q=cities")  # a kept answer: now the most recently used
    get(app, "/en/search/?q=water")
    assert django.calls == 3 and len(app.entries) == 2
    get(app, "/en/search/?q=cities")
    assert django.calls == 3
    get(app, "/en/search/?q=transport")
    assert django.calls == 4  # it was the one let go
