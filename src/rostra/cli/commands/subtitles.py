from rostra.cli.commands.unavailable import register_unavailable


def register(subparsers, common):
    register_unavailable(subparsers, common, "subtitles", "import or export subtitles",
                         "subtitle import/export")
