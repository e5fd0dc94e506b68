"""What a search tells the reader besides its hits: codes, worded where they are shown.

``SearchResults.notices`` holds codes; the website, the API and the CLI call :func:`describe`
in the reader's language (the API also returns the codes, for programs).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

SOME_WORDS = "some-words"  # no speech has every word; speeches with most of them are shown
NO_SEMANTIC = "no-semantic"  # no embeddings indexed: exact words only
ONLY_STOP_WORDS = "only-stop-words"  # every word is too common to search for


def describe(code: str) -> str:
    """The notice in the active language ("" for a code this version does not know)."""
    texts = {
        SOME_WORDS: _("No speech has every word; showing speeches with most of them."),
        NO_SEMANTIC: _("Only exact words are searched for now; searching by meaning is not "
                       "available."),
        ONLY_STOP_WORDS: _("Every word of the query is too common to search for; add a word "
                           "that says what you are looking for."),
    }
    return texts.get(code, "")
