"""The weights registry: the bundled model assembled once and verified; names; devices."""

from __future__ import annotations

import subprocess
import sys

import pytest

from rostra.pipeline import weights
from rostra.pipeline.weights import (BUNDLED_MODEL_BIN_SIZE, choose_device, describe_asr_model,
                                     ensure_bundled_model, fetch_asr_model, resolve_asr_model)
from rostra.pipeline.types import ModelUnavailable


def test_bundled_model_is_assembled_verified_and_reused(tmp_path):
    spec = resolve_asr_model("bundled-base", model_cache=tmp_path)
    assert spec.kind == "bundled" and spec.present
    model_bin = spec.path / "model.bin"
    assert model_bin.stat().st_size == BUNDLED_MODEL_BIN_SIZE == 145_217_532
    assert sorted(p.name for p in spec.path.iterdir()) == [
        ".verified-sha256", "config.json", "model.bin", "tokenizer.json", "vocabulary.txt"]
    written = model_bin.stat().st_mtime_ns
    resolve_asr_model("bundled-base", model_cache=tmp_path)
    assert model_bin.stat().st_mtime_ns == written  # not assembled twice


def test_two_processes_assemble_it_once_without_half_files(tmp_path):
    target = tmp_path / "asr" / "bundled-base"
    code = ("import sys; from pathlib import Path; from rostra.pipeline.weights import "
            "ensure_bundled_model; ensure_bundled_model(Path(sys.argv[1]))")
    runs = [subprocess.Popen([sys.executable, "-c", code, str(target)]) for _ in range(2)]
    assert [run.wait(timeout=120) for run in runs] == [0, 0]
    assert (target / "model.bin").stat().st_size == BUNDLED_MODEL_BIN_SIZE
    assert not list(target.glob("*.tmp")) and not list(target.glob(".*.tmp"))


def test_a_damaged_bundle_is_refused_and_leaves_nothing(tmp_path, monkeypatch):
    part1, part2 = tmp_path / "p1", tmp_path / "p2"
    for folder in (part1, part2):
        folder.mkdir()
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        (part1 / name).write_text("{}")
    (part1 / "model.bin.part1").write_bytes(b"x" * 100)
    (part2 / "model.bin.part2").write_bytes(b"y" * 100)
    monkeypatch.setattr(weights, "_bundled_source_dirs", lambda: [part1, part2])
    target = tmp_path / "cache" / "bundled-base"
    with pytest.raises(ModelUnavailable, match="damaged.*reinstall"):
        ensure_bundled_model(target)
    assert not (target / "model.bin").exists()
    assert not list(target.glob(".*.tmp"))


def test_names_directories_and_hub_models(tmp_path):
    assert describe_asr_model("", model_cache=tmp_path).kind == "bundled"
    hub = describe_asr_model("large-v3", model_cache=tmp_path)
    assert hub.kind == "hub" and not hub.present
    assert hub.path == tmp_path / "asr" / "large-v3"
    assert describe_asr_model(str(tmp_path), model_cache=tmp_path).kind == "directory"
    with pytest.raises(ModelUnavailable, match="rostra models fetch large-v3"):
        resolve_asr_model("large-v3", model_cache=tmp_path)
    with pytest.raises(ModelUnavailable, match="has no model.bin"):
        resolve_asr_model(str(tmp_path), model_cache=tmp_path)


def test_fetch_offline_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelUnavailable) as raised:
        fetch_asr_model("tiny", model_cache=tmp_path)
    message = str(raised.value)
    assert "offline" in message and "rostra models fetch tiny" in message
    assert "\n" not in message
    assert not (tmp_path / "asr" / "tiny").exists()


def test_device_choice(monkeypatch):
    import ctranslate2

    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 0)
    assert choose_device("auto", "auto") == ("cpu", "int8")
    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 1)
    assert choose_device("auto", "auto") == ("cuda", "float16")
    assert choose_device("cpu", "float32") == ("cpu", "float32")
