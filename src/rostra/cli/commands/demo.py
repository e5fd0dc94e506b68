from rostra.cli.commands.unavailable import register_unavailable


def register(subparsers, common):
    register_unavailable(subparsers, common, "demo", "build and serve the demo archive",
                         "the demo archive")
