"""Machine translation throughput (and, with references, quality) of rostra's CTranslate2 engine.

    python bench/mt_benchmark.py                          # tiny random model: mechanics only
    python bench/mt_benchmark.py --model DIR --source en --target fa \\
        --sentences test.en --references test.fa          # a real converted model

Variants, same model, same tokenization, same beam size, one after the other in this process:
  baseline  one sentence per call, in the file's order (what a user writing a loop does)
  rostra    CTranslate2Engine's batching: sentences sorted by length, batches of up to 32
            sentences / 2048 tokens, results put back in order

Prints model load time, sentences/s and source tokens/s of each, the speed-up, and — when
--references is given — chrF (always) and BLEU (when sacrebleu is installed) of each variant's
output. Without --model a tiny random-weight NLLB-style model is built in a temporary folder:
its figures show the mechanics (batching, tokenization, overhead) and say nothing about a real
model's speed or any translation quality.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from rostra.pipeline.mt.ctranslate2_engine import CTranslate2Engine  # noqa: E402

# Neutral sentences of varied length (science, cities, culture, health, technology).
DEFAULT_SENTENCES = [
    "Cities reuse water every day.",
    "Rain gardens help cities stay cool in summer.",
    "The new tool edits genes in plant cells.",
    "Solar panels on the library roof make electricity for the reading rooms.",
    "Museums share their collections online.",
    "A short walk after lunch lowers blood sugar.",
    "The bridge was built from recycled steel and opened to cyclists first.",
    "Researchers measured air quality in forty schools over two winters.",
    "Old maps show where the river used to flow before the city grew.",
    "Thank you.",
    "The telescope can see galaxies that formed soon after the first stars.",
    "Community kitchens teach children how to cook with local vegetables.",
    "Electric buses are quieter, and drivers say passengers notice the difference.",
    "The archive keeps recordings of every lecture since the festival began.",
    "Questions?",
    "Sensors in the soil tell farmers when the fields need water, which saves both water "
    "and energy during the dry months of the year.",
]


def chrf(hypotheses: list[str], references: list[str], *, order: int = 6,
         beta: float = 2.0) -> float:
    """Corpus chrF (character n-grams up to 6, recall weighted by beta=2), as sacreBLEU
    computes it by default, without word n-grams; 0–100."""
    matches = [0] * order
    hyp_total = [0] * order
    ref_total = [0] * order
    for hypothesis, reference in zip(hypotheses, references):
        hyp_chars, ref_chars = hypothesis.replace(" ", ""), reference.replace(" ", "")
        for n in range(1, order + 1):
            hyp_grams = Counter(hyp_chars[i:i + n] for i in range(len(hyp_chars) - n + 1))
            ref_grams = Counter(ref_chars[i:i + n] for i in range(len(ref_chars) - n + 1))
            matches[n - 1] += sum((hyp_grams & ref_grams).values())
            hyp_total[n - 1] += sum(hyp_grams.values())
            ref_total[n - 1] += sum(ref_grams.values())
    scores = []
    for n in range(order):
        precision = matches[n] / hyp_total[n] if hyp_total[n] else 0.0
        recall = matches[n] / ref_total[n] if ref_total[n] else 0.0
        if precision + recall == 0:
            scores.append(0.0)
            continue
        scores.append((1 + beta ** 2) * precision * recall / (beta ** 2 * precision + recall))
    return 100 * sum(scores) / order


def quality(hypotheses: list[str], references: list[str]) -> str:
    try:
        import sacrebleu
    except ImportError:
        return f"chrF {chrf(hypotheses, references):.1f} (BLEU: pip install sacrebleu)"
    bleu = sacrebleu.corpus_bleu(hypotheses, [references])
    chrf_score = sacrebleu.corpus_chrf(hypotheses, [references])
    return f"BLEU {bleu.score:.1f}  chrF {chrf_score.score:.1f} (sacreBLEU {sacrebleu.__version__})"


def read_lines(path: str) -> list[str]:
    return [line.rstrip("\n") for line in Path(path).read_text(encoding="utf-8").splitlines()]


def run_variant(engine: CTranslate2Engine, sentences: list[str], source: str, target: str,
                *, one_by_one: bool) -> tuple[float, list[str]]:
    start = time.perf_counter()
    if one_by_one:
        output = [engine.translate_batch([sentence], source, target)[0] for sentence in sentences]
    else:
        output = engine.translate_batch(sentences, source, target)
    return time.perf_counter() - start, output


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="converted CTranslate2 model folder (default: tiny)")
    parser.add_argument("--source", default="en")
    parser.add_argument("--target", default="fa")
    parser.add_argument("--sentences", help="source sentences, one per line")
    parser.add_argument("--references", help="reference translations, one per line")
    parser.add_argument("--count", type=int, default=320,
                        help="sentences from the built-in set when --sentences is not given")
    parser.add_argument("--beam-size", type=int, default=4)
    parser.add_argument("--threads", type=int, default=0, help="CPU threads (0: all cores)")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--compute-type", default="auto")
    parser.add_argument("--max-decoding-length", type=int, default=None,
                        help="cap on output tokens (default: tiny model 48, else engine's)")
    args = parser.parse_args()

    if args.sentences:
        sentences = read_lines(args.sentences)
    else:
        sentences = (DEFAULT_SENTENCES * (args.count // len(DEFAULT_SENTENCES) + 1))[:args.count]
    references = read_lines(args.references) if args.references else None
    if references is not None and len(references) != len(sentences):
        parser.error(f"{len(sentences)} sentences but {len(references)} references")

    temporary = None
    model_path = args.model
    max_decoding_length = args.max_decoding_length
    label = model_path
    if not model_path:
        from rostra.pipeline.mt.tiny_model import build_tiny_model

        temporary = tempfile.TemporaryDirectory(prefix="rostra-mt-bench-")
        model_path = build_tiny_model(Path(temporary.name) / "tiny-nllb", family="nllb",
                                      d_model=256, layers=3, heads=4)
        # A random model rarely stops by itself; the same cap for both variants keeps the
        # comparison about batching, not about how long the gibberish runs.
        max_decoding_length = max_decoding_length or 48
        label = "tiny random NLLB-style model (d_model 256, 3+3 layers) — MECHANICS ONLY"

    def engine(**options) -> CTranslate2Engine:
        return CTranslate2Engine(model_path, beam_size=args.beam_size, device=args.device,
                                 compute_type=args.compute_type, intra_threads=args.threads,
                                 max_decoding_length=max_decoding_length, **options)

    rostra = engine()
    start = time.perf_counter()
    rostra.translate_batch(["warm up"], args.source, args.target)
    load_s = time.perf_counter() - start
    baseline = engine(max_batch_size=1)
    baseline.translate_batch(["warm up"], args.source, args.target)

    tokens = sum(len(rostra._load(rostra.route(args.source, args.target)[0][2])
                     .source_tokenizer.encode(s)) for s in sentences)
    device, compute_type = rostra._device_and_type()
    print(f"model: {label}")
    print(f"pair: {args.source} → {args.target}  route: "
          + " → ".join([args.source] + [hop[1] for hop in rostra.route(args.source, args.target)]))
    print(f"device: {device} {compute_type}, threads: {args.threads or os.cpu_count()}, "
          f"beam size: {args.beam_size}, sentences: {len(sentences)}, source tokens: {tokens}")
    print(f"model load + first sentence: {load_s:.2f} s")
    results = {}
    for name, variant, one_by_one in (("baseline", baseline, True), ("rostra", rostra, False)):
        seconds, output = run_variant(variant, sentences, args.source, args.target,
                                      one_by_one=one_by_one)
        results[name] = seconds
        line = (f"{name:9s} {seconds:7.2f} s  {len(sentences) / seconds:8.1f} sentences/s  "
                f"{tokens / seconds:9.0f} source tokens/s")
        if references is not None:
            line += "  " + quality(output, references)
        print(line)
    print(f"speed-up rostra / baseline: {results['baseline'] / results['rostra']:.2f}×")
    if temporary is not None:
        print("note: random weights — these figures are about mechanics, not a real model; "
              "no translation quality is measured")
        temporary.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
