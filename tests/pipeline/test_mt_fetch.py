"""Fetching, adding and exporting translation models, against a local stand-in for the hub.

The stand-in (hub_server.py) serves a tiny random-weight M2M100 model the tests build, under the
repository the catalogue names for m2m100-418m, so the real download code (huggingface_hub,
ranges, checksums) runs with no network. Random weights prove the mechanics, never quality.
The same flow through the ``rostra`` command is in tests/cli/test_models_cli.py.
"""

from __future__ import annotations

import json
import shutil
import tarfile

import pytest

from hub_server import HubServer
from rostra.pipeline.mt.catalogue import find_catalogue_model
from rostra.pipeline.mt.hub_fetch import fetch_catalogue_model
from rostra.pipeline.mt.installed import (ModelInstallError, add_model, export_model,
                                          find_installed, installed_models, preferred_model)
from rostra.pipeline.mt.selection import choose_translation
from rostra.pipeline.mt.tiny_model import build_tiny_model

MODEL = find_catalogue_model("m2m100-418m")


@pytest.fixture(scope="module")
def tiny_repo(tmp_path_factory):
    folder = build_tiny_model(tmp_path_factory.mktemp("repo") / "m2m100", family="m2m100")
    (folder / "README.md").write_text("model card: not downloaded\n")
    return folder


@pytest.fixture
def hub(tiny_repo):
    server = HubServer().start()
    server.repos[MODEL.repo_id] = tiny_repo
    yield server
    server.stop()


def fetch(cache, hub, **options):
    return fetch_catalogue_model(MODEL, cache=cache, endpoint=hub.url, **options)


def one_line_error(excinfo) -> str:
    message = str(excinfo.value)
    assert "\n" not in message and message
    return message


def assert_nothing_installed(cache):
    assert installed_models(cache) == []
    root = cache / "translation"
    assert not list(root.glob(".staging-*")) and not (root / MODEL.name).exists()


def test_fetch_downloads_verifies_and_installs(tmp_path, hub, tiny_repo):
    progress = []
    installed = fetch(tmp_path, hub, on_progress=lambda *event: progress.append(event))
    assert installed.name == "m2m100-418m" and installed.family == "m2m100"
    manifest = json.loads((installed.path / "rostra-model.json").read_text())
    assert manifest["licence"] == "MIT" and manifest["revision"] == "0123456789abcdef" * 2 + \
        "01234567"
    assert manifest["source"] == "https://huggingface.co/michaelfeil/ct2fast-m2m100_418M"
    assert not (installed.path / "README.md").exists()  # only what the model needs
    assert (installed.path / "model.bin").read_bytes() == (tiny_repo / "model.bin").read_bytes()
    assert {"model.bin", "config.json", "sentencepiece.bpe.model"} <= set(manifest["files"])
    assert progress[-1][1] == progress[-1][2]  # the bar reaches the end
    assert not list((tmp_path / "translation" / ".partial").iterdir())
    choice = choose_translation("auto", "", model_cache=tmp_path)
    assert choice.on and choice.model_name == "m2m100-418m" and choice.model == str(installed.path)
    assert choice.status_line() == "translation: on (m2m100-418m, MIT)"
    hub.faults.requests.clear()
    assert fetch(tmp_path, hub) == installed and hub.faults.requests == []  # not fetched twice


def test_a_broken_download_installs_nothing_and_resumes(tmp_path, hub, tiny_repo):
    size = (tiny_repo / "model.bin").stat().st_size
    hub.faults.break_after["model.bin"] = size // 2
    hub.faults.break_times["model.bin"] = 10  # more than huggingface_hub's own retries
    with pytest.raises(ModelInstallError) as excinfo:
        fetch(tmp_path, hub)
    assert "broke off" in one_line_error(excinfo) and "run the same command again" in str(
        excinfo.value)
    assert_nothing_installed(tmp_path)
    assert choose_translation("auto", "", model_cache=tmp_path).on is False
    hub.faults.break_times["model.bin"] = 0
    hub.faults.requests.clear()
    installed = fetch(tmp_path, hub)
    ranges = [header for path, header in hub.faults.requests if path.endswith("/model.bin")]
    # Resumed from what was kept (whole 64 KiB chunks before the break), not from the start.
    assert ranges == ["bytes=65536-"]
    assert (installed.path / "model.bin").read_bytes() == (tiny_repo / "model.bin").read_bytes()


def test_a_wrong_checksum_installs_nothing_and_is_not_resumed_from(tmp_path, hub):
    hub.faults.corrupt.add("model.bin")
    with pytest.raises(ModelInstallError) as excinfo:
        fetch(tmp_path, hub)
    assert "model.bin" in one_line_error(excinfo) and "does not match the hub's checksum" in str(
        excinfo.value)
    assert_nothing_installed(tmp_path)
    assert list((tmp_path / "translation").glob(".partial/*/model.bin")) == []
    hub.faults.corrupt.clear()
    assert fetch(tmp_path, hub).name == MODEL.name


