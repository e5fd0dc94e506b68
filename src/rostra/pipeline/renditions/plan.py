"""Which web renditions a recording gets: the plan is data, decided before any encoding.

A rendition is named by what a reader would ask for (``mp4-360``, ``opus``, ``poster``…) and
carries everything its encoder needs. Heights are never above the source's: a 480p recording
asked for 720 and 360 gets 480 and 360, never an upscaled copy.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

# Browsers decode these everywhere: H.264/AAC in MP4, Opus in Ogg, MP3; JPEG images; WebVTT.
KIND_VIDEO = "video"
KIND_AUDIO = "audio"
KIND_POSTER = "poster"
KIND_SPRITE = "thumbnails"
KIND_THUMBNAIL_TRACK = "thumbnails-vtt"
KIND_HLS = "hls"


@dataclass(frozen=True)
class RenditionOptions:
    """How renditions are encoded; recorded in every rendition's fingerprint."""

    heights: tuple[int, ...] = (720, 360)
    video_crf: int = 26
    video_preset: str = "veryfast"
    aac_bitrate: int = 96_000
    opus_bitrate: int = 48_000
    mp3_bitrate: int = 96_000
    thumbnail_width: int = 160
    thumbnail_columns: int = 10
    max_thumbnails: int = 400
    hls_from_ms: int = 0  # 0: no HLS; else recordings at least this long get an HLS version
    hls_segment_seconds: int = 6

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class SourceShape:
    """What the plan needs to know about a recording (from its probe)."""

    has_video: bool
    width: int = 0
    height: int = 0
    duration_ms: int = 0


@dataclass(frozen=True)
class RenditionSpec:
    name: str  # mp4-360, opus, mp3, poster, thumbnails, thumbnails-vtt, hls-360
    kind: str
    extension: str
    mime_type: str
    height: int = 0
    width: int = 0
    depends_on: tuple[str, ...] = field(default_factory=tuple)  # renditions it is made from


def even(value: float) -> int:
    """H.264 in 4:2:0 needs even dimensions."""
    return max(2, int(round(value / 2)) * 2)


def video_heights(shape: SourceShape, options: RenditionOptions) -> list[int]:
    """The heights to encode, highest first: the asked ones at or below the source's."""
    if not shape.has_video or not shape.height:
        return []
    heights = sorted({min(height, shape.height) for height in options.heights if height > 0},
                     reverse=True)
    return [even(height) for height in heights]


def plan_renditions(shape: SourceShape, options: RenditionOptions) -> list[RenditionSpec]:
    """Every rendition of a recording, in the order they can be made."""
    specs = [
        RenditionSpec("opus", KIND_AUDIO, "opus", "audio/ogg; codecs=opus"),
        RenditionSpec("mp3", KIND_AUDIO, "mp3", "audio/mpeg"),
    ]
    heights = video_heights(shape, options)
    for height in heights:
        width = even(shape.width * height / shape.height)
        specs.append(RenditionSpec(f"mp4-{height}", KIND_VIDEO, "mp4", "video/mp4",
                                   height=height, width=width))
    if heights:
        top = heights[0]
        poster_width = even(shape.width * top / shape.height)
        specs.append(RenditionSpec("poster", KIND_POSTER, "jpg", "image/jpeg", height=top,
                                   width=poster_width))
        thumb_height = even(options.thumbnail_width * shape.height / shape.width)
        specs.append(RenditionSpec("thumbnails", KIND_SPRITE, "jpg", "image/jpeg",
                                   height=thumb_height, width=options.thumbnail_width))
        # The track's width and height are those of one tile of the sprite.
        specs.append(RenditionSpec("thumbnails-vtt", KIND_THUMBNAIL_TRACK, "vtt", "text/vtt",
                                   height=thumb_height, width=options.thumbnail_width,
                                   depends_on=("thumbnails",)))
        if options.hls_from_ms and shape.duration_ms >= options.hls_from_ms:
            smallest = heights[-1]
            specs.append(RenditionSpec(f"hls-{smallest}", KIND_HLS, "m3u8",
                                       "application/vnd.apple.mpegurl", height=smallest,
                                       depends_on=(f"mp4-{smallest}",)))
    return specs


def plan_language_renditions(shape: SourceShape, options: RenditionOptions
                             ) -> list[RenditionSpec]:
    """Renditions of an interpreter's track: audio only, plus the smallest video with it.

    The picture is the floor recording's; only the sound changes, so the video is copied
    from the floor's smallest MP4, not encoded again.
    """
    specs = [
        RenditionSpec("opus", KIND_AUDIO, "opus", "audio/ogg; codecs=opus"),
        RenditionSpec("mp3", KIND_AUDIO, "mp3", "audio/mpeg"),
    ]
    heights = video_heights(shape, options)
    if heights:
        smallest = heights[-1]
        specs.append(RenditionSpec(f"mp4-{smallest}", KIND_VIDEO, "mp4", "video/mp4",
                                   height=smallest,
                                   width=even(shape.width * smallest / shape.height),
                                   depends_on=(f"mp4-{smallest}",)))
    return specs


def thumbnail_interval_ms(duration_ms: int, options: RenditionOptions) -> int:
    """Seconds between seek thumbnails: ten for a short clip, 10 s typically, fewer when long."""
    if duration_ms < 100_000:
        return max(500, duration_ms // 10)
    return max(10_000, -(-duration_ms // options.max_thumbnails))
