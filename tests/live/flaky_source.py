"""A local HTTP audio stream that drops: it plays a WAV at real time, goes away (503) for a
while, comes back with the next WAV, and is gone for good after the last one."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CHUNK_BYTES = 3200


@contextmanager
def flaky_stream(parts: list[Path], *, away_seconds: float):
    """Yield the stream's URL; each connection plays the next part, with a gap between."""
    state = {"next": 0, "back_at": 0.0}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            with lock:
                index = state["next"]
                if index >= len(parts):
                    self.send_error(404, "the stream is over")
                    return
                if time.monotonic() < state["back_at"]:
                    self.send_error(503, "the encoder is restarting")
                    return
                state["next"] += 1
            data = parts[index].read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "audio/wav")
            self.end_headers()
            started = time.monotonic()
            header, body = data[:44], data[44:]
            self.wfile.write(header)
            for offset in range(0, len(body), CHUNK_BYTES):
                ahead = started + offset / 32000 - time.monotonic()
                if ahead > 0:
                    time.sleep(ahead)
                try:
                    self.wfile.write(body[offset:offset + CHUNK_BYTES])
                    self.wfile.flush()
                except OSError:
                    return
            with lock:
                state["back_at"] = time.monotonic() + away_seconds
            self.close_connection = True

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/stream.wav"
    finally:
        server.shutdown()
        server.server_close()
