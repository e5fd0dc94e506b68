"""A local HTTP server that answers like the Hugging Face Hub, for fetch tests with no network.

It serves folders as repositories: ``GET /api/models/REPO/revision/REV`` lists the files with
sizes, git blob ids and (for big files) LFS sha256, as the hub's model-info API does, and
``GET /REPO/resolve/COMMIT/FILE`` serves a file with HTTP range support. Tests can make a file
break off after some bytes (a broken connection) or serve bytes that do not match the
advertised checksum. Pointing ``HF_ENDPOINT`` at it makes ``huggingface_hub`` use it.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

LFS_THRESHOLD = 10_000  # the hub stores big files with LFS; small ones are plain git blobs
COMMIT = "0123456789abcdef0123456789abcdef01234567"


@dataclass
class Faults:
    break_after: dict[str, int] = field(default_factory=dict)  # file → bytes before cutting
    break_times: dict[str, int] = field(default_factory=dict)  # how many requests to cut
    corrupt: set[str] = field(default_factory=set)
    requests: list[tuple[str, str]] = field(default_factory=list)  # (path, Range header)


class HubServer:
    def __init__(self):
        self.repos: dict[str, Path] = {}
        self.faults = Faults()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_GET(self):
                server._handle(self, body=True)

            def do_HEAD(self):
                server._handle(self, body=False)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self) -> "HubServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _siblings(self, folder: Path) -> list[dict]:
        siblings = []
        for path in sorted(folder.rglob("*")):
            if not path.is_file():
                continue
            data = path.read_bytes()
            entry = {"rfilename": path.relative_to(folder).as_posix(), "size": len(data),
                     "blobId": hashlib.sha1(f"blob {len(data)}\0".encode() + data).hexdigest()}
            if len(data) >= LFS_THRESHOLD:
                entry["lfs"] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                                "pointerSize": 134}
            siblings.append(entry)
        return siblings

    def _handle(self, request: BaseHTTPRequestHandler, *, body: bool) -> None:
        path = request.path.split("?", 1)[0]
        self.faults.requests.append((path, request.headers.get("Range", "")))
        info = re.fullmatch(r"/api/models/(.+)/revision/([^/]+)", path)
        if info and info.group(1) in self.repos:
            payload = json.dumps({"id": info.group(1), "modelId": info.group(1), "sha": COMMIT,
                                  "siblings": self._siblings(self.repos[info.group(1)])}).encode()
            return self._reply(request, 200, payload, {"Content-Type": "application/json"},
                               body=body)
        resolve = re.fullmatch(r"/(.+?/.+?)/resolve/([^/]+)/(.+)", path)
        if resolve and resolve.group(1) in self.repos:
            file = self.repos[resolve.group(1)] / resolve.group(3)
            if file.is_file():
                return self._serve_file(request, resolve.group(3), file.read_bytes(), body=body)
        self._reply(request, 404, b'{"error": "Repository not found"}',
                    {"Content-Type": "application/json", "X-Error-Code": "RepoNotFound"},
                    body=body)

    def _serve_file(self, request, name: str, data: bytes, *, body: bool) -> None:
        if name in self.faults.corrupt:
            data = bytes(reversed(data))  # same size, different bytes
        start = 0
        match = re.fullmatch(r"bytes=(\d+)-", request.headers.get("Range", ""))
        if match:
            start = int(match.group(1))
        chunk = data[start:]
        headers = {"Content-Type": "application/octet-stream", "X-Repo-Commit": COMMIT,
                   "ETag": f'"{hashlib.sha256(data).hexdigest()}"',
                   "Content-Length": str(len(chunk)), "Accept-Ranges": "bytes"}
        status = 206 if start else 200
        if start:
            headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
        request.send_response(status)
        for key, value in headers.items():
            request.send_header(key, value)
        request.end_headers()
        if not body:
            return
        cut = self.faults.break_after.get(name)
        if cut is not None and self.faults.break_times.get(name, 0) > 0:
            self.faults.break_times[name] -= 1
            request.wfile.write(chunk[:max(0, cut - start)])
            request.wfile.flush()
            request.close_connection = True
            request.connection.shutdown(2)  # the connection drops mid-file
            return
        request.wfile.write(chunk)

    @staticmethod
    def _reply(request, status: int, payload: bytes, headers: dict, *, body: bool) -> None:
        request.send_response(status)
        for key, value in headers.items():
            request.send_header(key, value)
        request.send_header("Content-Length", str(len(payload)))
        request.end_headers()
        if body:
            request.wfile.write(payload)
