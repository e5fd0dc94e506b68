#!/usr/bin/env python3
"""Synthesize rostra's bundled demo conference from src/rostra/demo/speeches.json.

Run once by a maintainer (the outputs are committed; nothing here runs at install or demo time):

    python tools/synthesize_demo.py            # rewrite media, subtitles, program, manifest
    python tools/synthesize_demo.py --check-wer /tmp/whisper-base   # also score English ASR

Needs Debian's `espeak-ng` on PATH, PyAV, numpy and Pillow (`pip install -e '.[demo-build]'`)
for the title cards, with a font that has Arabic glyphs (DejaVu Sans by default).

Each cue of speeches.json is spoken on its own, so its start and end in the final recording are
known exactly, not guessed: the reference subtitles carry the real timings and the translations
reuse them cue for cue. Writes, under src/rostra/demo/: media/<slug>.opus or .webm,
subtitles/<slug>.<lang>.vtt, program.csv and manifest.json.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import math
import shutil
import subprocess
import sys
import tempfile
import wave
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

REPO = Path(__file__).resolve().parent.parent
DEMO_DIR = REPO / "src" / "rostra" / "demo"
LANGUAGES = ("fa", "ar", "en")
RTL_LANGUAGES = ("fa", "ar")

# Pauses shape how natural the talk sounds and give subtitle readers a breath between cues.
LEAD_IN_S = 0.8
PAUSE_WITHIN_SENTENCE_S = 0.3
PAUSE_BETWEEN_SENTENCES_S = 0.7
TAIL_S = 1.2
# A cue shorter than this is stretched into the following silence, so readers can catch it.
MIN_CUE_S = 1.0
MAX_CUE_S = 7.0
MAX_LINE_CHARS = 42
MAX_LINES = 2

OUTPUT_RATE = 48000
AUDIO_BIT_RATE = 24000
VIDEO_SIZE = (640, 360)
VIDEO_FPS = 1
FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD_FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

PROGRAM_COLUMNS = [
    "id", "guid", "slug", "event", "event_name_fa", "event_name_ar", "event_name_en",
    "event_timezone", "language", "start", "duration", "room", "session", "type",
    "title_fa", "title_ar", "title_en", "subtitle_fa", "subtitle_ar", "subtitle_en",
    "abstract_fa", "abstract_ar", "abstract_en", "topics", "topics_fa", "topics_ar",
    "speakers_en", "speakers_fa", "speakers_ar", "speaker_ids", "speaker_countries",
    "speaker_regions", "speaker_affiliations_en", "speaker_affiliations_fa",
    "speaker_affiliations_ar", "url", "license",
]


class DemoDataError(Exception):
    """speeches.json asks for something the demo's rules forbid (a cue too long, too short)."""


@dataclass(frozen=True)
class TimedCue:
    start_ms: int
    end_ms: int
    texts: dict[str, str]


@dataclass(frozen=True)
class SpokenSpeech:
    samples: np.ndarray  # int16 mono at `rate`
    rate: int
    cues: list[TimedCue]


# --- speech synthesis ------------------------------------------------------------------------


def speak(*, text: str, voice: str, rate: int, workdir: Path) -> tuple[np.ndarray, int]:
    """Run espeak-ng on one cue; return its samples with the silence around the voice cut off."""
    wav_path = workdir / "cue.wav"
    subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(wav_path), "--stdin"],
        input=text.encode("utf-8"),
        check=True,
    )
    with wave.open(str(wav_path), "rb") as wav:
        sample_rate = wav.getframerate()
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").copy()
    voiced = np.flatnonzero(np.abs(samples.astype(np.int32)) > 300)
    if voiced.size == 0:
        raise DemoDataError(f"espeak-ng produced silence for {text!r} (voice {voice})")
    margin = int(0.02 * sample_rate)
    first = max(0, voiced[0] - margin)
    last = min(samples.size, voiced[-1] + margin)
    return samples[first:last], sample_rate


