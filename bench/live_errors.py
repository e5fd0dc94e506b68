"""Where live captions go wrong: each word error of a --dump of bench/live_benchmark.py, with
what the recognizer was doing when it committed the word.

    python bench/live_benchmark.py --virtual-clock --seconds 180 --dump DIR ...
    python bench/live_errors.py DIR [--show 40]

For every room's trace (DIR/N-VARIANT.trace.json) the committed words are aligned to the
reference (jiwer, the benchmark's normalization) and every substituted, inserted or deleted
word is put in the classes below (a word can be in several), beside how many of the same
reference words offline recognition got wrong too (a limit of the model, not of the policy):

- first reading: committed by the step whose reading first heard it (silence, the bound,
  the end of the stream), not confirmed by a second reading;
- buffer start: it starts within 1 s of the start of the buffer that committed it (heard
  with little audio before it: a trim just before it);
- after a cut: the buffer was cut at most 2 steps before the one that committed it;
- tail: committed at the end of the stream.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

NEAR_START_MS = 1000


def normalize(text: str) -> list[str]:
    return re.sub(r"[^\w\s']", " ", text.lower()).split()


def committed_words(trace: list[dict]) -> list[dict]:
    """The committed words in order, each with the classes of the step that committed it."""
    words, last_cut = [], -10
    for index, step in enumerate(trace):
        previous = trace[index - 1] if index else None
        if previous and step["buffer_start_ms"] != previous["buffer_start_ms"]:
            last_cut = index
        heard_before = set()
        if previous:
            base = previous["buffer_start_ms"]
            for reading in previous.get("readings", []):
                heard_before |= {(normalize(text)[0] if normalize(text) else "",
                                  (base + start) // 200) for start, _, text in reading}
        for start, end, text in step["committed"]:
            key = normalize(text)[0] if normalize(text) else ""
            confirmed = any((key, (start // 200) + shift) in heard_before for shift in (-1, 0, 1))
            classes = set()
            if not confirmed:
                classes.add("first reading")
            if start - step["buffer_start_ms"] < NEAR_START_MS:
                classes.add("buffer start")
            if index - last_cut <= 2:
                classes.add("after a cut")
            if index == len(trace) - 1:
                classes.add("tail")
            for token in normalize(text):
                words.append({"token": token, "start_ms": start, "step": index,
                              "classes": classes, "buffer_start_ms": step["buffer_start_ms"]})
    return words


def wrong_reference_words(reference: list[str], hypothesis: list[str]) -> set[int]:
    import jiwer

    aligned = jiwer.process_words(" ".join(reference), " ".join(hypothesis) or "-")
    wrong = set()
    for chunk in aligned.alignments[0]:
        if chunk.type in ("substitute", "delete"):
            wrong |= set(range(chunk.ref_start_idx, chunk.ref_end_idx))
    return wrong


def analyse(trace_path: Path, reference: list[str], offline_wrong: set[int], show: int) -> dict:
    import jiwer

    trace = json.loads(trace_path.read_text())
    words = committed_words(trace)
    hypothesis = [word["token"] for word in words]
    aligned = jiwer.process_words(" ".join(reference), " ".join(hypothesis) or "-")
    counts: Counter = Counter()
    errors = 0
    examples = []
    for chunk in aligned.alignments[0]:
        if chunk.type == "equal":
            continue
        refs = list(range(chunk.ref_start_idx, chunk.ref_end_idx))
        hyps = list(range(chunk.hyp_start_idx, chunk.hyp_end_idx))
        size = max(len(refs), len(hyps))
        errors += size if chunk.type != "substitute" else len(refs)
        # A deletion has no committed word: take the class of the word committed after it.
        owners = [words[at] for at in hyps] or (
            [words[min(chunk.hyp_start_idx, len(words) - 1)]] if words else [])
        classes = set().union(*(owner["classes"] for owner in owners)) if owners else set()
        shared = sum(1 for at in refs if at in offline_wrong)
        counts[chunk.type] += size
        for name in classes or {"none of these"}:
            counts[name] += size
        counts["offline wrong too"] += shared
        if len(examples) < show:
            examples.append({"type": chunk.type, "ref": " ".join(reference[at] for at in refs),
                             "live": " ".join(hypothesis[at] for at in hyps),
                             "at_s": round(owners[0]["start_ms"] / 1000, 1) if owners else None,
                             "buffer_start_s": round(owners[0]["buffer_start_ms"] / 1000, 1)
                             if owners else None,
                             "classes": sorted(classes), "offline_wrong": shared})
    return {"trace": trace_path.name, "wer": round(100 * aligned.wer, 1), "errors": errors,
            "by_class": dict(counts), "examples": examples}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dump", type=Path)
    parser.add_argument("--show", type=int, default=40)
    args = parser.parse_args()
    reference = normalize((args.dump / "reference.txt").read_text())
    offline_path = args.dump / "offline.txt"
    offline_wrong = (wrong_reference_words(reference, normalize(offline_path.read_text()))
                     if offline_path.exists() else set())
    traces = sorted(args.dump.glob("*.trace.json"))
    if not traces:
        sys.exit(f"no *.trace.json in {args.dump}: run live_benchmark.py with --dump")
    for trace_path in traces:
        print(json.dumps(analyse(trace_path, reference, offline_wrong, args.show), indent=1))


if __name__ == "__main__":
    main()
