"""API contract: public reads, visibility, pagination, caching headers, error shape, limits."""

from __future__ import annotations

import pytest

from rostra.archive.models import Speech
from rostra.review.domain import publishing
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


def test_public_sees_only_published_speeches(client, speech, tokens, editor_all):
    assert client.get("/api/speeches").json()["count"] == 0
    assert_error(client.get(f"/api/speeches/{speech.slug}"), 404, "not_found")
    everything = client.get("/api/speeches", **bearer(tokens["editor"])).json()
    assert [item["slug"] for item in everything["items"]] == ["smart-cities"]
    assert everything["items"][0]["state"] == "needs_review"
    publishing.publish(speech, user=editor_all, languages=["fa", "en"], allow_machine=True)
    public = client.get("/api/speeches").json()
    assert public["count"] == 1 and public["items"][0]["published_languages"] == ["fa", "en"]


def test_speech_detail_has_transcript_provenance(client, speech, editor_all):
    publishing.approve_language(speech, "fa", user=editor_all)
    publishing.publish(speech, user=editor_all, languages=["fa", "en"], allow_machine=True)
    body = client.get(f"/api/speeches/{speech.slug}").json()
    assert body["title"] == {"en": "Smart cities", "fa": "شهرهای هوشمند"}
    by_language = {t["language"]: t for t in body["transcripts"]}
    assert set(by_language) == {"fa", "en"}  # Arabic was not published
    assert by_language["fa"]["origin"] == "asr" and by_language["fa"]["approved"] is True
    assert by_language["en"]["origin"] == "mt" and by_language["en"]["machine"] is True
    assert by_language["en"]["source_language"] == "fa"
    assert "published-as-machine-output" in by_language["en"]["flags"]
    transcript = client.get(f"/api/speeches/{speech.slug}/transcripts/fa").json()
    assert transcript["segments"][1] == {"start_ms": 2000, "end_ms": 4500,
                                         "text": "حمل و نقل عمومی نقش مهمی دارد",
                                         "reviewed": False, "stale": False}
    assert_error(client.get(f"/api/speeches/{speech.slug}/transcripts/ar"), 404, "not_found")


@pytest.mark.parametrize("fmt,content_type,needle", [
    ("vtt", "text/vtt", "WEBVTT"), ("srt", "application/x-subrip", "00:00:02,000 --> "),
    ("txt", "text/plain", "Smart cities use less energy"), ("json", "application/json",
                                                           '"origin": "mt"')])
