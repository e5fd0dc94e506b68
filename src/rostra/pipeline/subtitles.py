"""WebVTT and SRT in and out, with no Django: validated parsing and writers for the web.

Reading: the bytes are decoded (UTF-8 and UTF-16 byte-order marks honoured, otherwise the
encoding is detected with charset-normalizer, so an old Windows-1256 Arabic SRT still reads
right), the format is recognised from its content, and every cue is checked; a bad file raises
:class:`SubtitleError` naming the line and cue. Cue text keeps its characters exactly (Arabic and
Persian text, ZWNJ, harakat, direction marks); only the markup of the format itself (WebVTT
escapes and tags, SRT's ``<i>``/``<font>``) is removed.

Writing: WebVTT, SRT, plain text. For right-to-left languages each cue line starts with a
RIGHT-TO-LEFT MARK (U+200F). Why a mark and not an isolate: a browser's ``<track>`` renderer
takes a cue's direction from its first strong character (Unicode bidi rules P2/P3), so a Persian
line that starts with "CRISPR" or "2025" would be laid out left to right, and its final full stop
would jump to the wrong end. An RLM is a strong right-to-left character, so the line is laid out
right to left whatever it starts with. An isolate (RLI … PDI) would not work: P2 skips
everything inside an isolate, so a line wrapped in one has no strong character at all and falls
back to left to right. The mark is added only where missing, so writing is idempotent and an
exported file read back and written again is byte-identical.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from rostra.core.paths import unreachable_reason

RLM = "\u200f"

# Big enough for any speech (a 3-hour talk is ~300 KB); a bigger file is something else.
MAX_SUBTITLE_BYTES = 20 * 1024 * 1024
# Cues of one transcript may touch or overlap by rounding; more than this is garbage timing.
OVERLAP_TOLERANCE_MS = 500

FORMATS = ("vtt", "srt", "txt")


class SubtitleError(ValueError):
    """A subtitle file that cannot be used; the message names the file, line and cue."""


@dataclass(frozen=True)
class SubtitleCue:
    """One cue: times in milliseconds, text with lines separated by ``\\n``."""

    start_ms: int
    end_ms: int
    text: str

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


@dataclass(frozen=True)
class SubtitleDocument:
    """A parsed subtitle file: its cues, the format and encoding it was read in."""

    cues: tuple[SubtitleCue, ...]
    format: str  # "vtt" or "srt"
    encoding: str = "utf-8"
    warnings: tuple[str, ...] = field(default_factory=tuple)


# --- reading -------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_subtitle_bytes(data: bytes, *, name: str = "subtitle file") -> tuple[str, str]:
    """Bytes → (text, encoding name). Raises SubtitleError for empty or binary input."""
    if not data.strip():
        raise SubtitleError(f"{name} is empty; give a WebVTT (.vtt) or SRT (.srt) file")
    if len(data) > MAX_SUBTITLE_BYTES:
        raise SubtitleError(f"{name} is {len(data) // 1_000_000} MB, too big for subtitles "
                            f"(limit {MAX_SUBTITLE_BYTES // 1_000_000} MB)")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise SubtitleError(f"{name} starts with a {encoding} byte-order mark but is "
                                    f"not valid {encoding} at byte {exc.start}") from None
    if b"\x00" in data:
        raise SubtitleError(f"{name} is binary, not a subtitle file (it contains NUL bytes)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise SubtitleError(f"{name} is not text in any encoding we recognise; "
                            "save it as UTF-8 and try again")
    return str(best), best.encoding


def read_subtitle_file(path: str | Path) -> SubtitleDocument:
    """Read and validate a .vtt or .srt file (format recognised from the content)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SubtitleError(f"{path}: {unreachable_reason(path)}") from None
    except IsADirectoryError:
        raise SubtitleError(f"{path} is a folder, not a subtitle file") from None
    except OSError as exc:
        reason = unreachable_reason(path) or f"cannot read it ({exc.strerror})"
        raise SubtitleError(f"{path}: {reason}") from None
    text, encoding = decode_subtitle_bytes(data, name=str(path))
    document = parse_subtitles(text, name=str(path))
    return SubtitleDocument(cues=document.cues, format=document.format, encoding=encoding,
                            warnings=document.warnings)


