"""``rostra check [--deploy]``: Django's system checks, and with --deploy rostra's own.

One line per problem (its id, what is wrong, what to do) and exit 1 when there is any, so a
deployment script can stop on it.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks

from rostra.cli.output import console

# Django deploy warnings that a rostra deployment answers elsewhere, with the reason.
ANSWERED_ELSEWHERE = {
    # HSTS for subdomains and browser preload lists bind every host of the domain, which is
    # the domain owner's choice, not rostra's (docs/deployment.md says how to turn them on).
    "security.W005": lambda: True,
    "security.W021": lambda: True,
    # Behind the front server that terminates TLS, it redirects http to https
    # (docs/deployment.md's nginx file); Django sees only proxied https requests.
    "security.W008": lambda: bool(getattr(settings, "SECURE_PROXY_SSL_HEADER", None)),
}


def register(subparsers, common):
    parser = subparsers.add_parser("check", parents=[common],
                                   help="check the configuration (--deploy: for a public site)")
    parser.add_argument("--deploy", action="store_true",
                        help="also check what a public deployment needs")
    parser.set_defaults(handler=run)


def problems(*, deploy: bool) -> list[checks.CheckMessage]:
    found = checks.run_checks(include_deployment_checks=deploy)
    return [message for message in found
            if message.level >= checks.WARNING and not message.is_silenced()
            and not ANSWERED_ELSEWHERE.get(message.id, lambda: False)()]


def describe(message: checks.CheckMessage) -> str:
    text = f"{message.id}: {message.msg}"
    if message.hint:
        text += f" ({message.hint})"
    return " ".join(text.split())


def run(args) -> int:
    found = problems(deploy=args.deploy)
    for message in found:
        console.print(describe(message), markup=False, soft_wrap=True)
    if found:
        console.print(f"{len(found)} problem(s) found", markup=False)
        return 1
    console.print("no problems found" + (" for a public deployment" if args.deploy else ""),
                  markup=False)
    return 0