def test_subtitles_in_every_format(client, speech, editor_all, fmt, content_type, needle):
    publishing.publish(speech, user=editor_all, languages=["en"], allow_machine=True)
    response = client.get(f"/api/speeches/{speech.slug}/subtitles/en?format={fmt}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert needle in response.content.decode()


def test_etag_and_last_modified_give_304(client, speech, editor_all):
    publishing.publish(speech, user=editor_all, languages=["fa"], allow_machine=True)
    first = client.get(f"/api/speeches/{speech.slug}")
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    again = client.get(f"/api/speeches/{speech.slug}", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    since = client.get(f"/api/speeches/{speech.slug}",
                       HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    Speech.objects.filter(pk=speech.pk).update(title={"en": "Smarter cities"})
    changed = client.get(f"/api/speeches/{speech.slug}", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


def test_pagination_and_filters(client, event, speech, tokens):
    for n in range(5):
        Speech.objects.create(event=event, slug=f"talk-{n}", title={"en": f"Talk {n}"},
                              state=Speech.State.PUBLISHED, published_languages=["en"])
    page = client.get("/api/speeches?limit=2&offset=2").json()
    assert page["count"] == 5 and page["limit"] == 2 and page["offset"] == 2
    assert [item["slug"] for item in page["items"]] == ["talk-2", "talk-3"]
    failed = client.get("/api/speeches?state=needs_review", **bearer(tokens["editor"])).json()
    assert [item["slug"] for item in failed["items"]] == ["smart-cities"]
    assert client.get("/api/speeches?event=nowhere").json()["count"] == 0
    assert client.get("/api/events").json()["items"][0]["slug"] == "cities-2026"


def language_filter(client, language, **extra):
    body = client.get(f"/api/speeches?language={language}", **extra).json()
    slugs = [item["slug"] for item in body["items"]]
    assert body["count"] == len(slugs)
    return slugs


def test_the_language_filter_follows_every_change_of_the_languages(client, event, speech,
                                                                   editor_all, tokens):
    """Published in, or spoken in (rostra.archive.domain.speech_languages keeps the rows)."""
    from rostra.archive.domain.speech_languages import rebuild_all
    from rostra.archive.models import SpeechLanguage

    for n, (published, spoken) in enumerate([(["en", "fa"], "en"), (["ar"], "fa"), ([], "ar")]):
        Speech.objects.create(event=event, slug=f"talk-{n}", title={"en": f"Talk {n}"},
                              original_language=spoken, state=Speech.State.PUBLISHED,
                              published_languages=published)
    assert language_filter(client, "fa") == ["talk-0", "talk-1"]
    assert language_filter(client, "ar") == ["talk-1", "talk-2"]
    assert language_filter(client, "en") == ["talk-0"]
    # The review suite's speech (spoken in Persian, not yet published): token holders only.
    assert language_filter(client, "fa", **bearer(tokens["editor"])) == [
        "smart-cities", "talk-0", "talk-1"]
    publishing.publish(speech, user=editor_all, languages=["en"], allow_machine=True)
    assert language_filter(client, "en") == ["smart-cities", "talk-0"]
    publishing.publish(speech, user=editor_all, languages=["ar"], allow_machine=True)
    assert "smart-cities" not in language_filter(client, "en")
    assert "smart-cities" in language_filter(client, "ar")
    talk = Speech.objects.get(slug="talk-2")
    talk.original_language = "en"
    talk.save(update_fields=["original_language"])
    assert language_filter(client, "en") == ["talk-0", "talk-2"]
    assert "talk-2" not in language_filter(client, "ar")
    Speech.objects.get(slug="talk-0").delete()
    assert language_filter(client, "en") == ["talk-2"]
    # Writes past the signals (bulk, raw): the rebuild repairs them.
    Speech.objects.filter(slug="talk-1").update(published_languages=["en"])
    assert "talk-1" not in language_filter(client, "en")
    rebuild_all()
    assert language_filter(client, "en") == ["talk-1", "talk-2"]
    assert set(SpeechLanguage.objects.filter(speech__slug="talk-1")
               .values_list("language", flat=True)) == {"en", "fa"}


def test_validation_and_unknown_paths_share_the_error_shape(client):
    error = assert_error(client.get("/api/speeches?limit=1000"), 422, "invalid")
    assert error["field"] == "limit"
    assert_error(client.get("/api/speeches?state=lost"), 422, "invalid")
    assert_error(client.get("/api/no/such/thing"), 404, "not_found")
    assert_error(client.get("/api/events/none"), 404, "not_found")
    assert_error(client.get("/api/speeches", HTTP_AUTHORIZATION="Bearer rst_wrong"), 401,
                 "unauthorized")


def test_rate_limit_answers_429_with_retry_after(client, settings, db):
    settings.ROSTRA_API_RATE_LIMIT = 3
    for _ in range(3):
        assert client.get("/api/events").status_code == 200
    limited = client.get("/api/events")
    error = assert_error(limited, 429, "rate_limited")
    assert 1 <= int(limited["Retry-After"]) <= 61
    assert "wait" in error["message"]
    other = client.get("/api/events", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_openapi_schema_and_docs_page(client, db):
    schema = client.get("/api/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/speeches/{slug}/subtitles/{language}" in schema["paths"]
    assert "ErrorOut" in schema["components"]["schemas"]
    assert client.get("/api/docs").status_code == 200


def test_search_endpoint_finds_published_transcripts(client, speech, editor_all, data_dir):
    from rostra.search.indexing import reindex_all

    publishing.publish(speech, user=editor_all, languages=["fa", "ar", "en"],
                       allow_machine=True)
    reindex_all()
    body = client.get("/api/search?q=transport&mode=keyword").json()
    assert body["total"] == 1
    hit = body["hits"][0]
    assert hit["slug"] == "smart-cities"
    segment = next(m for m in hit["matches"] if m["kind"] == "segment")
    assert segment["language"] == "en" and segment["start"] == 2.0
    empty = client.get("/api/search?q=zzzqqq&mode=keyword").json()
    assert empty["total"] == 0 and empty["hits"] == []
    from tests.review.conftest import make_user

    publishing.withdraw(speech, user=make_user("admin_withdraws", "admin"))
    gone = client.get("/api/search?q=transport&mode=keyword").json()
    assert gone["total"] == 0  # a withdrawn speech disappears from the search


def test_docs_page_works_offline(client, db):
    page = client.get("/api/docs").content.decode()
    assert "cdn." not in page and "/static/ninja/swagger-ui-bundle.js" in page
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200


@pytest.mark.parametrize("path", ["/api/speeches", "/api/sessions", "/api/speakers",
                                  "/api/topics", "/api/events"])
def test_list_query_count_does_not_grow(client, event, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rostra.archive.models import Session, Speaker, SpeechSpeaker, Topic

    def add(n):
        topic = Topic.objects.create(event=event, slug=f"topic-{n}", name={"en": "T"})
        speaker = Speaker.objects.create(event=event, slug=f"speaker-{n}", names={"en": "S"})
        session = Session.objects.create(event=event, slug=f"session-{n}", title={"en": "S"})
        speech = Speech.objects.create(event=event, slug=f"talk-{n}", title={"en": "T"},
                                       session=session, state=Speech.State.PUBLISHED,
                                       published_languages=["en"])
        speech.topics.add(topic)
        SpeechSpeaker.objects.create(speech=speech, speaker=speaker)

    add(0)
    with CaptureQueriesContext(connection) as one:
        assert client.get(path).status_code == 200
    for n in range(1, 12):
        add(n)
    with CaptureQueriesContext(connection) as many:
        assert client.get(path).status_code == 200
    assert len(many.captured_queries) == len(one.captured_queries)
