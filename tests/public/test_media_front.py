"""Recordings sent by the ASGI media front (rostra.public.media_front) under rostra serve alone.

Driven as the server drives it (an ASGI scope, receive and send) around the real Django
application; a counter on that application tells whether Django was entered. The same
requests through Django's own ranged answer are the reference for status, bytes and headers."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import async_to_sync

from rostra.archive.domain.publishing import withdraw_speech
from rostra.archive.models import Speech
from rostra.core.storage import media_file
from rostra.public.front_cache import FrontPageCache
from rostra.public.media_front import MediaFront
from tests.mediafactory import write_audio
from tests.public.asgi_client import answer, counting_django_app, exchange
from tests.public.content import add_speech, build_archive

pytestmark = pytest.mark.django_db
MEDIA = "/media/speeches/smart-cities"


@pytest.fixture
def archive(data_dir, tmp_path, settings, django_capture_on_commit_callbacks):
    settings.ROSTRA_MEDIA_OFFLOAD = "none"
    settings.ROSTRA_EMBEDDINGS = "none"
    with django_capture_on_commit_callbacks(execute=True):
        built = build_archive(tmp_path=tmp_path)
        add_speech(built.event, slug="not-yet", title={"en": "Not yet"}, transcripts=False,
                   media_path=write_audio(tmp_path / "draft.webm", seconds=3.0), publish=False)
    return built


@pytest.fixture
def django_app():
    with counting_django_app() as django:
        yield django


@pytest.fixture
def front(django_app):
    return MediaFront(FrontPageCache(django_app), chunk=64 * 1024)


def header_pairs(headers: dict) -> list:
    return [(name.replace("_", "-").lower().encode(), value.encode())
            for name, value in headers.items()]


def get(app, path: str = MEDIA, method: str = "GET", **headers) -> tuple[int, dict, bytes]:
    return answer(async_to_sync(exchange)(app, path, method, header_pairs(headers)))


def file_bytes(archive) -> bytes:
    return media_file(archive.speech.media.path).read_bytes()


def test_ranges_come_from_the_front_after_djangos_first_yes(archive, front, django_app):
    whole = file_bytes(archive)
    size = len(whole)
    status, headers, body = get(front, Range="bytes=100-199")
    assert status == 206 and body == whole[100:200]
    assert headers["content-range"] == [f"bytes 100-199/{size}"]
    assert headers["content-length"] == ["100"]
    assert headers["accept-ranges"] == ["bytes"]
    assert headers["etag"] == [f'"{archive.speech.media.sha256}"']
    assert headers["content-type"] == [archive.speech.media.mime_type]
    assert headers["last-modified"]
    status, headers, body = get(front, Range="bytes=50-")
    assert status == 206 and body == whole[50:]
    assert headers["content-range"] == [f"bytes 50-{size - 1}/{size}"]
    assert get(front, Range="bytes=-10")[2] == whole[-10:]
    status, headers, body = get(front)
    assert status == 200 and body == whole and headers["content-length"] == [str(size)]
    assert django_app.calls == 1  # one decision; every range after it without Django


def test_invalid_and_unsatisfiable_ranges(archive, front):
    whole = file_bytes(archive)
    status, _, body = get(front, Range="bytes=abc")
    assert status == 200 and body == whole
    status, headers, body = get(front, Range=f"bytes={len(whole) + 5}-")
    assert status == 416 and body == b""
    assert headers["content-range"] == [f"bytes */{len(whole)}"]
    assert "content-type" not in headers
    assert get(front, Range="bytes=-0")[0] == 416
    assert get(front, Range="bytes=9-3")[0] == 200  # not understood: the whole file


def test_head_gives_the_headers_without_the_bytes(archive, front):
    size = len(file_bytes(archive))
    status, headers, body = get(front, method="HEAD")
    assert status == 200 and body == b"" and headers["content-length"] == [str(size)]
    status, headers, body = get(front, method="HEAD", Range="bytes=0-9")
    assert status == 206 and body == b"" and headers["content-range"] == [f"bytes 0-9/{size}"]


def test_if_range_and_if_none_match(archive, front):
    etag = get(front, method="HEAD")[1]["etag"][0]
    assert get(front, Range="bytes=0-9", If_Range=etag)[0] == 206
    assert get(front, Range="bytes=0-9", If_Range='"something-else"')[0] == 200
    status, headers, body = get(front, If_None_Match=etag)
    assert status == 304 and body == b"" and headers["etag"] == [etag]


def test_the_same_status_bytes_and_headers_as_djangos_own_answer(archive, front, django_app):
    cases = [{}, {"Range": "bytes=10-99"}, {"Range": "bytes=-5"}, {"Range": "bytes=99999999-"},
             {"Range": "bytes=x"}]
    get(front)  # the decision
    for headers in cases:
        ours, theirs = get(front, **headers), get(django_app, **headers)
        assert ours[0] == theirs[0] and ours[2] == theirs[2], headers
        ours_headers, their_headers = dict(ours[1]), dict(theirs[1])
        assert ours_headers.pop("x-request-id") != their_headers.pop("x-request-id")
        if ours[0] == 416:  # Django's empty 416 says text/html; ours names no type
            their_headers.pop("content-type")
        assert ours_headers == their_headers, headers


def test_an_unpublished_recording_is_never_sent_nor_kept(archive, front, django_app):
    draft = Speech.objects.get(slug="not-yet")
    assert media_file(draft.media.path).is_file()
    path = "/media/speeches/not-yet"
    for _ in range(2):
        status, headers, body = get(front, path, Range="bytes=0-99")
        assert status == 404 and "x-rostra-media-file" not in headers
        assert media_file(draft.media.path).read_bytes()[:100] not in body
    assert django_app.calls == 2 and not front.decisions
    assert get(front, "/media/speeches/no-such-speech")[0] == 404


@pytest.mark.django_db(transaction=True)
def test_withdrawing_stops_the_front_at_once(archive, front):
    """Real commits: the generation file is rewritten after the withdrawal commits, as in a
    server (inside a test's transaction only the 1-second recheck would show it)."""
    assert get(front, Range="bytes=0-9")[0] == 206
    withdraw_speech(Speech.objects.get(pk=archive.speech.pk))
    assert get(front, Range="bytes=0-9")[0] == 404


def test_a_withdrawal_from_another_machine_shows_within_the_recheck_bound(
        archive, front, django_capture_on_commit_callbacks):
    assert get(front, Range="bytes=0-9")[0] == 206
    with django_capture_on_commit_callbacks(execute=True):
        withdraw_speech(Speech.objects.get(pk=archive.speech.pk))
    front.generation.read_at -= front.generation.recheck_seconds
    assert get(front, Range="bytes=0-9")[0] == 404


def test_a_file_gone_after_the_decision_is_asked_again(archive, front, django_app):
    assert get(front, Range="bytes=0-9")[0] == 206
    media_file(archive.speech.media.path).unlink()
    assert get(front, Range="bytes=0-9")[0] == 404
    assert django_app.calls == 2


def test_the_internal_header_never_leaves(archive, front):
    for method in ("GET", "HEAD"):
        assert "x-rostra-media-file" not in get(front, method=method)[1]
        assert "x-rostra-media-file" not in get(front, method=method, Range="bytes=0-9")[1]


def test_with_a_front_web_server_the_front_steps_aside(archive, front, settings, django_app):
    settings.ROSTRA_MEDIA_OFFLOAD = "x-accel-redirect"
    status, headers, body = get(front)
    assert headers["x-accel-redirect"][0].startswith("/internal-media/") and body == b""
    assert "x-rostra-media-file" not in headers and not front.decisions


def test_a_reader_who_goes_away_stops_the_reads(archive, django_app):
    front = MediaFront(django_app, chunk=1024)
    size = len(file_bytes(archive))
    get(front, Range="bytes=0-9")  # the decision
    bodies = []

    async def run():
        left = asyncio.Event()

        async def hook(message):
            if message["type"] == "http.response.body":
                bodies.append(message)
                if len(bodies) == 3:
                    left.set()
                    await asyncio.sleep(0)  # the watcher sees it

        await exchange(front, MEDIA, send_hook=hook, disconnect=left)

    async_to_sync(run)()
    assert size > 10 * 1024 and len(bodies) <= 4


def test_a_slow_reader_does_not_hold_up_other_requests(archive, front):
    """One reader whose socket never drains (its send never returns after the first piece)
    while another reader's range and a page are answered on the same event loop."""
    whole = file_bytes(archive)
    get(front)  # the decision

    async def run():
        stuck = asyncio.Event()

        async def never_drains(message):
            if message["type"] == "http.response.body":
                stuck.set()
                await asyncio.Future()

        slow = asyncio.ensure_future(exchange(front, MEDIA, send_hook=never_drains))
        await asyncio.wait_for(stuck.wait(), 10)
        other = answer(await asyncio.wait_for(exchange(
            front, MEDIA, headers=header_pairs({"Range": "bytes=0-99"})), 10))
        page = answer(await asyncio.wait_for(exchange(front, "/en/"), 30))
        assert not slow.done()
        slow.cancel()
        return other, page

    other, page = async_to_sync(run)()
    assert other[0] == 206 and other[2] == whole[:100]
    assert page[0] == 200 and b"Smart cities for everyone" in page[2]
