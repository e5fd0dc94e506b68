"""chrF (sacreBLEU) of a translation model on FLORES-200 devtest, for the fa/ar/en pairs.

    python bench/mt_flores.py --model m2m100-418m --download      # connected machine
    python bench/mt_flores.py --model /models/nllb-ct2 --flores ~/flores200_dataset

``--model`` is an installed model's name (``rostra models list``; the data dir is
$ROSTRA_DATA_DIR or ./rostra-data) or a CTranslate2 model folder. ``--download`` fetches the
FLORES-200 archive published with NLLB (dl.fbaipublicfiles.com) into ``--flores``; otherwise
``--flores`` must hold its ``devtest/eng_Latn.devtest`` etc. Every pair is translated with
rostra's own engine (batching, language tokens, pivot through English where the model has no
direct pair) and scored with ``sacrebleu.corpus_chrf``.

It has NOT been run on the machines rostra is developed on: they have no network beyond the
package registries, so neither FLORES-200 nor any real translation model can be downloaded
there. With no model or no data it says so and exits 2; it never prints a made-up score.
"""

from __future__ import annotations

import argparse
import os
import sys
import tarfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from rostra.pipeline.mt.ctranslate2_engine import CTranslate2Engine  # noqa: E402
from rostra.pipeline.mt.installed import find_installed  # noqa: E402
from rostra.pipeline.mt.languages import NLLB_CODES  # noqa: E402

FLORES_URL = "https://dl.fbaipublicfiles.com/nllb/flores200_dataset.tar.gz"
PAIRS = [("en", "fa"), ("en", "ar"), ("fa", "en"), ("ar", "en"), ("fa", "ar"), ("ar", "fa")]


def not_run(reason: str) -> int:
    print(f"NOT RUN: {reason}. No score was measured.")
    return 2


def resolve_model(value: str) -> Path | None:
    folder = Path(value).expanduser()
    if folder.is_dir():
        return folder
    data_dir = Path(os.environ.get("ROSTRA_DATA_DIR", "rostra-data"))
    installed = find_installed(data_dir / "models", value)
    return installed.engine_path if installed else None


def devtest_file(flores: Path, language: str) -> Path:
    return flores / "devtest" / f"{NLLB_CODES[language]}.devtest"


def download_flores(flores: Path) -> None:
    flores.parent.mkdir(parents=True, exist_ok=True)
    archive = flores.parent / "flores200_dataset.tar.gz"
    print(f"downloading {FLORES_URL} …", flush=True)
    urllib.request.urlretrieve(FLORES_URL, archive)
    with tarfile.open(archive) as tar:
        tar.extractall(flores.parent, filter="data")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="installed model name or model folder")
    parser.add_argument("--flores", default="flores200_dataset",
                        help="the extracted FLORES-200 folder (default ./flores200_dataset)")
    parser.add_argument("--download", action="store_true", help="download FLORES-200 first")
    parser.add_argument("--limit", type=int, default=0, help="first N sentences only (0: all)")
    parser.add_argument("--beam-size", type=int, default=4)
    args = parser.parse_args()
    try:
        import sacrebleu
    except ImportError:
        return not_run("sacrebleu is not installed (pip install 'sacrebleu>=2,<3')")
    model = resolve_model(args.model)
    if model is None:
        return not_run(f"no model {args.model!r} here (rostra models fetch NAME first)")
    flores = Path(args.flores).expanduser()
    if args.download and not devtest_file(flores, "en").is_file():
        try:
            download_flores(flores)
        except OSError as exc:
            return not_run(f"cannot download FLORES-200 ({exc})")
    if not devtest_file(flores, "en").is_file():
        return not_run(f"FLORES-200 devtest not found in {flores} (use --download)")
    engine = CTranslate2Engine(model, beam_size=args.beam_size)
    print(f"model {model} ({engine.family}), FLORES-200 devtest, beam {args.beam_size}")
    for source, target in PAIRS:
        if not engine.supports(source, target):
            print(f"{source}→{target}: not covered by this model")
            continue
        sources = devtest_file(flores, source).read_text(encoding="utf-8").splitlines()
        references = devtest_file(flores, target).read_text(encoding="utf-8").splitlines()
        if args.limit:
            sources, references = sources[:args.limit], references[:args.limit]
        started = time.perf_counter()
        hypotheses = engine.translate_batch(sources, source, target)
        seconds = time.perf_counter() - started
        score = sacrebleu.corpus_chrf(hypotheses, [references]).score
        route = "via en" if len(engine.route(source, target)) > 1 else "direct"
        print(f"{source}→{target} ({route}): chrF {score:.1f} on {len(sources)} sentences, "
              f"{len(sources) / seconds:.1f} sentences/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
