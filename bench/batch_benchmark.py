"""Batch processing: the six demo speeches with 1 and with 2 worker processes.

    python bench/batch_benchmark.py [--workers 1,2]

Each run starts from a fresh data directory (demo program imported, recordings added, the
bundled model already assembled so assembly is not timed) and times
``rostra process --stages asr --workers N`` with the real bundled model. Prints wall time,
audio seconds per wall second, the speed-up over one worker and the largest resident memory
of any one process (ru_maxrss of the children).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "src" / "rostra" / "demo"


def rostra(*args: str, data: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROSTRA_")}
    env.update({"ROSTRA_DATA_DIR": str(data), "COLUMNS": "120"})
    done = subprocess.run([sys.executable, "-m", "rostra", *args], env=env, text=True,
                          capture_output=True)
    if done.returncode != 0:
        raise SystemExit(f"rostra {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done


def prepare(data: Path) -> float:
    rostra("import", str(DEMO / "program.csv"), data=data)
    rostra("media", "add", *map(str, sorted((DEMO / "media").iterdir())), "--match-filenames",
           data=data)
    from rostra.pipeline.weights import ensure_bundled_model

    ensure_bundled_model(data / "models" / "asr" / "bundled-base")
    manifest = json.loads((DEMO / "manifest.json").read_text())
    return sum(speech["media"]["duration_ms"] for speech in manifest["speeches"]) / 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="1,2")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    rows = []
    for workers in counts:
        data = Path(tempfile.mkdtemp(prefix=f"rostra-batch-{workers}-"))
        try:
            audio_s = prepare(data)
            env = {k: v for k, v in os.environ.items() if not k.startswith("ROSTRA_")}
            env["ROSTRA_DATA_DIR"] = str(data)
            started = time.monotonic()
            child = subprocess.Popen([sys.executable, "-m", "rostra", "process", "--stages",
                                      "asr", "--workers", str(workers), "--json"], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            # wait4's ru_maxrss: the largest of the command and the processes it waited for.
            # The parent here holds little, so the fork-before-exec inflation is small.
            _, status, usage = os.wait4(child.pid, 0)
            wall = time.monotonic() - started
            if status != 0:
                raise SystemExit(f"rostra process --workers {workers} failed")
            rows.append({"workers": workers, "wall_s": wall, "audio_s": audio_s,
                         "peak_mb": usage.ru_maxrss / 1024})
        finally:
            shutil.rmtree(data, ignore_errors=True)
    print(f"cores: {os.cpu_count()}  speeches: 6 demo recordings  model: bundled-base")
    print(f"{'workers':>7} {'wall s':>8} {'audio s/s':>10} {'speed-up':>9} {'peak MB':>8}")
    for row in rows:
        print(f"{row['workers']:7d} {row['wall_s']:8.1f} {row['audio_s'] / row['wall_s']:10.2f} "
              f"{rows[0]['wall_s'] / row['wall_s']:8.2f}x {row['peak_mb']:8.0f}")
    print("JSON " + json.dumps(rows))


if __name__ == "__main__":
    main()
