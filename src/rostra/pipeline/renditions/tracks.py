"""A recording's audio tracks: their language tags, and copying one out into a file of its own.

Conference recordings carry the floor and one interpreter channel per language as separate
audio tracks. Each interpreter track is copied (packets, not re-encoded: lossless and fast)
into a Matroska audio file, so recognition and encoding treat it like any other recording.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from rostra.pipeline.renditions.encode import atomic_output, audio_stream_of, open_source
from rostra.pipeline.types import MediaError

# Containers tag tracks with ISO 639-2 codes (bibliographic or terminological); rostra uses
# ISO 639-1. Codes not listed are kept if already two letters, else left untagged.
ISO_639_2_TO_1 = {
    "eng": "en", "per": "fa", "fas": "fa", "ara": "ar", "ger": "de", "deu": "de", "fre": "fr",
    "fra": "fr", "spa": "es", "ita": "it", "por": "pt", "rus": "ru", "tur": "tr", "chi": "zh",
    "zho": "zh", "jpn": "ja", "kor": "ko", "urd": "ur", "heb": "he", "hin": "hi", "dut": "nl",
    "nld": "nl", "pol": "pl", "ukr": "uk", "kur": "ku", "pus": "ps", "aze": "az", "uzb": "uz",
}


@dataclass(frozen=True)
class AudioTrack:
    number: int  # 1-based, among the audio tracks only: what `--track 2=fa` counts
    language: str  # ISO 639-1 from the container's tag, or "" when untagged
    codec: str
    channels: int


def language_from_tag(tag: str) -> str:
    tag = (tag or "").strip().lower()
    if tag in ISO_639_2_TO_1:
        return ISO_639_2_TO_1[tag]
    return tag if len(tag) == 2 and tag.isalpha() else ""


def list_audio_tracks(path: Path) -> list[AudioTrack]:
    with open_source(path) as container:
        return [AudioTrack(number=number, language=language_from_tag(
                    stream.metadata.get("language", "")),
                    codec=stream.codec_context.name or "",
                    channels=stream.codec_context.channels or 0)
                for number, stream in enumerate(container.streams.audio, start=1)]


def extract_audio_track(source: Path, number: int, destination: Path) -> Path:
    """Copy audio track ``number`` (1-based) of ``source`` into an audio file of its own.

    The packets are copied into Matroska (``destination``) when it can hold them as they are;
    when it cannot (some AAC from MPEG-TS lacks the setup Matroska wants up front) the track is
    decoded and written as FLAC beside it (``destination`` with ``.flac``): lossless either way.
    Returns the path written.
    """
    import av

    try:
        return _copy_track(source, number, destination)
    except av.FFmpegError:
        return _flac_track(source, number, destination.with_suffix(".flac"))


def _copy_track(source: Path, number: int, destination: Path) -> Path:
    import av

    with atomic_output(destination) as temp:
        with open_source(source) as container:
            stream_in = audio_stream_of(container, number - 1)
            with av.open(os.fspath(temp), "w", format="matroska") as output:
                stream_out = output.add_stream_from_template(stream_in)
                _keep_language(stream_in, stream_out)
                for packet in container.demux(stream_in):
                    if packet.dts is None:
                        continue
                    packet.stream = stream_out
                    output.mux(packet)
    return destination


def _flac_track(source: Path, number: int, destination: Path) -> Path:
    import av

    with atomic_output(destination) as temp:
        with open_source(source) as container:
            stream_in = audio_stream_of(container, number - 1)
            with av.open(os.fspath(temp), "w", format="flac") as output:
                # Made at the first decoded frame: a track whose packets come late in the file
                # is described by the container only once decoding has reached it.
                stream_out = resampler = None
                for packet in container.demux(stream_in):
                    try:
                        frames = packet.decode()
                    except av.FFmpegError:
                        continue  # one damaged packet of a stream recording
                    for frame in frames:
                        if stream_out is None:
                            layout = "mono" if len(frame.layout.channels) == 1 else "stereo"
                            stream_out = output.add_stream("flac", rate=frame.sample_rate,
                                                           layout=layout)
                            _keep_language(stream_in, stream_out)
                            resampler = av.AudioResampler(format="s16", layout=layout,
                                                          rate=frame.sample_rate)
                        frame.pts = None
                        for converted in resampler.resample(frame):
                            for out in stream_out.encode(converted):
                                output.mux(out)
                if stream_out is None:
                    raise MediaError(f"audio track {number} holds no sound that decodes")
                for converted in resampler.resample(None):
                    for out in stream_out.encode(converted):
                        output.mux(out)
                for out in stream_out.encode(None):
                    output.mux(out)
    return destination


def _keep_language(stream_in, stream_out) -> None:
    if stream_in.metadata.get("language"):
        stream_out.metadata["language"] = stream_in.metadata["language"]