def synthesize_speech(speech: dict, workdir: Path) -> SpokenSpeech:
    """Speak every cue of one speech in order, with pauses, and record each cue's timings."""
    language = speech["language"]
    pieces: list[np.ndarray] = []
    spans: list[tuple[int, int, dict[str, str]]] = []
    rate = 0
    position = 0

    def silence(seconds: float) -> None:
        nonlocal position
        count = int(round(seconds * rate))
        pieces.append(np.zeros(count, dtype=np.int16))
        position += count

    for sentence_index, sentence in enumerate(speech["sentences"]):
        for cue_index, cue in enumerate(sentence):
            # Arabic is written without short vowels; espeak-ng then drops them and becomes
            # hard to follow, so a cue may carry a fully vowelled "spoken" form of its text.
            samples, cue_rate = speak(
                text=cue.get("spoken", cue[language]), voice=speech["voice"],
                rate=speech["rate"], workdir=workdir,
            )
            if rate == 0:
                rate = cue_rate
                silence(LEAD_IN_S)
            elif cue_index == 0:
                silence(PAUSE_BETWEEN_SENTENCES_S)
            else:
                silence(PAUSE_WITHIN_SENTENCE_S)
            spans.append((position, position + samples.size, cue))
            pieces.append(samples)
            position += samples.size
    silence(TAIL_S)

    cues = []
    for index, (first, last, texts) in enumerate(spans):
        start_ms = round(first * 1000 / rate)
        end_ms = round(last * 1000 / rate)
        next_start_ms = (
            round(spans[index + 1][0] * 1000 / rate) if index + 1 < len(spans)
            else round(position * 1000 / rate)
        )
        if end_ms - start_ms < MIN_CUE_S * 1000:
            end_ms = min(next_start_ms, start_ms + int(MIN_CUE_S * 1000))
        cues.append(TimedCue(start_ms=start_ms, end_ms=end_ms, texts=texts))
    return SpokenSpeech(samples=np.concatenate(pieces), rate=rate, cues=cues)


# --- subtitles -------------------------------------------------------------------------------


def wrap_cue_text(text: str) -> list[str]:
    """Split a cue into at most two balanced lines of at most MAX_LINE_CHARS characters."""
    text = " ".join(text.split())
    if len(text) <= MAX_LINE_CHARS:
        return [text]
    words = text.split(" ")
    best: list[str] | None = None
    best_score = math.inf
    for split in range(1, len(words)):
        lines = [" ".join(words[:split]), " ".join(words[split:])]
        if max(len(line) for line in lines) > MAX_LINE_CHARS:
            continue
        # Balanced lines read best; a break after a clause reads better still, and a line
        # ending on "a", "the", "of" strands a word from the one it belongs to.
        score = max(map(len, lines))
        if lines[0][-1] in ",;:،؛":
            score -= 12
        if words[split - 1].lower() in ("a", "an", "the", "of", "to", "in", "on", "and", "by"):
            score += 12
        if score < best_score:
            best, best_score = lines, score
    if best is None:
        raise DemoDataError(
            f"cue does not fit {MAX_LINES} lines of {MAX_LINE_CHARS} characters: {text!r}"
        )
    return best


def format_timestamp(ms: int) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def render_webvtt(cues: list[TimedCue], language: str) -> str:
    blocks = ["WEBVTT"]
    for number, cue in enumerate(cues, start=1):
        duration_s = (cue.end_ms - cue.start_ms) / 1000
        if not MIN_CUE_S <= duration_s <= MAX_CUE_S:
            raise DemoDataError(
                f"cue {number} ({language}) lasts {duration_s:.2f} s, outside "
                f"{MIN_CUE_S}-{MAX_CUE_S} s: {cue.texts[language]!r}; split or join it"
            )
        lines = wrap_cue_text(cue.texts[language])
        timing = f"{format_timestamp(cue.start_ms)} --> {format_timestamp(cue.end_ms)}"
        blocks.append("\n".join([str(number), timing, *lines]))
    return "\n\n".join(blocks) + "\n"


