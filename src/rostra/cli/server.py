"""The production web server behind ``rostra serve`` and ``rostra demo``.

uvicorn (ASGI: live captions stream Server-Sent Events from async views) runs several worker
processes under its own supervisor, which restarts a worker that dies and, on SIGTERM or Ctrl+C,
stops taking connections and lets requests in flight finish. Background processing runs in a
process of its own, so recognizing a recording never slows a page; it stops with the server.
bench/RESULTS.md ("Production server") has the measurements behind the choice.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys

from rostra.cli.output import console
from rostra.core.errors import UserError

GRACEFUL_SECONDS = 20
BACKGROUND_STOP_SECONDS = 10


def check_port_free(host: str, port: int) -> None:
    if not 0 < port < 65536:
        raise UserError(f"--port {port} is not a port number; use 1-65535")
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        raise UserError(
            f"cannot listen on {host}:{port} ({exc.strerror}); stop what uses it or pass --port"
        ) from None


def worker_count(requested: int) -> int:
    """``requested`` processes, or one per core (at least 2, so one slow page never stalls all)."""
    if requested > 0:
        return requested
    return max(2, os.cpu_count() or 1)


def start_background_process() -> subprocess.Popen:
    """The processing loop (rostra.processing.background) in a child with this environment."""
    return subprocess.Popen([sys.executable, "-m", "rostra.processing.background"],
                            env=dict(os.environ))


def stop_background_process(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(BACKGROUND_STOP_SECONDS)
    except subprocess.TimeoutExpired:
        # Stages claim their work and write results in one transaction: a kill loses nothing.
        process.kill()
        process.wait()


def run_server(host: str, port: int, *, workers: int) -> None:
    """Serve rostra.asgi until SIGTERM or Ctrl+C (uvicorn's supervisor handles both)."""
    import uvicorn

    uvicorn.run(
        "rostra.asgi:application", host=host, port=port, workers=workers,
        lifespan="off", access_log=False, log_level="warning",
        timeout_graceful_shutdown=GRACEFUL_SECONDS, proxy_headers=True,
        http="httptools", loop="uvloop",
    )


def serve(host: str, port: int, *, workers: int = 0, background_worker: bool = True,
          banner: list[str] | None = None) -> None:
    from django.conf import settings
    from django.core.management import call_command

    check_port_free(host, port)
    # The manifest storage needs every static file hashed before the first page renders.
    call_command("collectstatic", interactive=False, verbosity=0)
    count = worker_count(workers or settings.ROSTRA_WEB_WORKERS)
    background = None
    if background_worker and not settings.ROSTRA_BROKER_URL:
        background = start_background_process()
    for line in banner or []:
        console.print(line, markup=False)
    console.print(f"serving on http://{host}:{port}/ with {count} processes  (Ctrl+C to stop)",
                  markup=False)
    try:
        run_server(host, port, workers=count)
    finally:
        stop_background_process(background)
