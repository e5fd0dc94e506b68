"""Encoding web renditions with PyAV (its wheel carries libx264, aac, libopus, libmp3lame).

Every encoder writes to a temporary file beside its destination and renames it into place
only when the muxer has written its trailer: a killed encoder leaves a dot-file that is never
mistaken for a rendition (and is cleaned up on the next run), never half an MP4.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Iterator

from rostra.pipeline.renditions.plan import RenditionOptions, RenditionSpec
from rostra.pipeline.types import MediaError

MILLISECOND = Fraction(1, 1000)
AUDIO_FORMATS = {  # extension → (muxer, codec, sample rate, options key for bitrate)
    "opus": ("ogg", "libopus", 48_000, "opus_bitrate"),
    "mp3": ("mp3", "libmp3lame", 44_100, "mp3_bitrate"),
}


@dataclass(frozen=True)
class EncodedFile:
    path: Path
    size: int
    duration_ms: int
    width: int = 0
    height: int = 0


@contextmanager
def atomic_output(destination: Path, *, directory: bool = False) -> Iterator[Path]:
    """A temporary path beside ``destination``, renamed onto it when the block succeeds."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    if directory:
        temp = Path(tempfile.mkdtemp(dir=destination.parent, prefix=".", suffix=".part"))
    else:
        fd, name = tempfile.mkstemp(dir=destination.parent, prefix=".", suffix=".part")
        os.close(fd)
        temp = Path(name)
    try:
        yield temp
        if directory and destination.exists():
            shutil.rmtree(destination)
        os.replace(temp, destination)
    finally:
        if temp.is_dir():
            shutil.rmtree(temp, ignore_errors=True)
        else:
            temp.unlink(missing_ok=True)


def open_source(path: Path):
    import av

    try:
        return av.open(os.fspath(path), metadata_errors="ignore")
    except av.FFmpegError as exc:
        raise MediaError(f"the recording {Path(path).name} cannot be read for the web versions "
                         f"({getattr(exc, 'strerror', None) or exc}); upload it again") from None


def audio_stream_of(container, index: int):
    audio = container.streams.audio
    if index >= len(audio):
        raise MediaError(f"the recording has {len(audio)} audio track(s), not track {index + 1}")
    return audio[index]


def _retimed(frame, start_seconds: float):
    """The frame with its timestamp in milliseconds from the stream's start."""
    if frame.pts is None or frame.time is None:
        return None
    frame.pts = int(round((frame.time - start_seconds) * 1000))
    frame.time_base = MILLISECOND
    return frame


def _start_seconds(stream) -> float:
    if stream.start_time is None or stream.time_base is None:
        return 0.0
    return float(stream.start_time * stream.time_base)


def _add_aac(output, options: RenditionOptions):
    stream = output.add_stream("aac", rate=48_000, layout="stereo")
    stream.bit_rate = options.aac_bitrate
    return stream


def _encode_audio_frame(frame, resampler, stream, output) -> None:
    frame.pts = None  # the resampler restamps a continuous stream; gaps become silence later
    for converted in resampler.resample(frame):
        for packet in stream.encode(converted):
            output.mux(packet)


def _flush(stream, output, resampler=None) -> None:
    if resampler is not None:
        for converted in resampler.resample(None):
            for packet in stream.encode(converted):
                output.mux(packet)
    for packet in stream.encode(None):
        output.mux(packet)


def encode_mp4(source: Path, spec: RenditionSpec, destination: Path, *,
               options: RenditionOptions, audio_stream: int = 0) -> EncodedFile:
    """H.264 + AAC in MP4 with its index up front (``movflags=+faststart``) at ``spec.height``."""
    import av

    with atomic_output(destination) as temp:
        with open_source(source) as container:
            if not container.streams.video:
                raise MediaError("the recording has no picture to encode as video")
            video_in = container.streams.video[0]
            video_in.thread_type = "AUTO"
            audio_in = audio_stream_of(container, audio_stream)
            rate = video_in.average_rate or video_in.guessed_rate or Fraction(25)
            video_start = _start_seconds(video_in)
            with av.open(os.fspath(temp), "w", format="mp4",
                         options={"movflags": "+faststart"}) as output:
                video_out = output.add_stream("libx264", rate=rate)
                video_out.width, video_out.height = spec.width, spec.height
                video_out.pix_fmt = "yuv420p"
                video_out.time_base = MILLISECOND
                # A keyframe every two seconds: seeking stays quick, and HLS (cut from this
                # file without re-encoding) can only cut at keyframes.
                video_out.options = {"crf": str(options.video_crf),
                                     "preset": options.video_preset,
                                     "g": str(max(1, round(float(rate) * 2)))}
                audio_out = _add_aac(output, options)
                resampler = av.AudioResampler(format="fltp", layout="stereo", rate=48_000)
                last_pts = -1
                for packet in container.demux(video_in, audio_in):
                    for frame in _decode(packet):
                        if packet.stream is audio_in:
                            _encode_audio_frame(frame, resampler, audio_out, output)
                            continue
                        frame = _retimed(frame, video_start)
                        if frame is None or frame.pts <= last_pts:
                            continue  # a duplicate or out-of-order timestamp would stop the muxer
                        last_pts = frame.pts
                        scaled = frame.reformat(width=spec.width, height=spec.height,
                                                format="yuv420p")
                        scaled.pts, scaled.time_base = frame.pts, MILLISECOND
                        for out_packet in video_out.encode(scaled):
                            output.mux(out_packet)
                _flush(video_out, output)
                _flush(audio_out, output, resampler)
        result = describe(temp)
    return EncodedFile(destination, result.size, result.duration_ms, spec.width, spec.height)


