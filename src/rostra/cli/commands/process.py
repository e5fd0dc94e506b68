from rostra.cli.commands.unavailable import register_unavailable


def register(subparsers, common):
    register_unavailable(subparsers, common, "process", "transcribe and translate speeches",
                         "the speech pipeline")
    register_unavailable(subparsers, common, "worker", "run a Celery worker", "the speech pipeline")
    register_unavailable(subparsers, common, "models", "list or fetch models",
                         "the speech pipeline")
