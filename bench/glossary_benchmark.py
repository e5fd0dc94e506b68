"""Names spelled right: speech recognition with and without the speech's glossary.

    python bench/glossary_benchmark.py [--languages en,ar,fa]

Clips: sentences full of rare names (speakers, cities, rooms, topics), spoken by espeak-ng's
English, Arabic and Persian voices, recognised by rostra's own engine (FasterWhisperEngine,
the bundled Whisper base model, CPU int8, rostra's defaults) three ways, one after the other
in this process, same model:

  none            no glossary (what rostra did before)
  hotwords        the names as faster-whisper ``hotwords`` (a prefix before every window)
  initial_prompt  the names as faster-whisper ``initial_prompt``

Prints, per language and variant: name accuracy (share of the names whose spelling appears in
the transcript, compared after glossary folding: case, diacritics, yeh/kaf variants) and WER
(jiwer, lower case, punctuation removed). Synthetic speech of invented names: the figures
compare the variants with each other, they say nothing about a real hall recording.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from rostra.pipeline.glossary import GlossaryTerm, asr_hints, contains, fold  # noqa: E402

# (voice, sentence, names said in it). Invented people; neutral topics.
CLIPS = {
    "en": [
        ("en", "Siobhan Kowalczyk opened the session on river restoration in Tabriz.",
         ["Siobhan Kowalczyk", "Tabriz"]),
        ("en", "Next, Oluwaseun Adeyemi explains how Kermanshah stores rainwater.",
         ["Oluwaseun Adeyemi", "Kermanshah"]),
        ("en", "The workshop on solar roofs moves to the Ferdowsi Hall after lunch.",
         ["Ferdowsi Hall"]),
        ("en", "Thanks to Nguyen Thi Huong for the photographs from Zanjan.",
         ["Nguyen Thi Huong", "Zanjan"]),
    ],
    "ar": [
        ("ar", "افتتحت سيوبهان كوالتشيك الجلسة عن إحياء الأنهار في تبريز.",
         ["سيوبهان كوالتشيك", "تبريز"]),
        ("ar", "بعد ذلك يشرح أولوسيون أديمي كيف تخزن كرمانشاه مياه المطر.",
         ["أولوسيون أديمي", "كرمانشاه"]),
        ("ar", "تنتقل ورشة الأسطح الشمسية إلى قاعة الفردوسي بعد الغداء.",
         ["قاعة الفردوسي"]),
    ],
    "fa": [
        ("fa", "شیوان کوالچیک نشست احیای رودخانه‌ها در تبریز را آغاز کرد.",
         ["شیوان کوالچیک", "تبریز"]),
        ("fa", "سپس اولوسئون ادیمی توضیح می‌دهد که کرمانشاه چگونه آب باران را نگه می‌دارد.",
         ["اولوسئون ادیمی", "کرمانشاه"]),
        ("fa", "کارگاه بام‌های خورشیدی پس از ناهار به تالار فردوسی می‌رود.",
         ["تالار فردوسی"]),
    ],
}
VARIANTS = ("none", "hotwords", "initial_prompt")


def normalize(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", fold(text))).strip()


def synthesize(folder: Path, language: str, index: int, voice: str, text: str) -> Path:
    path = folder / f"{language}-{index}.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", "140", "-w", str(path), text], check=True)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--languages", default="en,ar,fa")
    args = parser.parse_args()
    import jiwer

    from rostra.pipeline.asr.faster_whisper_engine import FasterWhisperEngine
    from rostra.pipeline.types import AsrOptions

    cache = Path(tempfile.gettempdir()) / "rostra-bench-models"
    engine = FasterWhisperEngine(model="bundled-base", model_cache=cache)
    engine.load()
    print("variant         lang  names right        WER      seconds")
    with tempfile.TemporaryDirectory() as folder:
        for language in args.languages.split(","):
            clips = [(synthesize(Path(folder), language, index, voice, text), text, names)
                     for index, (voice, text, names) in enumerate(CLIPS[language])]
            # The speech's glossary: every name of this language's clips, as the program gives.
            glossary = [GlossaryTerm({language: name}) for _, _, names in clips for name in names]
            hints = asr_hints(glossary, language)
            for variant in VARIANTS:
                right = total = 0
                references, hypotheses = [], []
                started = time.perf_counter()
                for path, text, names in clips:
                    options = AsrOptions(language=language,
                                         hotwords=hints if variant == "hotwords" else "",
                                         initial_prompt=hints if variant == "initial_prompt"
                                         else "")
                    result = engine.transcribe_file(path, options=options)
                    right += sum(contains(result.text, name) for name in names)
                    total += len(names)
                    references.append(normalize(text))
                    hypotheses.append(normalize(result.text) or "-")
                seconds = time.perf_counter() - started
                error = jiwer.wer(references, hypotheses)
                print(f"{variant:15} {language:5} {right:2}/{total:<2} "
                      f"({100 * right / total:5.1f} %)  {100 * error:6.1f} %  {seconds:7.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
