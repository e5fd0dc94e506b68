from rostra.cli.commands.unavailable import register_unavailable


def register(subparsers, common):
    register_unavailable(subparsers, common, "search", "search inside every speech", "search")
