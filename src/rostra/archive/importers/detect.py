"""Which parser reads a file: decided by its content (the extension only breaks ties), so a
``schedule.json`` saved as ``.txt`` imports, and a PNG named ``program.csv`` is refused plainly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from rostra.archive.importers.csv_program import parse_csv_program
from rostra.archive.importers.frab_json import parse_schedule_json
from rostra.archive.importers.frab_xml import parse_frab_xml
from rostra.archive.importers.types import ProgramData, ProgramError

# Files people pick by mistake, by their first bytes.
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (an .xlsx or .ods spreadsheet?); save the sheet as CSV UTF-8"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (.xls?); save the sheet as CSV UTF-8"),
    (b"\x1f\x8b", "a gzip archive; unpack it first"),
    (b"OggS", "an Ogg recording; add recordings with `rostra media add`"),
    (b"\x1aE\xdf\xa3", "a Matroska/WebM recording; add recordings with `rostra media add`"),
    (b"ID3", "an MP3 recording; add recordings with `rostra media add`"),
    (b"RIFF", "a RIFF file (WAV/AVI?); add recordings with `rostra media add`"),
)

Parser = Callable[..., ProgramData]


def detect_format(data: bytes, name: str = "") -> tuple[str, Parser]:
    """``(format name, parser)`` for ``data``; raise :class:`ProgramError` when it is no
    program this importer reads."""
    if not data.strip():
        raise ProgramError("", "the file is empty")
    for signature, what in SIGNATURES:
        if data.startswith(signature):
            raise ProgramError("", f"this is {what}, not a program")
    if data[4:8] == b"ftyp":
        raise ProgramError("", "this is an MP4/MOV recording, not a program; add recordings "
                               "with `rostra media add`")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ProgramError("", "the file is UTF-16; save it as UTF-8")
    head = data[:4096]
    if b"\x00" in head:
        raise ProgramError("", "this is a binary file, not a program (CSV, schedule.xml or "
                               "schedule.json)")
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    suffix = Path(name).suffix.lower()
    if start.startswith(b"<"):
        return "frab-xml", parse_frab_xml
    if start.startswith((b"{", b"[")):
        return "schedule-json", parse_schedule_json
    first_line = start.split(b"\n", 1)[0]
    if suffix in (".csv", ".tsv", ".txt") or any(sep in first_line for sep in b",;\t"):
        return "csv", parse_csv_program
    raise ProgramError("", "unknown format: not a CSV program, a frab schedule.xml or a "
                           "schedule.json")


def parse_program(data: bytes, *, source: str) -> ProgramData:
    """Detect the format of ``data`` and parse it."""
    _, parser = detect_format(data, source)
    return parser(data, source=source)
