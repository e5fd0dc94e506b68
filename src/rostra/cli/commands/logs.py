"""``rostra logs``: the last lines of the data dir's log (website and API errors, warnings)."""

from __future__ import annotations

from collections import deque

from rostra.core.errors import UserError


def register(subparsers, common):
    parser = subparsers.add_parser(
        "logs", parents=[common], help="print the end of the error log",
        description="Print the last lines of DATA_DIR/logs/rostra.log: every website and API "
                    "error with its request id, path and traceback (see docs/operations.md).")
    parser.add_argument("--lines", "-n", metavar="N", type=int, default=50,
                        help="how many lines (default 50)")
    parser.add_argument("--path", action="store_true", help="print the log file's path only")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from django.conf import settings

    from rostra.core.logs import log_file

    path = log_file(settings.DATA_DIR)
    if args.path:
        print(path)
        return 0
    if args.lines < 1:
        raise UserError(f"--lines {args.lines}: give a number of at least 1")
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            tail = deque(handle, maxlen=args.lines)
    except FileNotFoundError:
        tail = deque()
    except OSError as exc:
        raise UserError(f"cannot read the log {path} ({exc.strerror}); check its permissions")
    if not tail:
        print(f"no log yet at {path}: nothing has been logged")
    print("".join(tail), end="")
    return 0
