import pytest

from tests.public.content import build_archive

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(data_dir, tmp_path):
    return build_archive(tmp_path=tmp_path)


def body(response):
    return b"".join(response.streaming_content)


def test_whole_file_advertises_ranges(client, archive):
    response = client.get("/media/speeches/smart-cities")
    size = archive.speech.media.size
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert int(response["Content-Length"]) == size == len(body(response))
    assert response["Content-Type"] == archive.speech.media.mime_type


def test_range_gives_206_with_content_range(client, archive):
    size = archive.speech.media.size
    whole = body(client.get("/media/speeches/smart-cities"))
    response = client.get("/media/speeches/smart-cities", HTTP_RANGE="bytes=100-199")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 100-199/{size}"
    assert body(response) == whole[100:200]
    open_ended = client.get("/media/speeches/smart-cities", HTTP_RANGE="bytes=50-")
    assert open_ended["Content-Range"] == f"bytes 50-{size - 1}/{size}"
    assert body(open_ended) == whole[50:]
    suffix = client.get("/media/speeches/smart-cities", HTTP_RANGE="bytes=-10")
    assert body(suffix) == whole[-10:]


def test_unsatisfiable_range_is_416(client, archive):
    size = archive.speech.media.size
    response = client.get("/media/speeches/smart-cities", HTTP_RANGE=f"bytes={size + 5}-")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{size}"


def test_if_range_with_current_etag_gives_range_and_stale_gives_whole(client, archive):
    etag = client.get("/media/speeches/smart-cities")["ETag"]
    fresh = client.get("/media/speeches/smart-cities", HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=etag)
    assert fresh.status_code == 206
    stale = client.get("/media/speeches/smart-cities", HTTP_RANGE="bytes=0-9",
                       HTTP_IF_RANGE='"something-else"')
    assert stale.status_code == 200


def test_if_none_match_gives_304(client, archive):
    etag = client.get("/media/speeches/smart-cities")["ETag"]
    assert client.get("/media/speeches/smart-cities", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_malformed_range_is_ignored(client, archive):
    response = client.get("/media/speeches/smart-cities", HTTP_RANGE="bytes=abc")
    assert response.status_code == 200
