"""A local HTTP server laid out like the Argos Translate package index, for tests with no network.

``GET /index.json`` answers a JSON list of packages as argospm-index's ``index.json`` does
(``package_version``, ``argos_version``, ``from_code``/``from_name``, ``to_code``/``to_name``,
``links`` with an https-style link and an ``ipfs://`` one, ``code``), and
``GET /v1/translate-SRC_TGT-VER.argosmodel`` serves the package file with HTTP range support.
Tests can make a file break off after some bytes, flip a byte inside it (a damaged download
that keeps its size), or leave out Content-Length. Point ``ROSTRA_ARGOS_INDEX`` at
``server.index_url``.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Faults:
    break_after: int | None = None  # bytes sent before the connection is cut
    break_times: int = 0  # how many requests to cut
    flip_byte_at: int | None = None  # offset of a byte served wrong (same size)
    requests: list[tuple[str, str]] = field(default_factory=list)  # (path, Range header)


class ArgosIndexServer:
    def __init__(self):
        self.packages: dict[str, tuple[dict, Path]] = {}  # file name → (index entry, file)
        self.faults = Faults()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server._handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @property
    def index_url(self) -> str:
        return f"{self.url}/index.json"

    def start(self) -> "ArgosIndexServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def add(self, archive: Path, *, source: str, target: str, version: str) -> dict:
        file_name = f"translate-{source}_{target}-{version.replace('.', '_')}.argosmodel"
        entry = {"package_version": version, "argos_version": version, "from_code": source,
                 "from_name": source, "to_code": target, "to_name": target,
                 "links": [f"{self.url}/v1/{file_name}",
                           "ipfs://QmNotFetchedByRostraBecauseItIsNotHttp"],
                 "code": f"translate-{source}_{target}"}
        self.packages[file_name] = (entry, Path(archive))
        return entry

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        path = request.path.split("?", 1)[0]
        self.faults.requests.append((path, request.headers.get("Range", "")))
        if path == "/index.json":
            payload = json.dumps([entry for entry, _ in self.packages.values()]).encode()
            return self._reply(request, 200, payload, "application/json")
        match = re.fullmatch(r"/v1/(.+\.argosmodel)", path)
        if match and match.group(1) in self.packages:
            return self._serve(request, self.packages[match.group(1)][1].read_bytes())
        self._reply(request, 404, b"not found", "text/plain")

    def _serve(self, request, data: bytes) -> None:
        if self.faults.flip_byte_at is not None:
            at = self.faults.flip_byte_at
            data = data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:]
        start = 0
        match = re.fullmatch(r"bytes=(\d+)-", request.headers.get("Range", ""))
        if match:
            start = int(match.group(1))
        chunk = data[start:]
        request.send_response(206 if start else 200)
        request.send_header("Content-Type", "application/octet-stream")
        request.send_header("Content-Length", str(len(chunk)))
        request.send_header("Accept-Ranges", "bytes")
        if start:
            request.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        request.end_headers()
        cut = self.faults.break_after
        if cut is not None and self.faults.break_times > 0:
            self.faults.break_times -= 1
            request.wfile.write(chunk[:max(0, cut - start)])
            request.wfile.flush()
            request.close_connection = True
            request.connection.shutdown(2)
            return
        request.wfile.write(chunk)

    @staticmethod
    def _reply(request, status: int, payload: bytes, content_type: str) -> None:
        request.send_response(status)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(payload)))
        request.end_headers()
        request.wfile.write(payload)
