"""``rostra init``: create the data directory, apply migrations, make an admin account."""

from __future__ import annotations

import secrets

from rostra.cli.database import ensure_database
from rostra.cli.output import console


def register(subparsers, common):
    parser = subparsers.add_parser("init", parents=[common],
                                   help="create the data dir, database and an admin account")
    parser.add_argument("--admin", default="admin", metavar="USERNAME",
                        help="admin account to create if missing (default: admin)")
    parser.add_argument("--password", default=None,
                        help="its password (default: a random one, printed once)")
    parser.set_defaults(handler=run)


def ensure_admin(username: str, password: str | None = None) -> str | None:
    """Create the admin account if it does not exist; return the new password, else None."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    if User.objects.filter(username=username).exists():
        if password:
            user = User.objects.get(username=username)
            user.set_password(password)
            user.save(update_fields=["password"])
            return password
        return None
    password = password or secrets.token_urlsafe(12)
    User.objects.create_superuser(username=username, email="", password=password)
    return password


def run(args) -> int:
    from django.conf import settings

    ensure_database()
    password = ensure_admin(args.admin, args.password)
    console.print(f"data directory: {settings.DATA_DIR}")
    if password:
        console.print(f"admin account: {args.admin} / {password}")
    else:
        console.print(f"admin account {args.admin} already exists")
    return 0
