"""``rostra serve``: the website and API on a production server, with background processing."""

from __future__ import annotations

from rostra.cli.database import ensure_database
from rostra.cli.server import serve


def register(subparsers, common):
    parser = subparsers.add_parser("serve", parents=[common], help="serve the website and API")
    add_server_arguments(parser)
    parser.add_argument("--no-worker", action="store_true",
                        help="do not process new media in the background")
    parser.set_defaults(handler=run_serve)


def add_server_arguments(parser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument("--workers", type=int, default=0, metavar="N",
                        help="web server processes (default: $ROSTRA_WEB_WORKERS, or one per core)")


def run_serve(args) -> int:
    ensure_database()
    serve(args.host, args.port, workers=args.workers, background_worker=not args.no_worker)
    return 0
