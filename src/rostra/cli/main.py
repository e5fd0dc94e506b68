"""The ``rostra`` command: parses arguments, sets up Django, runs one command module.

Each command lives in ``rostra.cli.commands.<name>`` with a ``register(subparsers, common)``
function. A user's mistake (:class:`UserError`) prints one line and exits non-zero; only a bug
prints a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from rostra import __version__
from rostra.core.errors import UserError

COMMAND_MODULES = (
    "init",
    "program",
    "media",
    "subtitles",
    "process",
    "models",
    "search",
    "serve",
    "status",
    "logs",
    "demo",
    "bundle",
    "live",
)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir", default=argparse.SUPPRESS, metavar="DIR",
        help="data directory (default: $ROSTRA_DATA_DIR or ./rostra-data)",
    )
    parser = argparse.ArgumentParser(
        prog="rostra", parents=[common],
        description="Publish a conference's speeches in every language its audience reads.",
    )
    parser.add_argument("--version", action="version", version=f"rostra {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"rostra.cli.commands.{name}")
        module.register(subparsers, common)
    return parser


def setup_django(data_dir: str | None) -> None:
    if data_dir:
        os.environ["ROSTRA_DATA_DIR"] = os.path.abspath(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rostra.settings")
    import django

    django.setup()
    check_configuration()


def check_configuration() -> None:
    """Run rostra's system checks: print warnings, stop on errors (one line each, with hint)."""
    from django.core.checks import ERROR, run_checks

    from rostra.core.checks import TAG
    from rostra.core.errors import ConfigurationError

    messages = run_checks(tags=[TAG])
    for message in messages:
        if message.level < ERROR:
            print(f"rostra: warning: {message.id}: {message.msg} ({message.hint})",
                  file=sys.stderr)
    errors = [f"{message.id}: {message.msg} ({message.hint})" for message in messages
              if message.level >= ERROR]
    if errors:
        raise ConfigurationError("\nrostra: error: ".join(errors))


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        if getattr(args, "needs_django", True):
            setup_django(getattr(args, "data_dir", None))
        result = args.handler(args)
        return int(result or 0)
    except UserError as error:
        print(f"rostra: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("rostra: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `rostra ... | head` closed the pipe: not an error of ours.
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