def _decode(packet):
    import av

    try:
        return packet.decode()
    except av.FFmpegError:
        return []  # one damaged packet in a stream recording: skip it, keep the rest


def encode_audio(source: Path, spec: RenditionSpec, destination: Path, *,
                 options: RenditionOptions, audio_stream: int = 0) -> EncodedFile:
    """Audio only: Opus in Ogg or MP3, from one audio track of the recording."""
    import av

    muxer, codec, rate, bitrate_option = AUDIO_FORMATS[spec.extension]
    with atomic_output(destination) as temp:
        with open_source(source) as container:
            audio_in = audio_stream_of(container, audio_stream)
            layout = "mono" if (audio_in.codec_context.channels or 1) == 1 else "stereo"
            with av.open(os.fspath(temp), "w", format=muxer) as output:
                audio_out = output.add_stream(codec, rate=rate, layout=layout)
                audio_out.bit_rate = getattr(options, bitrate_option)
                resampler = av.AudioResampler(
                    format=audio_out.codec_context.codec.audio_formats[0].name,
                    layout=layout, rate=rate)
                for packet in container.demux(audio_in):
                    for frame in _decode(packet):
                        _encode_audio_frame(frame, resampler, audio_out, output)
                _flush(audio_out, output, resampler)
        result = describe(temp)
    return EncodedFile(destination, result.size, result.duration_ms)


def mux_with_other_audio(video_mp4: Path, audio_source: Path, destination: Path, *,
                         options: RenditionOptions, audio_stream: int = 0) -> EncodedFile:
    """An MP4 with the picture of ``video_mp4`` (copied, not re-encoded) and another sound.

    How an interpreter's language gets a video: the floor's H.264 packets are copied, the
    interpreter's track is encoded to AAC, and the muxer interleaves the two.
    """
    import av

    with atomic_output(destination) as temp:
        with open_source(video_mp4) as picture, open_source(audio_source) as sound:
            video_in = picture.streams.video[0]
            audio_in = audio_stream_of(sound, audio_stream)
            with av.open(os.fspath(temp), "w", format="mp4",
                         options={"movflags": "+faststart"}) as output:
                video_out = output.add_stream_from_template(video_in)
                audio_out = _add_aac(output, options)
                resampler = av.AudioResampler(format="fltp", layout="stereo", rate=48_000)
                # Take from whichever side is earlier, so sound and picture stay interleaved
                # and a browser playing from the start never has to fetch the file's end.
                packets = (packet for packet in picture.demux(video_in)
                           if packet.dts is not None)
                frames = (frame for packet in sound.demux(audio_in) for frame in _decode(packet))
                packet, frame = next(packets, None), next(frames, None)
                while packet is not None or frame is not None:
                    if frame is None or (packet is not None and
                                         float(packet.dts * packet.time_base) <= (frame.time or 0)):
                        packet.stream = video_out
                        output.mux(packet)
                        packet = next(packets, None)
                    else:
                        _encode_audio_frame(frame, resampler, audio_out, output)
                        frame = next(frames, None)
                _flush(audio_out, output, resampler)
        result = describe(temp)
    return EncodedFile(destination, result.size, result.duration_ms)


def hls_from_mp4(video_mp4: Path, destination: Path, *,
                 options: RenditionOptions) -> EncodedFile:
    """An HLS playlist and its MPEG-TS segments (a folder), cut from an MP4 rendition.

    The packets are copied (no second encode); ``destination`` is the folder, holding
    ``index.m3u8`` and ``segment-NNN.ts``; it appears whole or not at all.
    """
    import av

    with atomic_output(destination, directory=True) as folder:
        with open_source(video_mp4) as source:
            streams_in = [source.streams.video[0], *source.streams.audio[:1]]
            playlist = folder / "index.m3u8"
            with av.open(os.fspath(playlist), "w", format="hls", options={
                "hls_time": str(options.hls_segment_seconds),
                "hls_playlist_type": "vod",
                "hls_segment_filename": os.fspath(folder / "segment-%03d.ts"),
            }) as output:
                mapping = {stream.index: output.add_stream_from_template(stream)
                           for stream in streams_in}
                for packet in source.demux(*streams_in):
                    if packet.dts is None:
                        continue
                    packet.stream = mapping[packet.stream.index]
                    output.mux(packet)
        size = sum(path.stat().st_size for path in folder.iterdir())
        duration_ms = describe(video_mp4).duration_ms
    return EncodedFile(destination, size, duration_ms)


def describe(path: Path) -> EncodedFile:
    """Size and length of a file just written (its muxer's own account)."""
    with open_source(path) as container:
        duration = container.duration or 0
    return EncodedFile(Path(path), Path(path).stat().st_size, int(duration // 1000))
