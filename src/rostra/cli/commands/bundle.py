from rostra.cli.commands.unavailable import register_unavailable


def register(subparsers, common):
    register_unavailable(subparsers, common, "export", "write a portable archive bundle",
                         "export and restore")
    register_unavailable(subparsers, common, "import-archive", "restore an exported bundle",
                         "export and restore")