# --- title card ------------------------------------------------------------------------------


def render_title_card(*, speech: dict, data: dict) -> np.ndarray:
    """Draw the still frame shown during a demo video: event, title, subtitle, speakers."""
    from PIL import Image, ImageDraw, ImageFont

    language = speech["language"]
    rtl = language in RTL_LANGUAGES
    direction = "rtl" if rtl else "ltr"
    width, height = VIDEO_SIZE
    margin = 40
    image = Image.new("RGB", VIDEO_SIZE, (18, 44, 74))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, height - 8, width, height], fill=(242, 169, 59))

    def font(size: int, bold: bool = False):
        return ImageFont.truetype(BOLD_FONT_PATH if bold else FONT_PATH, size)

    def wrapped(text: str, face) -> list[str]:
        lines: list[str] = []
        for word in text.split():
            candidate = f"{lines[-1]} {word}" if lines else word
            fits = draw.textlength(candidate, font=face, direction=direction, language=language)
            if lines and fits <= width - 2 * margin:
                lines[-1] = candidate
            elif lines:
                lines.append(word)
            else:
                lines = [word]
        return lines

    def write(text: str, y: int, face, colour) -> int:
        for line in wrapped(text, face):
            x, anchor = (width - margin, "ra") if rtl else (margin, "la")
            draw.text((x, y), line, font=face, fill=colour, anchor=anchor,
                      direction=direction, language=language)
            y += int(face.size * 1.45)
        return y

    # Room and date are Latin text: laid out left to right, placed on the reading side.
    place = f"{speech['room']}  ·  {speech['start'][:10]}"
    draw.text((width - margin if rtl else margin, height - 56), place, font=font(18),
              fill=(190, 210, 230), anchor="ra" if rtl else "la", direction="ltr")

    speakers = "، ".join if rtl else ", ".join
    names = speakers(data["speakers"][key]["name"][language] for key in speech["speakers"])
    y = write(data["event"]["name"][language], margin, font(20), (190, 210, 230))
    y = write(speech["title"][language], y + 40, font(36, bold=True), (255, 255, 255))
    y = write(speech["subtitle"][language], y + 4, font(24), (220, 230, 240))
    write(names, y + 28, font(22), (242, 169, 59))
    return np.asarray(image)


# --- encoding --------------------------------------------------------------------------------


