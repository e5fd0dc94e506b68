"""The attack suite: hostile values an outsider can send, over every public URL, on the
database the suite runs on. Nothing may answer 500; every refusal is a 4xx."""

from __future__ import annotations

import pytest

from tests.mediafactory import write_audio
from tests.public.content import build_archive

pytestmark = pytest.mark.django_db

NUL = "%00"
HOSTILE = {
    "nul": "%00",
    "nul-inside": "smart%00cities",
    "superscript-two": "%C2%B2",            # '²': str.isdigit() says yes, int() says no
    "arabic-indic-digit": "%D9%A3",          # '٣': int() accepts it, the database must not see it
    "huge-number": "9" * 5000,               # past Python's 4,300-digit int limit
    "bidi-override": "%E2%80%AEevil",
    "traversal": "..%2F..%2Fetc%2Fpasswd",
    "long": "a" * 3000,
    "negative": "-1",
}

# {v} is the hostile value, placed where a slug, an integer or a filter goes.
URLS = [
    "/en/speeches/{v}/",
    "/en/speeches/{v}/embed/",
    "/en/speeches/smart-cities/?reply={v}",
    "/en/speeches/smart-cities/?t={v}",
    "/en/speeches/smart-cities/?tl={v}&with={v}",
    "/en/speakers/{v}/",
    "/en/topics/{v}/",
    "/en/browse/{v}/",
    "/en/browse/?region={v}",
    "/en/program/?day={v}",
    "/en/program/?room={v}&topic={v}&session={v}",
    "/en/search/?q=sun&page={v}",
    "/en/search/?q={v}",
    "/en/search/?q=sun&country={v}&language={v}&topic={v}&event={v}&speaker={v}",
    "/search/?q={v}",
    "/media/speeches/{v}",
    "/transcripts/{v}/en.vtt",
    "/transcripts/smart-cities/{v}.vtt",
    "/transcripts/smart-cities/en.{v}",
    "/feeds/{v}/speeches.atom",
    "/feeds/{v}/speeches.rss",
    "/feeds/{v}/podcast.xml",
    "/api/events/{v}",
    "/api/sessions?event={v}",
    "/api/topics?event={v}",
    "/api/speakers?event={v}&country={v}",
    "/api/speeches?event={v}",
    "/api/speeches?topic={v}&speaker={v}&language={v}&session={v}",
    "/api/speeches?limit={v}&offset={v}",
    "/api/speeches/{v}",
    "/api/speeches/{v}/transcripts/en",
    "/api/speeches/smart-cities/transcripts/{v}",
    "/api/speeches/smart-cities/subtitles/{v}",
    "/api/search?q={v}",
    "/api/search?q=sun&page={v}&per_page={v}",
    "/api/search?q=sun&event={v}&country={v}&language={v}",
    "/en/review/?page={v}&event={v}&status={v}",
]


@pytest.fixture(scope="module")
def recording(tmp_path_factory):
    return write_audio(tmp_path_factory.mktemp("hostile") / "talk.webm", seconds=3.0)


@pytest.fixture
def archive(data_dir, recording):
    return build_archive(media_path=recording)


@pytest.fixture(autouse=True)
def no_rate_limit(settings):
    from django.core.cache import cache

    cache.clear()
    settings.ROSTRA_API_RATE_LIMIT = 1_000_000


@pytest.mark.parametrize("url", URLS)
def test_no_hostile_value_is_a_server_error(client, archive, url):
    client.raise_request_exception = False
    failures = []
    for name, value in HOSTILE.items():
        response = client.get(url.replace("{v}", value))
        if response.status_code >= 500:
            failures.append(f"{name}: {response.status_code}")
    assert failures == []


RANGE_ABUSE = {
    "huge-start": "bytes=" + "9" * 5000 + "-",
    "huge-end": "bytes=0-" + "9" * 5000,
    "huge-suffix": "bytes=-" + "9" * 5000,
    "superscript-digit": "bytes=²-",
    "arabic-indic-digit": "bytes=0-٣",
    "two-thousand-ranges": "bytes=" + ",".join(["0-1"] * 2000),
    "nul": "bytes=\x00-1",
    "reversed": "bytes=5-2",
    "double-dash": "bytes=--1",
    "other-unit": "items=0-1",
}


@pytest.mark.parametrize("value", RANGE_ABUSE.values(), ids=RANGE_ABUSE.keys())
def test_range_abuse_is_answered_without_a_server_error(client, archive, value):
    client.raise_request_exception = False
    response = client.get("/media/speeches/smart-cities", HTTP_RANGE=value)
    assert response.status_code in (200, 206, 416)


@pytest.mark.parametrize("parent", ["²", "%00", "\x00", "9" * 5000, "٣", "-1"],
                         ids=["superscript", "escaped-nul", "nul", "huge", "arabic-indic", "negative"])
def test_comment_parent_never_breaks_the_post(client, archive, parent):
    client.raise_request_exception = False
    response = client.post("/en/comments/smart-cities/post/",
                           {"name": "Lina", "email": "", "body": "A fine talk on water.",
                            "parent": parent})
    assert response.status_code < 500