def parse_subtitles(text: str, *, name: str = "subtitle file") -> SubtitleDocument:
    """Parse WebVTT or SRT text; the format is recognised from the content."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise SubtitleError(f"{name} is empty; give a WebVTT (.vtt) or SRT (.srt) file")
    if "\x00" in text:
        raise SubtitleError(f"{name} is binary, not a subtitle file (it contains NUL characters)")
    if re.match(r"WEBVTT(?:[ \t].*)?(?:\n|$)", text):
        return _parse_webvtt(text, name)
    if _looks_like_srt(text):
        return _parse_srt(text, name)
    first = text.strip().split("\n", 1)[0][:40]
    raise SubtitleError(f"{name} is neither WebVTT (it must start with 'WEBVTT') nor SRT "
                        f"(numbered cues with 'HH:MM:SS,mmm --> HH:MM:SS,mmm'); it starts with "
                        f"{first!r}")


def _looks_like_srt(text: str) -> bool:
    head = [line for line in text.split("\n")[:6] if line.strip()]
    return any("-->" in line for line in head[:3])


_VTT_TIME = re.compile(r"^(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})$")
_SRT_TIME = re.compile(r"^(\d{1,3}):([0-5]\d):([0-5]\d)[,.](\d{1,3})$")


def _time_ms(raw: str, pattern: re.Pattern, expected: str, where: str) -> int:
    match = pattern.match(raw.strip())
    if not match:
        raise SubtitleError(f"{where}: bad timestamp {raw.strip()!r}; expected {expected}")
    hours, minutes, seconds, millis = match.groups()
    millis = millis.ljust(3, "0")
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(millis)


# Markup of the formats themselves; text inside is kept.
_TAG = re.compile(r"</?(?:c|i|b|u|v|lang|ruby|rt|font)(?:[.\s][^>]*)?>|<\d[\d:.]*>",
                  re.IGNORECASE)
_VTT_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&lrm;": "\u200e", "&rlm;": RLM,
                 "&nbsp;": "\u00a0"}
_ENTITY = re.compile("|".join(re.escape(key) for key in _VTT_ENTITIES)
                     + r"|&#(\d{1,7});|&#[xX]([0-9a-fA-F]{1,6});")


def _entity(match: re.Match) -> str:
    decimal, hexadecimal = match.group(1), match.group(2)
    if decimal or hexadecimal:
        code = int(decimal) if decimal else int(hexadecimal, 16)
        return chr(code) if 0 < code <= 0x10FFFF else match.group(0)
    return _VTT_ENTITIES[match.group(0)]


def _vtt_text(raw: str) -> str:
    return _ENTITY.sub(_entity, _TAG.sub("", raw))


# SRT's own markup is the HTML-like <i>, <b>, <u> and <font …>.
_SRT_TAG = re.compile(r"</?(?:i|b|u|font)(?:\s[^>]*)?>", re.IGNORECASE)


def _srt_text(raw: str) -> str:
    return _SRT_TAG.sub("", raw)


def _blocks(text: str) -> Iterable[tuple[int, list[str]]]:
    """Blank-line separated blocks with the 1-based line number of their first line."""
    block: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if not block:
                start = number
            block.append(line)
        elif block:
            yield start, block
            block = []
    if block:
        yield start, block


def _parse_webvtt(text: str, name: str) -> SubtitleDocument:
    cues: list[SubtitleCue] = []
    blocks = iter(_blocks(text))
    _, header = next(blocks)  # the WEBVTT line and any header lines under it
    for offset, line in enumerate(header[1:], start=2):
        if "-->" in line:
            raise SubtitleError(f"{name}, line {offset} (cue 1): a blank line must separate "
                                "the WEBVTT header from the first cue")
    for line_number, block in blocks:
        keyword = block[0].split(None, 1)[0] if block[0].split() else ""
        if keyword in ("NOTE", "STYLE", "REGION") and "-->" not in block[0]:
            continue
        timing_index = 0 if "-->" in block[0] else 1
        where = f"{name}, line {line_number + timing_index} (cue {len(cues) + 1})"
        if timing_index >= len(block) or "-->" not in block[timing_index]:
            raise SubtitleError(f"{where}: expected a timing line "
                                "'HH:MM:SS.mmm --> HH:MM:SS.mmm'")
        start_raw, _, rest = block[timing_index].partition("-->")
        end_raw = rest.strip().split()[0] if rest.strip() else ""
        start = _time_ms(start_raw, _VTT_TIME, "HH:MM:SS.mmm or MM:SS.mmm", where)
        end = _time_ms(end_raw, _VTT_TIME, "HH:MM:SS.mmm or MM:SS.mmm", where)
        body = "\n".join(_vtt_text(line) for line in block[timing_index + 1:])
        cues.append(_checked_cue(start, end, body, where))
    return _finish(cues, "vtt", name)


def _parse_srt(text: str, name: str) -> SubtitleDocument:
    cues: list[SubtitleCue] = []
    for line_number, block in _blocks(text):
        timing_index = 1 if len(block) > 1 and "-->" in block[1] else 0
        where = f"{name}, line {line_number + timing_index} (cue {len(cues) + 1})"
        if timing_index == 1 and not block[0].strip().isdigit():
            raise SubtitleError(f"{name}, line {line_number} (cue {len(cues) + 1}): expected "
                                f"a cue number, found {block[0].strip()[:40]!r}")
        if "-->" not in block[timing_index]:
            raise SubtitleError(f"{where}: expected a timing line "
                                f"'HH:MM:SS,mmm --> HH:MM:SS,mmm', found "
                                f"{block[timing_index].strip()[:40]!r}")
        start_raw, _, end_raw = block[timing_index].partition("-->")
        # SRT files from some tools put position hints (X1:…) after the end time.
        end_raw = end_raw.strip().split()[0] if end_raw.strip() else ""
        start = _time_ms(start_raw, _SRT_TIME, "HH:MM:SS,mmm", where)
        end = _time_ms(end_raw, _SRT_TIME, "HH:MM:SS,mmm", where)
        body = "\n".join(_srt_text(line) for line in block[timing_index + 1:])
        cues.append(_checked_cue(start, end, body, where))
    return _finish(cues, "srt", name)


def _checked_cue(start: int, end: int, body: str, where: str) -> SubtitleCue:
    if end < start:
        raise SubtitleError(f"{where}: ends ({format_timestamp(end)}) before it starts "
                            f"({format_timestamp(start)})")
    return SubtitleCue(start, end, body)


def _finish(cues: list[SubtitleCue], fmt: str, name: str) -> SubtitleDocument:
    warnings = []
    kept = []
    for number, cue in enumerate(cues, start=1):
        if not cue.text.strip():
            warnings.append(f"cue {number} has no text and was skipped")
            continue
        if kept:
            previous = kept[-1]
            if cue.start_ms < previous.start_ms:
                raise SubtitleError(
                    f"{name} (cue {number}): starts at {format_timestamp(cue.start_ms)}, "
                    f"before the cue ahead of it ({format_timestamp(previous.start_ms)}); "
                    "cues must be in time order")
            overlap = previous.end_ms - cue.start_ms
            if overlap > OVERLAP_TOLERANCE_MS:
                raise SubtitleError(
                    f"{name} (cue {number}): starts at {format_timestamp(cue.start_ms)}, "
                    f"{overlap / 1000:.1f} s before the cue ahead of it ends "
                    f"({format_timestamp(previous.end_ms)}); a transcript's cues must not "
                    "overlap, fix the timings")
        kept.append(cue)
    if not kept:
        raise SubtitleError(f"{name} has no cues with text")
    return SubtitleDocument(cues=tuple(kept), format=fmt, warnings=tuple(warnings))


# --- writing -------------------------------------------------------------------------------

def format_timestamp(ms: int, *, separator: str = ".") -> str:
    """Milliseconds → ``HH:MM:SS.mmm`` (``separator=","`` for SRT)."""
    ms = max(0, int(ms))
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


def _clean_lines(text: str, *, right_to_left: bool) -> list[str]:
    # A blank line inside a cue would end it in both formats.
    lines = [line.strip() for line in text.replace("\r", "\n").split("\n") if line.strip()]
    if right_to_left:
        lines = [line if line.startswith(RLM) else RLM + line for line in lines]
    return lines


def _srt_line(line: str) -> str:
    # An arrow in the text would read as a timing line to some SRT parsers.
    return line.replace("-->", "->")


def _escape_vtt(line: str) -> str:
    return line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _numbered_cues(cues: Sequence[SubtitleCue], *, right_to_left: bool):
    """(number, cue, cleaned lines, end_ms) for each cue with text, numbered from 1."""
    number = 0
    for cue in cues:
        lines = _clean_lines(cue.text, right_to_left=right_to_left)
        if lines:
            number += 1
            yield number, cue, lines, max(cue.end_ms, cue.start_ms)


def write_webvtt(cues: Sequence[SubtitleCue], *, right_to_left: bool = False) -> str:
    """WebVTT text (UTF-8 when encoded), numbered cues, an RLM per line for RTL languages."""
    parts = ["WEBVTT\n"]
    for number, cue, lines, end in _numbered_cues(cues, right_to_left=right_to_left):
        parts.append(f"\n{number}\n{format_timestamp(cue.start_ms)} --> {format_timestamp(end)}\n"
                     + "".join(_escape_vtt(line) + "\n" for line in lines))
    return "".join(parts)


def write_srt(cues: Sequence[SubtitleCue], *, right_to_left: bool = False) -> str:
    """SRT text, numbered from 1, an RLM per line for RTL languages."""
    parts = []
    for number, cue, lines, end in _numbered_cues(cues, right_to_left=right_to_left):
        parts.append(f"{number}\n{format_timestamp(cue.start_ms, separator=',')} --> "
                     f"{format_timestamp(end, separator=',')}\n"
                     + "\n".join(_srt_line(line) for line in lines) + "\n\n")
    # Every cue ends with a blank line, as srt.compose writes it.
    return "".join(parts)


_SENTENCE_END = tuple(".?!…؟。")


def write_plain_text(cues: Sequence[SubtitleCue]) -> str:
    """The words only: cues joined by spaces, a new line after each sentence, no marks added."""
    out: list[str] = []
    for cue in cues:
        text = " ".join(_clean_lines(cue.text, right_to_left=False))
        if not text:
            continue
        if out and not out[-1].endswith("\n"):
            out.append(" ")
        out.append(text)
        if text.rstrip("\"'»”)\u200f\u200e").endswith(_SENTENCE_END):
            out.append("\n")
    text = "".join(out)
    return text if not text or text.endswith("\n") else text + "\n"


def write_subtitles(cues: Sequence[SubtitleCue], fmt: str, *, right_to_left: bool = False) -> str:
    """Dispatch on ``fmt`` (vtt, srt, txt)."""
    if fmt == "vtt":
        return write_webvtt(cues, right_to_left=right_to_left)
    if fmt == "srt":
        return write_srt(cues, right_to_left=right_to_left)
    if fmt == "txt":
        return write_plain_text(cues)
    raise ValueError(f"unknown subtitle format {fmt!r}; choose one of {', '.join(FORMATS)}")
