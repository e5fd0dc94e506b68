"""Web renditions: encode speed (× real time) and sizes, beside the obvious alternatives.

    python bench/renditions_benchmark.py [--seconds 30] [--width 1280 --height 720]

Builds a synthetic 720p stream recording (MPEG-TS, H.264 + AAC, two audio tracks: the floor
and an interpreter) with PyAV, then times each rendition rostra makes. Two baselines run in
the same process: the interpreter's MP4 encoded again from scratch (what rostra avoids by
copying the floor's picture), and HLS encoded again (rostra cuts it from the MP4 without
re-encoding). The machine is shared: the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from rostra.pipeline.renditions import encode, images  # noqa: E402
from rostra.pipeline.renditions.plan import (RenditionOptions, RenditionSpec,  # noqa: E402
                                             SourceShape, plan_renditions)
from rostra.pipeline.renditions.tracks import extract_audio_track  # noqa: E402


def synthetic_recording(path: Path, *, seconds: float, width: int, height: int) -> Path:
    """A lecture-like picture (still background, a moving pointer, a slide change every 10 s)
    with two speech-band audio tracks; encoded like a stream recorder would (fast preset)."""
    fps = 25
    rng = np.random.default_rng(7)
    slides = [rng.integers(40, 220, (height // 8, width // 8, 3), dtype=np.uint8)
              .repeat(8, 0).repeat(8, 1) for _ in range(int(seconds // 10) + 1)]
    with av.open(str(path), "w", format="mpegts") as container:
        video = container.add_stream("libx264", rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.options = {"preset": "ultrafast", "crf": "20"}
        tracks = []
        for tag in ("eng", "per"):
            stream = container.add_stream("aac", rate=48000, layout="mono")
            stream.metadata["language"] = tag
            tracks.append(stream)
        for index in range(int(seconds * fps)):
            frame_image = slides[index // (fps * 10)].copy()
            x = int((index * 7) % (width - 40))
            frame_image[height // 2:height // 2 + 40, x:x + 40] = 255
            frame = av.VideoFrame.from_ndarray(frame_image, format="rgb24")
            frame.pts, frame.time_base = index, Fraction(1, fps)
            for packet in video.encode(frame):
                container.mux(packet)
        for packet in video.encode(None):
            container.mux(packet)
        samples = int(seconds * 48000)
        t = np.arange(samples) / 48000
        tracks_pcm = []
        for number in range(len(tracks)):
            voice = np.sin(2 * np.pi * (180 + 60 * number) * t) * (0.5 + 0.5 * np.sin(t * 3))
            noise = rng.normal(0, 0.05, samples)
            tracks_pcm.append(((voice * 0.3 + noise) * 32767).clip(-32767, 32767)
                              .astype(np.int16))
        # One second of each track in turn, as a recorder interleaves them.
        for offset in range(0, samples, 48000):
            for stream, pcm in zip(tracks, tracks_pcm):
                chunk = np.ascontiguousarray(pcm[offset:offset + 48000].reshape(1, -1))
                frame = av.AudioFrame.from_ndarray(chunk, format="s16", layout="mono")
                frame.sample_rate, frame.pts = 48000, offset
                for packet in stream.encode(frame):
                    container.mux(packet)
        for stream in tracks:
            for packet in stream.encode(None):
                container.mux(packet)
    return path


def timed(label, seconds_of_media, function, rows):
    started = time.monotonic()
    result = function()
    elapsed = time.monotonic() - started
    size = result.size if hasattr(result, "size") else Path(result).stat().st_size
    rows.append((label, elapsed, seconds_of_media / elapsed if elapsed else 0, size))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=720)
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, load average before: {os.getloadavg()}")
    folder = Path(tempfile.mkdtemp(prefix="renditions-bench-"))
    started = time.monotonic()
    source = synthetic_recording(folder / "stream.ts", seconds=args.seconds, width=args.width,
                                 height=args.height)
    print(f"source: {args.width}x{args.height}, {args.seconds:.0f} s, MPEG-TS, "
          f"{source.stat().st_size / 1e6:.1f} MB, built in {time.monotonic() - started:.1f} s")
    options = RenditionOptions(hls_from_ms=1)
    shape = SourceShape(True, args.width, args.height, int(args.seconds * 1000))
    specs = {spec.name: spec for spec in plan_renditions(shape, options)}
    rows: list[tuple[str, float, float, int]] = []
    duration = args.seconds
    for name, spec in specs.items():
        out = folder / f"{name}.{spec.extension}"
        if spec.kind == "video":
            timed(name, duration, lambda: encode.encode_mp4(source, spec, out, options=options),
                  rows)
        elif spec.kind == "audio":
            timed(name, duration,
                  lambda: encode.encode_audio(source, spec, out, options=options), rows)
        elif spec.kind == "poster":
            timed(name, duration, lambda: images.make_poster(
                source, spec, out, duration_ms=int(duration * 1000)), rows)
        elif spec.kind == "thumbnails":
            timed(name, duration, lambda: images.make_thumbnail_sprite(
                source, spec, out, duration_ms=int(duration * 1000), options=options), rows)
    smallest = min((s for s in specs.values() if s.kind == "video"), key=lambda s: s.height)
    small_mp4 = folder / f"{smallest.name}.mp4"
    timed(f"hls-{smallest.height} (copied from the MP4)", duration,
          lambda: encode.hls_from_mp4(small_mp4, folder / "hls", options=options), rows)
    interpreter = extract_audio_track(source, 2, folder / "interpreter.mka")
    timed(f"interpreter {smallest.name} (picture copied)", duration,
          lambda: encode.mux_with_other_audio(small_mp4, interpreter, folder / "int.mp4",
                                              options=options), rows)
    timed(f"BASELINE interpreter {smallest.name} encoded again", duration,
          lambda: encode.encode_mp4(source, smallest, folder / "int-again.mp4",
                                    options=options, audio_stream=1), rows)
    print(f"load average after: {os.getloadavg()}")
    print()
    print("| rendition | seconds | × real time | size |")
    print("|---|---|---|---|")
    print(f"| original (served as-is today) | – | – | {source.stat().st_size / 1e6:.2f} MB |")
    for label, elapsed, speed, size in rows:
        print(f"| {label} | {elapsed:.2f} | {speed:.1f}× | {size / 1e6:.2f} MB |")
    copied = next(r for r in rows if r[0].startswith("interpreter"))
    again = next(r for r in rows if r[0].startswith("BASELINE"))
    print(f"\ninterpreter video, copy vs encode again: {again[1] / copied[1]:.1f}× faster")


if __name__ == "__main__":
    main()
