"""Why a path that should be a file is not one, in words (no Django here: the pipeline uses it).

``Path.exists()`` is False for a symbolic link that loops or points nowhere, so "no such file"
would blame the user for a file they can see in ``ls``."""

from __future__ import annotations

import errno
import os
from pathlib import Path


def unreachable_reason(path: Path) -> str:
    """"" when ``path`` can be opened, else why not (no such file, a looping or broken link)."""
    try:
        os.stat(path)
        return ""
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "is a symbolic link that loops back on itself; point it at the real file"
        if os.path.islink(path):
            return (f"is a symbolic link to {os.readlink(path)}, which does not exist; "
                    "fix the link")
        if exc.errno == errno.ENOENT:
            return "no such file; check the path"
        return f"cannot be opened ({exc.strerror}); check the path and its permissions"