def encode_media(*, spoken: SpokenSpeech, path: Path, title_card: np.ndarray | None) -> None:
    """Write Opus in Ogg (audio only) or VP9 + Opus in WebM (with a still title card)."""
    tmp_path = path.with_name(path.name + ".tmp")
    container_format = "webm" if title_card is not None else "ogg"
    # bitexact keeps the files byte-stable across runs, so re-running the script makes no diff.
    container = av.open(str(tmp_path), "w", format=container_format,
                        options={"fflags": "+bitexact"})
    audio = container.add_stream("libopus", rate=OUTPUT_RATE, layout="mono")
    audio.bit_rate = AUDIO_BIT_RATE
    audio.codec_context.options = {"application": "voip"}
    audio.codec_context.flags |= av.codec.context.Flags.bitexact
    video = None
    if title_card is not None:
        video = container.add_stream("libvpx-vp9", rate=VIDEO_FPS)
        video.width, video.height = VIDEO_SIZE
        video.pix_fmt = "yuv420p"
        video.codec_context.gop_size = 10
        video.codec_context.options = {"crf": "40", "b": "0", "deadline": "good",
                                       "cpu-used": "4", "row-mt": "1"}
        video.codec_context.flags |= av.codec.context.Flags.bitexact

    resampler = av.AudioResampler(format="s16", layout="mono", rate=OUTPUT_RATE)
    total_seconds = spoken.samples.size / spoken.rate
    frame_count = math.ceil(total_seconds * VIDEO_FPS) if video else 0
    chunk = spoken.rate // max(VIDEO_FPS, 1)  # audio per video frame keeps the two interleaved
    for index, offset in enumerate(range(0, spoken.samples.size, chunk)):
        if video is not None and index < frame_count:
            frame = av.VideoFrame.from_ndarray(title_card, format="rgb24")
            frame.pts = index
            frame.time_base = Fraction(1, VIDEO_FPS)
            container.mux(video.encode(frame.reformat(format="yuv420p")))
        piece = spoken.samples[offset:offset + chunk]
        frame = av.AudioFrame.from_ndarray(piece.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = spoken.rate
        frame.pts = offset
        frame.time_base = Fraction(1, spoken.rate)
        for resampled in resampler.resample(frame):
            container.mux(audio.encode(resampled))
    for resampled in resampler.resample(None):
        container.mux(audio.encode(resampled))
    container.mux(audio.encode(None))
    if video is not None:
        container.mux(video.encode(None))
    container.close()
    tmp_path.replace(path)


def probe_duration_ms(path: Path) -> int:
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        last_end = 0
        for packet in container.demux(stream):
            if packet.pts is not None and packet.duration:
                last_end = max(last_end, packet.pts + packet.duration)
        return int(last_end * stream.time_base * 1000)


# --- program, manifest -----------------------------------------------------------------------


def program_row(*, speech: dict, data: dict, duration_ms: int) -> dict[str, str]:
    event = data["event"]
    speakers = [data["speakers"][key] for key in speech["speakers"]]
    seconds = math.ceil(duration_ms / 1000)
    row = {
        "id": speech["id"],
        "guid": speech["guid"],
        "slug": speech["slug"],
        "event": event["slug"],
        "event_timezone": event["timezone"],
        "language": speech["language"],
        "start": speech["start"],
        "duration": f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}",
        "room": speech["room"],
        "session": speech["session"],
        "type": "talk",
        "topics": ";".join(speech["topics"]),
        "speaker_ids": ";".join(speech["speakers"]),
        "speaker_countries": ";".join(s["country"] for s in speakers),
        "speaker_regions": ";".join(s["region"] for s in speakers),
        "url": f"{event['url']}talks/{speech['slug']}/",
        "license": event["license"],
    }
    for lang in LANGUAGES:
        row[f"event_name_{lang}"] = event["name"][lang]
        for field in ("title", "subtitle", "abstract"):
            row[f"{field}_{lang}"] = speech[field][lang]
        row[f"speakers_{lang}"] = ";".join(s["name"][lang] for s in speakers)
        row[f"speaker_affiliations_{lang}"] = ";".join(s["affiliation"][lang] for s in speakers)
        if lang != "en":
            row[f"topics_{lang}"] = ";".join(data["topics"][t][lang] for t in speech["topics"])
    return row


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_demo(*, data: dict, only: set[str] | None) -> list[dict]:
    """Synthesize and write every speech; return the manifest entries."""
    (DEMO_DIR / "media").mkdir(exist_ok=True)
    (DEMO_DIR / "subtitles").mkdir(exist_ok=True)
    entries = []
    rows = []
    with tempfile.TemporaryDirectory(prefix="rostra-demo-") as tmp:
        for speech in data["speeches"]:
            slug = speech["slug"]
            is_video = speech["media"] == "video"
            media_name = f"{slug}.webm" if is_video else f"{slug}.opus"
            media_path = DEMO_DIR / "media" / media_name
            spoken = None
            if only is None or slug in only:
                print(f"synthesizing {slug} ({speech['language']}) …", file=sys.stderr)
                spoken = synthesize_speech(speech, Path(tmp))
                card = render_title_card(speech=speech, data=data) if is_video else None
                encode_media(spoken=spoken, path=media_path, title_card=card)
            duration_ms = probe_duration_ms(media_path)
            subtitles = {}
            for lang in LANGUAGES:
                vtt_name = f"{slug}.{lang}.vtt"
                if spoken is not None:
                    if spoken.cues[-1].end_ms > duration_ms:
                        raise DemoDataError(f"{slug}: last cue ends after the media")
                    text = render_webvtt(spoken.cues, lang)
                    (DEMO_DIR / "subtitles" / vtt_name).write_text(text, encoding="utf-8")
                subtitles[lang] = {
                    "file": f"subtitles/{vtt_name}",
                    "origin": "original" if lang == speech["language"] else "translation",
                }
            entries.append({
                "slug": slug,
                "id": speech["id"],
                "guid": speech["guid"],
                "language": speech["language"],
                "title": speech["title"],
                "media": {
                    "file": f"media/{media_name}",
                    "kind": speech["media"],
                    "duration_ms": duration_ms,
                    "size": media_path.stat().st_size,
                    "sha256": sha256_of(media_path),
                },
                "subtitles": subtitles,
            })
            rows.append(program_row(speech=speech, data=data, duration_ms=duration_ms))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=PROGRAM_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (DEMO_DIR / "program.csv").write_text(buffer.getvalue(), encoding="utf-8")
    return entries


