"""``rostra demo``: build the bundled demo conference and serve it."""

from __future__ import annotations

from rostra.cli.commands.serve import serve_forever
from rostra.cli.output import console


def register(subparsers, common):
    parser = subparsers.add_parser("demo", parents=[common],
                                   help="build and serve the demo archive")
    parser.add_argument("--no-serve", action="store_true", help="only build the archive")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from django.conf import settings

    from rostra.demo.build import build_demo
    from rostra.processing.translation import translation_status_line

    console.print(f"building the demo archive in {settings.DATA_DIR}")
    console.print(translation_status_line(), markup=False)
    result = build_demo(report=lambda line: console.print(line, markup=False))
    published = ", ".join(result.published)
    lines = [
        f"published: {published}",
        f"waiting for review: {', '.join(result.needs_review)}",
        f"admin login: {result.admin_username} / {result.admin_password}",
    ]
    if args.no_serve:
        for line in lines:
            console.print(line, markup=False)
        return 0
    address = f"http://{args.host}:{args.port}"
    lines += [f"website: {address}/en/  ·  {address}/fa/  ·  {address}/ar/",
              f"review: {address}/en/review/   API: {address}/api/docs"]
    serve_forever(args.host, args.port, banner=lines)
    return 0
