"""Still images from a video: the poster frame, and seek-preview thumbnails.

Thumbnails are one sprite (a grid of small frames in one JPEG, one request for all of them)
plus a WebVTT track whose cues point into it with media fragments (``thumbnails.jpg#xywh=…``),
the form video players read for previews on the seek bar. JPEGs are written with PyAV's own
MJPEG encoder: no image library is needed.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np

from rostra.pipeline.renditions.encode import (EncodedFile, atomic_output, open_source,
                                               _start_seconds)
from rostra.pipeline.renditions.plan import RenditionOptions, RenditionSpec, \
    thumbnail_interval_ms
from rostra.pipeline.subtitles import format_timestamp
from rostra.pipeline.types import MediaError

# The poster is taken this far in (a tenth of the recording, at most this far): the first
# frame of a stream recording is often black or a countdown.
POSTER_AT_MOST_MS = 30_000


def jpeg_bytes(rgb: np.ndarray, *, quality: int = 4) -> bytes:
    """An RGB array encoded as a baseline JPEG (``quality`` is MJPEG's qscale: 2 best–31)."""
    import av

    height, width = rgb.shape[:2]
    codec = av.CodecContext.create("mjpeg", "w")
    codec.width, codec.height = width, height
    codec.pix_fmt = "yuvj420p"
    codec.time_base = Fraction(1, 25)
    codec.options = {"qmin": str(quality), "qmax": str(quality)}
    frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
    packets = list(codec.encode(frame.reformat(format="yuvj420p"))) + list(codec.encode(None))
    return b"".join(bytes(packet) for packet in packets)


def iter_frames_at(source: Path, times_ms: list[int], *, width: int, height: int):
    """(time_ms, RGB array) for the first frame at or after each of ``times_ms``, in order."""
    with open_source(source) as container:
        if not container.streams.video:
            raise MediaError("the recording has no picture for a poster or thumbnails")
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        start = _start_seconds(stream)
        wanted = iter(sorted(times_ms))
        target = next(wanted, None)
        last = None
        for packet in container.demux(stream):
            try:
                frames = packet.decode()
            except Exception:  # a damaged packet: the next frame will do
                continue
            for frame in frames:
                if frame.time is None:
                    continue
                last = frame
                while target is not None and (frame.time - start) * 1000 >= target:
                    yield target, frame.reformat(width=width, height=height,
                                                 format="rgb24").to_ndarray()
                    target = next(wanted, None)
                if target is None:
                    return
        # Past the last frame (times rounded up at the end): repeat the last picture.
        while target is not None and last is not None:
            yield target, last.reformat(width=width, height=height, format="rgb24").to_ndarray()
            target = next(wanted, None)


def make_poster(source: Path, spec: RenditionSpec, destination: Path, *,
                duration_ms: int) -> EncodedFile:
    at = min(POSTER_AT_MOST_MS, duration_ms // 10)
    frames = list(iter_frames_at(source, [at], width=spec.width, height=spec.height))
    if not frames:
        raise MediaError("no frame of the recording decodes, so it has no poster image")
    with atomic_output(destination) as temp:
        temp.write_bytes(jpeg_bytes(frames[0][1]))
    return EncodedFile(destination, destination.stat().st_size, 0, spec.width, spec.height)


def thumbnail_times(duration_ms: int, options: RenditionOptions) -> list[int]:
    interval = thumbnail_interval_ms(duration_ms, options)
    return list(range(0, max(duration_ms, 1), interval))


def make_thumbnail_sprite(source: Path, spec: RenditionSpec, destination: Path, *,
                          duration_ms: int, options: RenditionOptions) -> EncodedFile:
    """A grid of frames, ``options.thumbnail_columns`` wide, one per thumbnail time."""
    times = thumbnail_times(duration_ms, options)
    tiles = [rgb for _, rgb in iter_frames_at(source, times, width=spec.width,
                                              height=spec.height)]
    if not tiles:
        raise MediaError("no frame of the recording decodes, so it has no thumbnails")
    columns = min(options.thumbnail_columns, len(tiles))
    rows = -(-len(tiles) // columns)
    sprite = np.zeros((rows * spec.height, columns * spec.width, 3), dtype=np.uint8)
    for index, tile in enumerate(tiles):
        row, column = divmod(index, columns)
        sprite[row * spec.height:(row + 1) * spec.height,
               column * spec.width:(column + 1) * spec.width] = tile
    with atomic_output(destination) as temp:
        temp.write_bytes(jpeg_bytes(sprite, quality=6))
    return EncodedFile(destination, destination.stat().st_size, 0, columns * spec.width,
                       rows * spec.height)


def thumbnail_track(*, sprite_name: str, duration_ms: int, width: int, height: int,
                    options: RenditionOptions) -> str:
    """The WebVTT track naming each thumbnail's region of the sprite (``#xywh=x,y,w,h``).

    ``sprite_name`` is relative: a track's URLs resolve against the track's own address, so
    the same text works wherever the site serves the pair.
    """
    times = thumbnail_times(duration_ms, options)
    columns = min(options.thumbnail_columns, len(times))
    lines = ["WEBVTT", ""]
    for index, start in enumerate(times):
        end = times[index + 1] if index + 1 < len(times) else max(duration_ms, start + 1)
        row, column = divmod(index, columns)
        lines += [f"{format_timestamp(start)} --> {format_timestamp(end)}",
                  f"{sprite_name}#xywh={column * width},{row * height},{width},{height}", ""]
    return "\n".join(lines)
