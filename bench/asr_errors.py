"""Where two variants of bench/asr_benchmark.py differ: word errors per piece of the long recording.

    python bench/asr_errors.py [--long-seconds 600] [--variants baseline,rostra] [--show 8]

Reads the transcripts asr_benchmark.py kept (bench/out/asr-cache/hyp-VARIANT-long-N.txt) and
the reference, aligns each variant's words to the reference once (jiwer, the same
normalization as the benchmark), and counts errors per piece (a demo speech or one synthetic
paragraph, in recording order, with its start time), so the extra errors of one variant show
up where they are: at a window join, a VAD cut, one voice, or spread evenly. Then prints the
pieces where the variants differ most, with both transcripts of them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from asr_benchmark import (CACHE, CORPUS, VOICES, decode, english_demo,  # noqa: E402
                           normalize)


def pieces_of(reference: str, demo) -> list[tuple[str, float, str]]:
    """(text, start second, label) of each piece, in the order long_recording() laid them out."""
    paragraphs = [line.strip() for line in CORPUS.read_text().splitlines() if line.strip()]
    found, start = [], 0.0
    for slug, path, text in demo:
        found.append((text, start, f"demo {slug}"))
        start += len(decode(path)) / 16000 + 1
    index = 0
    while len(" ".join(text for text, _, _ in found)) < len(reference):
        voice, speed = VOICES[(index // len(paragraphs)) % len(VOICES)]
        found.append((paragraphs[index % len(paragraphs)], start,
                      f"espeak {voice} {speed} #{index % len(paragraphs)}"))
        start = float("nan")  # synthetic lengths are not kept; times of the demo part only
        index += 1
    return found


def errors_per_piece(pieces, hypothesis: str) -> tuple[list[int], list[list[str]]]:
    import jiwer

    words_per_piece = [len(normalize(text).split()) for text, _, _ in pieces]
    owner = np.repeat(np.arange(len(pieces)), words_per_piece)
    reference = " ".join(normalize(text) for text, _, _ in pieces)
    hypothesis_words = normalize(hypothesis).split()
    aligned = jiwer.process_words(reference, " ".join(hypothesis_words))
    errors = [0] * len(pieces)
    heard: list[list[str]] = [[] for _ in pieces]
    for chunk in aligned.alignments[0]:
        if chunk.type == "insert":  # words with no reference word: the piece they follow
            piece = owner[max(0, min(chunk.ref_start_idx, len(owner)) - 1)]
            heard[piece].extend(hypothesis_words[chunk.hyp_start_idx:chunk.hyp_end_idx])
            errors[piece] += chunk.hyp_end_idx - chunk.hyp_start_idx
            continue
        for offset, at in enumerate(range(chunk.ref_start_idx, chunk.ref_end_idx)):
            piece = owner[at]
            if chunk.type != "delete":  # equal and substitute chunks pair words one to one
                heard[piece].append(hypothesis_words[chunk.hyp_start_idx + offset])
            if chunk.type != "equal":
                errors[piece] += 1
    return errors, heard


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--long-seconds", type=float, default=600)
    parser.add_argument("--variants", default="baseline,rostra")
    parser.add_argument("--show", type=int, default=8, help="pieces to print in full")
    args = parser.parse_args()
    stem = f"long-{int(args.long_seconds)}"
    reference = (CACHE / f"{stem}.txt").read_text()
    pieces = pieces_of(reference, english_demo())
    variants = args.variants.split(",")
    results = {}
    for variant in variants:
        path = CACHE / f"hyp-{variant}-{stem}.txt"
        if not path.exists():
            raise SystemExit(f"{path} is missing: run bench/asr_benchmark.py with --variants "
                             f"{variant} first")
        results[variant] = errors_per_piece(pieces, path.read_text())
    total_words = sum(len(normalize(text).split()) for text, _, _ in pieces)
    print(f"{len(pieces)} pieces, {total_words} reference words")
    print("piece  " + "  ".join(f"{variant:>10}" for variant in variants) + "  label")
    for index, (text, start, label) in enumerate(pieces):
        counts = [results[variant][0][index] for variant in variants]
        if any(counts):
            print(f"{index:5}  " + "  ".join(f"{count:10}" for count in counts) + f"  {label}")
    print("total  " + "  ".join(f"{sum(results[v][0]):10}" for v in variants))
    first, second = variants[0], variants[-1]
    # With one variant: its worst pieces; with two or more: where the last is worse than the first.
    baseline = [0] * len(pieces) if first == second else results[first][0]
    gaps = sorted(range(len(pieces)), key=lambda i: baseline[i] - results[second][0][i])
    for index in gaps[:args.show]:
        difference = results[second][0][index] - baseline[index]
        if difference <= 0:
            break
        print(f"\npiece {index} ({pieces[index][2]}): {second} +{difference} errors")
        print(f"  reference: {normalize(pieces[index][0])}")
        for variant in dict.fromkeys((first, second)):
            print(f"  {variant:9}: {' '.join(results[variant][1][index])}")


if __name__ == "__main__":
    main()
