"""Speaker photos: read from the program (a file next to it or a URL fetched once at import),
stored by content in the media folder, served by the site itself, with alt text per language."""

from __future__ import annotations

import json
import threading
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from rostra.archive.domain.program_import import import_program
from rostra.archive.domain.speaker_photos import MAX_PHOTO_BYTES, store_photos
from rostra.archive.models import Speaker, Speech
from rostra.core.storage import media_dir

pytestmark = pytest.mark.django_db

PROGRAMS = Path(__file__).resolve().parents[1] / "fixtures" / "programs"
PNG = (PROGRAMS / "photos" / "sara-ahmadi.png").read_bytes()
PRETALX = Path(__file__).resolve().parents[1] / "fixtures" / "schedules" / "pretalx-democon.json"


class PhotoServer(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 (the standard library's name)
        PhotoServer.requests.append(self.path)
        body = {"/sara.png": PNG, "/page.html": b"<html>not a photo</html>",
                "/huge.png": PNG + b"\0" * MAX_PHOTO_BYTES}.get(self.path)
        self.send_response(200 if body else 404)
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, *args):
        pass


@pytest.fixture
def photo_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), PhotoServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    PhotoServer.requests = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_csv_photo_next_to_the_program_is_stored_and_shown(client, data_dir):
    report = import_program(PROGRAMS / "multilingual-program.csv")
    assert report.notices == []
    speaker = Speaker.objects.get()
    assert speaker.photo_path.startswith("photos/") and speaker.photo_path.endswith(".png")
    assert (media_dir() / speaker.photo_path).read_bytes() == PNG
    Speech.objects.update(state=Speech.State.PUBLISHED)
    alts = {"fa": 'alt="عکس سارا احمدی"', "ar": 'alt="صورة سارة أحمدي"',
            "en": 'alt="Photo of Sara Ahmadi"'}
    for language, alt in alts.items():
        page = client.get(f"/{language}/speakers/{speaker.slug}/").content.decode()
        assert alt in page and f'src="/{language}/speakers/{speaker.slug}/photo/"' in page
    photo = client.get(f"/en/speakers/{speaker.slug}/photo/")
    assert photo["Content-Type"] == "image/png" and b"".join(photo.streaming_content) == PNG


def test_urls_are_fetched_once_checked_and_limited(data_dir, photo_server):
    outcome = store_photos([f"{photo_server}/sara.png", f"{photo_server}/page.html",
                            f"{photo_server}/huge.png", f"{photo_server}/gone.png",
                            f"{photo_server}/sara.png"], base_dir=PROGRAMS)
    assert list(outcome.stored) == [f"{photo_server}/sara.png"]
    assert outcome.failed == {f"{photo_server}/page.html": "not a JPEG, PNG or WebP image",
                              f"{photo_server}/huge.png": "larger than 2 MB",
                              f"{photo_server}/gone.png": "the server answered 404"}
    assert PhotoServer.requests.count("/sara.png") == 1  # the same URL twice: fetched once


def test_offline_import_goes_on_and_says_so_in_one_line(data_dir, tmp_path):
    # Port 9 (discard) on this machine: nothing listens, as when the network is off.
    program = json.loads(PRETALX.read_text())
    people = [person for day in program["schedule"]["conference"]["days"]
              for talks in day["rooms"].values() for talk in talks
              for person in talk["persons"]]
    for person in people:
        person["avatar"] = f"http://127.0.0.1:9/avatar-{person['code']}.jpg"
    path = tmp_path / "schedule.json"
    path.write_text(json.dumps(program))
    report = import_program(path)
    assert len(report.notices) == 1
    assert report.notices[0].startswith(f"{len({p['avatar'] for p in people})} speaker photo(s) "
                                        "not stored (cannot reach the photo's server")
    assert report.notices[0].endswith("those speaker pages show no photo; import again to retry")
    assert Speaker.objects.exclude(photo_path="").count() == 0
    assert Speaker.objects.count() > 0
