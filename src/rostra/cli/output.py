"""Terminal output shared by the commands: one console, JSON printing, progress bars."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from typing import Any, Iterator

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)

# Directional formatting characters a title or a name may carry (a program file or an API
# client wrote them): printed as they are, an unclosed U+202E reverses the rest of the line.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                          "\u2066\u2067\u2068\u2069")
FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"

console = Console(highlight=False, soft_wrap=True)
error_console = Console(stderr=True, highlight=False, soft_wrap=True)


def isolate(text: str) -> str:
    """User text for one line of terminal output: isolated (FSI … PDI) when it holds right-to-
    left letters or directional controls, so it cannot reorder the words printed around it
    (a PDI closes every embedding or override left open inside)."""
    text = str(text)
    if any(ch in BIDI_CONTROLS for ch in text) or any(
            "\u0590" <= ch <= "\u08ff" or "\ufb1d" <= ch <= "\ufefc" for ch in text):
        return FIRST_STRONG_ISOLATE + text + POP_DIRECTIONAL_ISOLATE
    return text


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


@contextmanager
def progress_bar(*, transient: bool = False) -> Iterator[Progress]:
    """A rich progress display on stderr, so stdout stays clean for --json and pipes."""
    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(),
        console=error_console, transient=transient,
    )
    with progress:
        yield progress
