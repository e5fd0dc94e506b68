"""Errors a user can fix. The CLI, the web and the API print them as one line, never a traceback."""


class UserError(Exception):
    """A mistake in what the user gave us: says what went wrong, where, and what to do.

    ``exit_code`` follows the shell's convention: 2 for bad usage or input.
    """

    exit_code = 2

    def __init__(self, message: str, *, exit_code: int | None = None):
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class ConfigurationError(UserError):
    """A ROSTRA_* setting that cannot be parsed or does not make sense."""

    exit_code = 78  # EX_CONFIG
