"""Server-Sent Events, the live page and the growing WebVTT, served by uvicorn (ASGI)."""

from __future__ import annotations

import threading
import time
import urllib.request

import pytest

from rostra.live.domain import record_gap, record_sentence, record_words, start_live_job
from rostra.live.models import LiveJob
from rostra.pipeline.streaming.recognizer import CommittedSentence
from rostra.pipeline.types import Word
from tests.live.sse import EventReader

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def job(live_speech, tmp_path):
    clip = tmp_path / "clip.pcm"
    clip.write_bytes(b"\0\0" * 1600)
    return start_live_job(live_speech(), source=str(clip)).job


def words(*items):
    return [Word(start, start + 300, text) for start, text in items]


def wait_for_line(reader: EventReader) -> dict:
    return reader.events_until(lambda event: event.get("event") == "line")[-1]


def test_lines_are_pushed_and_a_reconnect_resumes_after_the_last_event_id(server, job):
    url = f"{server}/en/live/{job.speech.slug}/events/"
    reader = EventReader(url)
    first_status = reader.events_until(lambda event: event.get("event") == "status")[-1]
    assert first_status["data"]["state"] == "running"

    sent_at = time.monotonic()
    first = record_words(job, words((0, " Cities"), (300, " reuse")))
    pushed = wait_for_line(reader)
    assert time.monotonic() - sent_at < 1.0
    assert pushed["id"] == str(first.id)
    assert pushed["data"]["text"] == " Cities reuse"
    reader.close()

    # Lines committed while the reader was away arrive once, in order, on reconnect.
    missed = [record_words(job, words((600, " water"))),
              record_sentence(job, CommittedSentence(0, 900, "Cities reuse water."),
                              {"en": "Cities reuse water.", "fa": "شهرها آب را بازیافت می‌کنند."})]
    again = EventReader(url, last_event_id=first.id)
    got = [again.next_event() for _ in range(3)]
    lines = [event for event in got if event["event"] == "line"]
    assert [event["id"] for event in lines] == [str(line.id) for line in missed]
    assert lines[1]["data"]["translations"]["fa"] == "شهرها آب را بازیافت می‌کنند."
    assert got[-1]["event"] == "status"
    again.close()


def test_tentative_text_and_state_changes_are_pushed_and_the_end_closes_the_stream(server, job):
    reader = EventReader(f"{server}/en/live/{job.speech.slug}/events/")
    reader.events_until(lambda event: event.get("event") == "status")
    LiveJob.objects.filter(pk=job.pk).update(tentative="in summer", behind=True)
    status = reader.events_until(lambda event: event.get("event") == "status")[-1]
    assert status["data"]["tentative"] == "in summer" and status["data"]["behind"] is True
    assert "id" not in status  # tentative text is not a line: never replayed on reconnect

    LiveJob.objects.filter(pk=job.pk).update(state=LiveJob.State.ENDED, tentative="")
    rest = reader.events_until(lambda event: event.get("event") == "end")
    assert rest[-1]["data"] == {"state": "ended"}
    assert reader.next_event() is None  # the server closed the stream
    reader.close()


def test_many_readers_each_get_the_line_within_a_second(server, job):
    url = f"{server}/en/live/{job.speech.slug}/events/"
    readers = [EventReader(url) for _ in range(40)]
    for reader in readers:
        reader.events_until(lambda event: event.get("event") == "status")
    delays: list[float] = []

    def read(reader, sent_at):
        wait_for_line(reader)
        delays.append(time.monotonic() - sent_at[0])

    sent_at = [0.0]
    threads = [threading.Thread(target=read, args=(reader, sent_at)) for reader in readers]
    for thread in threads:
        thread.start()
    sent_at[0] = time.monotonic()
    record_words(job, words((0, " Museums")))
    for thread in threads:
        thread.join(10)
    assert len(delays) == 40 and max(delays) < 1.0
    for reader in readers:
        reader.close()


def test_the_webvtt_grows_and_right_to_left_captions_are_marked(server, job):
    vtt = f"{server}/en/live/{job.speech.slug}/captions/"
    record_sentence(job, CommittedSentence(0, 1800, "Cities reuse water."),
                    {"en": "Cities reuse water.", "fa": "شهرها آب را بازیافت می‌کنند."})
    first = urllib.request.urlopen(vtt + "en.vtt").read().decode()
    assert first.startswith("WEBVTT") and first.count("-->") == 1
    record_gap(job, at_ms=1800, missing_ms=2500, reason="source-lost")
    record_sentence(job, CommittedSentence(4300, 6000, "Rain gardens help."), {})
    grown = urllib.request.urlopen(vtt + "en.vtt").read().decode()
    assert grown.count("-->") == 2 and "00:00:04.300 --> 00:00:06.000" in grown
    persian = urllib.request.urlopen(vtt + "fa.vtt").read().decode()
    assert "\u200fشهرها" in persian
    assert "Rain gardens help." in persian  # no translation: the spoken text, not nothing


def test_the_live_page_in_each_language(client, job):
    record_sentence(job, CommittedSentence(0, 1800, "Cities reuse water."),
                    {"en": "Cities reuse water.", "fa": "شهرها آب را بازیافت می‌کنند."})
    persian = client.get(f"/fa/live/{job.speech.slug}/").content.decode()
    assert 'dir="rtl"' in persian and 'lang="fa"' in persian
    assert "شهرها آب را بازیافت می‌کنند." in persian  # the page language's captions
    english = client.get(f"/en/live/{job.speech.slug}/?captions=en").content.decode()
    assert 'dir="ltr"' in english and "Cities reuse water." in english
    assert client.get("/en/live/no-such-speech/").status_code == 404
    assert client.get(f"/en/live/{job.speech.slug}/captions/xx.vtt").status_code == 404


def test_the_organizers_player_is_allowed_by_the_pages_content_policy(client, job):
    from rostra.live.models import LiveJob

    LiveJob.objects.filter(pk=job.pk).update(
        player_url="https://stream.example.org/room-a/index.m3u8")
    response = client.get(f"/en/live/{job.speech.slug}/")
    policy = response["Content-Security-Policy"]
    assert "media-src 'self' blob: https://stream.example.org" in policy
    assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
    assert 'src="https://stream.example.org/room-a/index.m3u8"' in response.content.decode()