# --- word error rate check -------------------------------------------------------------------


def check_english_wer(*, model_dir: Path, entries: list[dict]) -> dict[str, float]:
    """Transcribe the English speeches with faster-whisper; return WER against the references."""
    import re

    import jiwer
    import webvtt
    from faster_whisper import WhisperModel

    def normalize(text: str) -> str:
        text = text.lower().replace("'", "").replace("’", "")
        return " ".join(re.sub(r"[^\w\s]", " ", text).split())

    model = WhisperModel(str(model_dir), device="cpu", compute_type="int8")
    scores = {}
    for entry in entries:
        if entry["language"] != "en":
            continue
        reference_file = DEMO_DIR / entry["subtitles"]["en"]["file"]
        reference = " ".join(cue.text.replace("\n", " ") for cue in webvtt.read(reference_file))
        segments, _ = model.transcribe(
            str(DEMO_DIR / entry["media"]["file"]), language="en", beam_size=5, vad_filter=True
        )
        hypothesis = " ".join(segment.text for segment in segments)
        scores[entry["slug"]] = jiwer.wer(normalize(reference), normalize(hypothesis))
        print(f"{entry['slug']}: WER {scores[entry['slug']]:.3f}\n  {hypothesis.strip()}")
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", metavar="SLUG",
                        help="re-synthesize only this speech (repeatable); others are kept")
    parser.add_argument("--check-wer", metavar="MODEL_DIR", type=Path,
                        help="afterwards, score the English speeches with this faster-whisper model")
    args = parser.parse_args(argv)
    if shutil.which("espeak-ng") is None:
        print("synthesize_demo: error: espeak-ng is not installed (apt-get install espeak-ng)",
              file=sys.stderr)
        return 2
    data = json.loads((DEMO_DIR / "speeches.json").read_text(encoding="utf-8"))
    try:
        entries = build_demo(data=data, only=set(args.only) if args.only else None)
    except DemoDataError as error:
        print(f"synthesize_demo: error: {error}", file=sys.stderr)
        return 1
    manifest = {
        "event": data["event"]["slug"],
        "program": "program.csv",
        "languages": list(LANGUAGES),
        "speeches": entries,
    }
    (DEMO_DIR / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    total = sum(p.stat().st_size for p in DEMO_DIR.rglob("*") if p.is_file())
    print(f"demo written: {len(entries)} speeches, {total / 1e6:.2f} MB in {DEMO_DIR}",
          file=sys.stderr)
    if args.check_wer:
        scores = check_english_wer(model_dir=args.check_wer, entries=entries)
        return 0 if all(score <= 0.10 for score in scores.values()) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
