"""``rostra serve``: the website and API on one machine, with background processing."""

from __future__ import annotations

import socket

from rostra.cli.database import ensure_database
from rostra.cli.output import console
from rostra.core.errors import UserError


def register(subparsers, common):
    parser = subparsers.add_parser("serve", parents=[common], help="serve the website and API")
    add_server_arguments(parser)
    parser.set_defaults(handler=run_serve)


def add_server_arguments(parser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument("--no-worker", action="store_true",
                        help="do not process new media in the background")


def serve_forever(host: str, port: int, *, background_worker: bool = True,
                  banner: list[str] | None = None) -> None:
    """Serve the WSGI app with a threaded server until interrupted."""
    from django.core.management import call_command
    from django.core.servers.basehttp import get_internal_wsgi_application
    from django.core.servers.basehttp import run as run_wsgi_server

    from rostra.processing.background import start_background_worker

    if not 0 < port < 65536:
        raise UserError(f"--port {port} is not a port number; use 1-65535")
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        raise UserError(
            f"cannot listen on {host}:{port} ({exc.strerror}); stop what uses it or pass --port"
        ) from None
    call_command("collectstatic", interactive=False, verbosity=0)
    if background_worker:
        start_background_worker()
    for line in banner or []:
        console.print(line)
    console.print(f"serving on http://{host}:{port}/  (Ctrl+C to stop)")
    run_wsgi_server(host, port, get_internal_wsgi_application(), threading=True)


def run_serve(args) -> int:
    ensure_database()
    serve_forever(args.host, args.port, background_worker=not args.no_worker)
    return 0