def test_too_little_disk_space_is_refused_before_downloading(tmp_path, hub):
    huge = 64 * 10**15  # 64 PB: bigger than any disk this runs on
    hub._siblings = lambda folder: [{"rfilename": "model.bin", "size": huge, "blobId": "0" * 40,
                                     "lfs": {"size": huge, "sha256": "0" * 64,
                                             "pointerSize": 134}}]
    with pytest.raises(ModelInstallError) as excinfo:
        fetch(tmp_path, hub)
    assert "not enough disk space" in one_line_error(excinfo) and "MB free" in str(excinfo.value)
    assert not any("/resolve/" in path for path, _ in hub.faults.requests)
    assert_nothing_installed(tmp_path)


def test_offline_says_how_to_carry_a_model_over(tmp_path):
    with pytest.raises(ModelInstallError) as excinfo:
        fetch_catalogue_model(MODEL, cache=tmp_path, endpoint="http://127.0.0.1:9")
    message = one_line_error(excinfo)
    assert "cannot reach the model hub" in message and "rostra models add" in message
    assert_nothing_installed(tmp_path)


def test_a_repository_the_hub_does_not_have(tmp_path, hub):
    hub.repos.clear()
    with pytest.raises(ModelInstallError) as excinfo:
        fetch(tmp_path, hub)
    assert "has no michaelfeil/ct2fast-m2m100_418M" in one_line_error(excinfo)


def test_export_then_add_elsewhere(tmp_path, hub):
    connected, offline = tmp_path / "connected", tmp_path / "offline"
    fetch(connected, hub)
    archive = export_model(connected, "m2m100-418m", tmp_path / "m2m100-418m.tar.gz")
    added = add_model(offline, archive)
    assert added.name == "m2m100-418m" and added.licence == "MIT"
    assert preferred_model(offline) == added
    with pytest.raises(ModelInstallError, match="already installed"):
        add_model(offline, archive)
    assert add_model(offline, archive, replace=True).name == "m2m100-418m"
    assert [model.name for model in installed_models(offline)] == ["m2m100-418m"]


def test_add_refuses_bad_input_and_installs_nothing(tmp_path, tiny_repo):
    cache = tmp_path / "cache"
    cases = {}
    empty = tmp_path / "empty"
    empty.mkdir()
    cases["no model folder"] = empty
    cases["does not exist"] = tmp_path / "nowhere"
    with tarfile.open(tmp_path / "whole.tar.gz", "w:gz") as tar:
        tar.add(tiny_repo, arcname="m2m100-418m")
    truncated = tmp_path / "cut.tar.gz"
    truncated.write_bytes((tmp_path / "whole.tar.gz").read_bytes()[:2000])
    cases["not a readable archive"] = truncated
    hostile = tmp_path / "hostile.tar.gz"
    with tarfile.open(hostile, "w:gz") as tar:
        tar.add(tiny_repo / "config.json", arcname="../../escape.json")
    cases["not a readable archive "] = hostile
    damaged = tmp_path / "damaged"
    shutil.copytree(tiny_repo, damaged)
    (damaged / "model.bin").write_bytes(b"")
    cases["model.bin is empty"] = damaged
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    cases["neither a folder nor"] = text
    for expected, source in cases.items():
        with pytest.raises(ModelInstallError) as excinfo:
            add_model(cache, source)
        assert expected.strip() in one_line_error(excinfo), source
    assert not (tmp_path / "escape.json").exists() and not (tmp_path.parent / "escape.json"
                                                              ).exists()
    assert installed_models(cache) == [] and not list((cache / "translation").glob(".staging*"))
    added = add_model(cache, tiny_repo, name="my-m2m")
    assert find_installed(cache, "my-m2m") == added
    assert choose_translation("auto", "", model_cache=cache).status_line() == \
        "translation: on (my-m2m)"
    assert choose_translation("none", "", model_cache=cache).on is False
    assert choose_translation("auto", "my-m2m", model_cache=cache).model == str(added.path)


def test_opus_mt_pairs_are_used_together(tmp_path):
    from rostra.pipeline.mt.installed import language_coverage
    from rostra.pipeline.mt.tiny_model import build_tiny_opus_pairs

    built = build_tiny_opus_pairs(tmp_path / "built", [("fa", "en"), ("en", "ar")])
    cache = tmp_path / "cache"
    for folder in built:
        add_model(cache, folder)
    choice = choose_translation("auto", "", model_cache=cache)
    assert choice.model_name == "opus-mt" and choice.model == str(cache / "translation" / "opus-mt")
    coverage = language_coverage(cache / "translation" / "opus-mt", ["fa", "ar", "en"])
    assert coverage[("fa", "en")] == "direct" and coverage[("fa", "ar")] == "via en"
    assert coverage[("ar", "fa")] == ""
