"""Public pages come from the page cache until something they show changes (rostra.public.pagecache).

Each test asks twice, changes one thing the page shows, and asks again: the second answer must
be the cached one (no query beyond the generation token), the third the new content."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rostra.archive.models import Speech
from rostra.comments.models import Comment
from rostra.search.indexing import index_speech
from rostra.transcripts.domain import SegmentData, save_transcript
from tests.public.content import build_archive

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(data_dir, tmp_path, settings, django_capture_on_commit_callbacks):
    settings.ROSTRA_PAGE_CACHE = True
    settings.ROSTRA_EMBEDDINGS = "none"
    with django_capture_on_commit_callbacks(execute=True):
        return build_archive(tmp_path=tmp_path)


def queries_for(client, path: str, **params) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
    assert response.status_code == 200
    return len(captured), response.content.decode()


@pytest.mark.parametrize("path", ["/en/", "/en/speeches/smart-cities/", "/en/search/?q=cities"])
def test_a_second_reader_gets_the_page_from_the_cache(client, archive, path):
    fresh, first = queries_for(client, path)
    cached, second = queries_for(client, path)
    assert fresh > 3 and cached == 1  # the generation token, nothing else
    masked_token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')  # new per answer
    assert masked_token.sub("", second) == masked_token.sub("", first)


def test_search_pages_are_kept_per_query_filters_and_language(client, archive):
    queries_for(client, "/en/search/", q="cities")
    assert queries_for(client, "/en/search/", q="cities")[0] == 1
    assert queries_for(client, "/en/search/", q="cities", lang="fa")[0] > 1
    assert queries_for(client, "/en/search/", q="transport")[0] > 1
    assert queries_for(client, "/fa/search/", q="cities")[0] > 1


def test_a_new_transcript_shows_in_search_at_once(client, archive,
                                                  django_capture_on_commit_callbacks):
    assert "Nothing found" in queries_for(client, "/en/search/", q="tramway")[1]
    with django_capture_on_commit_callbacks(execute=True):
        save_transcript(speech=archive.speech, language="en", origin="human",
                        segments=[SegmentData(0, 1000, "The new tramway line opens")])
    assert "Smart cities for everyone" in queries_for(client, "/en/search/", q="tramway")[1]


def test_the_index_written_after_commit_makes_search_pages_stale(client, archive):
    """A search rendered between the archive's commit and the index write would be kept with
    the old results: the index's own signal makes it stale."""
    Speech.objects.filter(pk=archive.speech.pk).update(title={"en": "Bicycle lanes"})
    assert "Nothing found" in queries_for(client, "/en/search/", q="bicycle")[1]
    index_speech(Speech.objects.get(pk=archive.speech.pk), languages=[], metadata=True)
    assert "Bicycle lanes" in queries_for(client, "/en/search/", q="bicycle")[1]


def test_an_approved_comment_shows_on_the_speech_page_at_once(client, archive):
    queries_for(client, "/en/speeches/smart-cities/")
    Comment.objects.create(speech=archive.speech, name="Reader", status="approved",
                           body="A clear account of tram planning.")
    assert "A clear account of tram planning." in queries_for(
        client, "/en/speeches/smart-cities/")[1]


def test_a_new_rendition_shows_in_the_download_panel_at_once(client, archive):
    from rostra.media.models import Rendition

    assert "mp3-test.mp3" not in queries_for(client, "/en/speeches/smart-cities/")[1]
    Rendition.objects.create(asset=archive.speech.media, name="mp3-test", kind="mp3",
                             path="renditions/aa/mp3-test.mp3", sha256="a" * 64, size=1000,
                             mime_type="audio/mpeg", fingerprint="f" * 64)
    assert queries_for(client, "/en/speeches/smart-cities/")[0] > 1


def test_each_reader_gets_a_csrf_token_of_their_own(client, archive):
    """The kept speech page has none in it; each reader's comes from comments:token."""
    from django.test import Client

    first = client.get("/en/speeches/smart-cities/")
    second = Client().get("/en/speeches/smart-cities/")
    assert first.content == second.content and not first.cookies and not second.cookies
    assert 'name="csrfmiddlewaretoken" value=""' in first.content.decode()
    tokens = [reader.get("/en/comments/token/") for reader in (client, Client())]
    assert tokens[0].cookies["csrftoken"].value != tokens[1].cookies["csrftoken"].value


def test_a_page_with_a_token_in_it_gets_each_readers_own(client, archive, monkeypatch):
    """A @public_page that does render a token keeps a placeholder for it."""
    from django.test import Client

    from rostra.comments import views

    original = views.comment_section
    monkeypatch.setattr("rostra.public.views.speech.comment_section",
                        lambda request, speech: {**original(request, speech),
                                                 "token_in_form": True})
    first = client.get("/en/speeches/smart-cities/")
    second = Client().get("/en/speeches/smart-cities/")
    assert 'name="csrfmiddlewaretoken" value="' in first.content.decode()
    assert "__rostra_csrf_token__" not in second.content.decode()
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value


def test_a_browser_with_the_page_gets_304(client, archive):
    first = client.get("/en/")
    again = client.get("/en/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and first["Last-Modified"]
