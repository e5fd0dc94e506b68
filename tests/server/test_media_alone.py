"""`rostra serve` alone (no front web server): recordings sent by the media front
(rostra.public.media_front) over real HTTP, and pages answered while readers hold downloads."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.conftest import REPO
from tests.server.test_production_server import child_env, fetch, free_port, wait_for

pytestmark = pytest.mark.skipif(bool(os.environ.get("ROSTRA_DATABASE_URL")),
                                reason="runs once, in the SQLite pass (its own SQLite data dir)")
RECORDING_SECONDS = 120  # ~1.3 MB: more than a reader who never reads lets the server send
HOLDERS = 60


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("alone")
    data_dir = tmp / "data"
    subprocess.run([sys.executable, "-m", "tests.server.make_archive", str(data_dir),
                    str(RECORDING_SECONDS)], cwd=REPO, env=child_env(data_dir), check=True,
                   timeout=300)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "rostra", "serve", "--port", str(port), "--workers", "1",
         "--no-worker"], cwd=tmp, env=child_env(data_dir), stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        yield port
    finally:
        process.terminate()
        process.wait(60)


def test_ranges_head_and_refusals_over_http(server):
    base = f"http://127.0.0.1:{server}"
    status, headers, whole = fetch(base + "/media/speeches/smart-cities")
    assert status == 200 and int(headers["Content-Length"]) == len(whole) > 1_000_000
    status, headers, body = fetch(base + "/media/speeches/smart-cities",
                                  headers={"Range": "bytes=1000-65535"})
    assert status == 206 and body == whole[1000:65536]
    assert headers["Content-Range"] == f"bytes 1000-65535/{len(whole)}"
    assert "X-Rostra-Media-File" not in headers
    request = urllib.request.Request(base + "/media/speeches/smart-cities", method="HEAD")
    with urllib.request.urlopen(request, timeout=20) as response:
        assert response.status == 200 and response.read() == b""
        assert int(response.headers["Content-Length"]) == len(whole)
    with pytest.raises(urllib.error.HTTPError) as answer:
        fetch(base + "/media/speeches/smart-cities", headers={"Range": f"bytes={len(whole)}-"})
    assert answer.value.code == 416
    with pytest.raises(urllib.error.HTTPError) as answer:
        fetch(base + "/media/speeches/no-such-speech")
    assert answer.value.code == 404


def test_pages_answer_while_readers_hold_downloads(server):
    async def scenario():
        holders = []
        for _ in range(HOLDERS):  # each asks for the whole recording and never reads
            reader, writer = await asyncio.open_connection("127.0.0.1", server, limit=4096)
            writer.transport.get_extra_info("socket").setsockopt(
                socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            writer.write(b"GET /media/speeches/smart-cities HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            holders.append((reader, writer))
        await asyncio.sleep(1.0)
        firsts = [await asyncio.wait_for(reader.read(4096), 10) for reader, _ in holders]
        times = []
        for path in ("/en/", "/en/speeches/smart-cities/", "/healthz") * 2:
            started = time.monotonic()
            await asyncio.to_thread(lambda: urllib.request.urlopen(
                f"http://127.0.0.1:{server}{path}", timeout=20).read())
            times.append(time.monotonic() - started)
        for _, writer in holders:
            writer.close()
        return firsts, times

    firsts, times = asyncio.run(scenario())
    assert all(first.startswith(b"HTTP/1.1 200") for first in firsts)
    # Generous for a shared 2-core machine; an event loop blocked by a reader waits seconds.
    assert max(times) < 3.0, times
