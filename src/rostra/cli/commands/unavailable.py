"""Commands whose feature has not landed yet say so plainly, with a non-zero exit."""

from __future__ import annotations

import argparse

from rostra.core.errors import UserError


def register_unavailable(subparsers, common, name: str, help_text: str, feature: str) -> None:
    parser = subparsers.add_parser(name, parents=[common], help=help_text + " (not available yet)")
    parser.add_argument("rest", nargs=argparse.REMAINDER)

    def handler(args):
        raise UserError(f"`rostra {name}` is not available yet: {feature} has not landed")

    parser.set_defaults(handler=handler, needs_django=False)
