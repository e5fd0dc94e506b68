"""Errors a user can fix. The CLI, the web and the API print them as one line, never a traceback."""


class UserError(Exception):
    """A mistake in what the user gave us: says what went wrong, where, and what to do.

    ``exit_code`` follows the shell's convention: 2 for bad usage or input.
    """

    exit_code = 2

    def __init__(self, message: str, *, exit_code: int | None = None,
                 params: dict | None = None):
        """With ``params``, ``message`` is an English template marked with gettext_noop
        (``%(name)s`` placeholders): ``str()`` stays English (CLI lines, logs, the API) and
        ``translated()`` gives the active language's text (the editors' pages)."""
        self.template = message if params is not None else None
        self.params = params or {}
        super().__init__(message % self.params if params is not None else message)
        if exit_code is not None:
            self.exit_code = exit_code

    def translated(self, *, number=str) -> str:
        """The message in the active language when it was marked for translation, else as
        written (English). ``number`` writes integer parameters (counts, segment numbers)
        in the reader's digits; text parameters (slugs, codes, input) stay as given."""
        if self.template is None:
            return str(self)
        from django.utils.translation import gettext

        params = {name: number(value) if isinstance(value, int) and not isinstance(value, bool)
                  else value for name, value in self.params.items()}
        return gettext(self.template) % params


class ConfigurationError(UserError):
    """A ROSTRA_* setting that cannot be parsed or does not make sense."""

    exit_code = 78  # EX_CONFIG
