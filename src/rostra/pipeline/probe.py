"""Probe a media file with PyAV: container, duration, audio and video streams.

Probing also decodes a little of the audio at the start and near the end, so a truncated file
(whose header promises more than the file holds) is caught before it enters the archive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class MediaProbeError(Exception):
    """The file is not usable media; the message says why in words a person understands."""


@dataclass(frozen=True)
class StreamInfo:
    kind: str  # "audio" or "video"
    codec: str
    channels: int | None = None
    sample_rate: int | None = None
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class MediaInfo:
    container: str
    duration_ms: int
    streams: list[StreamInfo] = field(default_factory=list)

    @property
    def audio_streams(self) -> list[StreamInfo]:
        return [s for s in self.streams if s.kind == "audio"]

    @property
    def video_streams(self) -> list[StreamInfo]:
        return [s for s in self.streams if s.kind == "video"]

    @property
    def has_video(self) -> bool:
        # A cover image in an audio file is not a video: it has a single frame and no rate.
        return bool(self.video_streams)


# Still images that FFmpeg happily opens as one-frame "video" with no audio.
_IMAGE_FORMATS = {"image2", "png_pipe", "jpeg_pipe", "gif", "webp_pipe", "bmp_pipe", "tiff_pipe",
                  "svg_pipe", "mjpeg"}


# The first bytes of the containers recordings come in: a file that starts like one but does
# not open is damaged, not "not media".
_SIGNATURES = ((4, b"ftyp", "an MP4/MOV file"), (0, b"\x1aE\xdf\xa3", "a WebM/Matroska file"),
               (0, b"RIFF", "a WAV/AVI file"), (0, b"OggS", "an Ogg file"),
               (0, b"fLaC", "a FLAC file"), (0, b"ID3", "an MP3 file"))


def recognised_container(path: Path) -> str:
    """The container ``path`` starts like ("" when none we know)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(16)
    except OSError:
        return ""
    return next((name for offset, magic, name in _SIGNATURES
                 if head[offset:offset + len(magic)] == magic), "")


def probe_media(path: Path) -> MediaInfo:
    """Read the container and streams of ``path`` and check its audio really decodes.

    Raises MediaProbeError for: not media, no audio stream, no decodable audio, truncation.
    """
    import av

    try:
        container = av.open(str(path), metadata_errors="ignore")
    except (av.error.InvalidDataError, UnicodeDecodeError):
        container_name = recognised_container(path)
        if container_name:
            raise MediaProbeError(f"looks like {container_name} but cannot be read: it is "
                                  "probably truncated or damaged (an incomplete download or "
                                  "copy); copy it again") from None
        raise MediaProbeError("not a media file FFmpeg can read") from None
    except av.error.FFmpegError as exc:
        raise MediaProbeError(f"cannot be read as media ({exc.strerror or exc})") from None
    with container:
        format_name = container.format.name or ""
        if format_name.split(",")[0] in _IMAGE_FORMATS:
            raise MediaProbeError("is an image, not a recording")
        streams = []
        for stream in container.streams:
            if stream.type == "audio":
                ctx = stream.codec_context
                streams.append(StreamInfo("audio", ctx.name if ctx else "", ctx.channels,
                                          ctx.sample_rate))
            elif stream.type == "video":
                if stream.disposition & getattr(av.stream.Disposition, "attached_pic", 1024):
                    continue
                ctx = stream.codec_context
                streams.append(StreamInfo("video", ctx.name if ctx else "", width=ctx.width,
                                          height=ctx.height))
        if not any(s.kind == "audio" for s in streams):
            raise MediaProbeError("has no audio stream, so there is nothing to transcribe")
        duration_ms = _declared_duration_ms(container)
        decoded_ms = _decode_audio_span(container)
        if decoded_ms is None:
            raise MediaProbeError("its audio does not decode (damaged or empty)")
        if duration_ms is None or duration_ms <= 0:
            duration_ms = decoded_ms
        elif decoded_ms < duration_ms * 0.9 - 1000:
            raise MediaProbeError(
                f"is truncated: it declares {duration_ms / 1000:.1f} s but audio ends at "
                f"{decoded_ms / 1000:.1f} s"
            )
    _check_container_complete(path, format_name)
    return MediaInfo(container=format_name, duration_ms=int(duration_ms), streams=streams)


def _check_container_complete(path: Path, format_name: str) -> None:
    """Catch truncation that FFmpeg reports only as a shorter file.

    Ogg and WAV carry no total duration FFmpeg trusts, so a cut-off file probes as a valid
    shorter one. An Ogg stream must end with an end-of-stream page; a RIFF/WAV file must be
    as long as its header says.
    """
    size = path.stat().st_size
    with open(path, "rb") as handle:
        head = handle.read(12)
        if format_name == "ogg":
            handle.seek(max(0, size - 65536))
            tail = handle.read()
            last_page = tail.rfind(b"OggS")
            # header_type byte follows the 4-byte capture pattern and the version byte
            if last_page < 0 or not tail[last_page + 5] & 0x04:
                raise MediaProbeError("is truncated: the Ogg stream has no final page")
        elif format_name == "wav" and head[:4] == b"RIFF" and head[8:12] == b"WAVE":
            declared = int.from_bytes(head[4:8], "little") + 8
            if declared != 0xFFFFFFFF + 8 and size < declared:
                raise MediaProbeError(
                    f"is truncated: the WAV header declares {declared} bytes, the file has {size}"
                )


def _declared_duration_ms(container) -> int | None:
    if container.duration and container.duration > 0:
        return int(container.duration / 1000)  # av.time_base is microseconds
    stream = container.streams.audio[0]
    if stream.duration and stream.time_base:
        return int(stream.duration * stream.time_base * 1000)
    return None


def _decode_audio_span(container) -> int | None:
    """Decode audio packets to the end (demuxing is cheap; decoding only the last few).

    Returns the end time in ms of the last decodable audio, or None when nothing decodes.
    """
    import av

    stream = container.streams.audio[0]
    last_end_ms = None
    decoded_any = False
    try:
        for packet in container.demux(stream):
            if packet.pts is None or packet.size == 0:
                continue
            end = packet.pts + (packet.duration or 0)
            last_end_ms = int(end * packet.time_base * 1000)
            if not decoded_any:
                frames = packet.decode()
                decoded_any = bool(frames)
    except av.error.FFmpegError:
        pass  # a damaged tail: what decoded so far still tells the length
    if not decoded_any:
        return None
    start = stream.start_time * stream.time_base * 1000 if stream.start_time else 0
    return int(last_end_ms - start) if last_end_ms is not None else None
