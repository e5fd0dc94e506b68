"""Argos Translate packages: the index, a verified resumable download, install and translate.

A local server laid out like argospm-index (argos_server.py) serves tiny .argosmodel packages
the tests build (random weights, tiny_model.build_tiny_argos_package), so the real download
code (index lookup, ranges, size and CRC checks) runs with no network. Random weights prove
the mechanics, never quality. The CLI flow through processing and the public pages is in
tests/cli/test_translation_switched_on.py.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import zipfile

import pytest

from argos_server import ArgosIndexServer
from rostra.pipeline.mt.argos import fetch_argos_model
from rostra.pipeline.mt.catalogue import find_catalogue_model
from rostra.pipeline.mt.ctranslate2_engine import CTranslate2Engine
from rostra.pipeline.mt.hub_fetch import fetch_catalogue_model
from rostra.pipeline.mt.installed import (ModelInstallError, add_model, export_model,
                                          install_path, installed_models, language_coverage)
from rostra.pipeline.mt.selection import choose_translation
from rostra.pipeline.mt.tiny_model import build_tiny_argos_package, build_tiny_model

MODEL = find_catalogue_model("argos-en-fa")


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("packages")
    return {pair: build_tiny_argos_package(folder / f"{pair[0]}_{pair[1]}.argosmodel",
                                           source=pair[0], target=pair[1], version="1.5",
                                           seed=index)
            for index, pair in enumerate([("en", "fa"), ("fa", "en"), ("en", "ar")])}


@pytest.fixture
def index(packages):
    server = ArgosIndexServer().start()
    for (source, target), archive in packages.items():
        server.add(archive, source=source, target=target, version="1.5")
    yield server
    server.stop()


def fetch(cache, index, model=MODEL, **options):
    return fetch_argos_model(model, cache=cache, index=index.index_url, **options)


def one_line_error(excinfo) -> str:
    message = str(excinfo.value)
    assert "\n" not in message and message
    return message


def assert_nothing_installed(cache):
    assert installed_models(cache) == []
    root = cache / "translation"
    assert not list(root.glob(".staging-*")) and not (root / "argos" / MODEL.name).exists()
    assert choose_translation("auto", "", model_cache=cache).on is False


def package_requests(index):
    return [header for path, header in index.faults.requests if path.startswith("/v1/")]


def test_the_catalogue_names_real_argos_packages():
    # As argospm-index lists them (checked against its index.json while writing this).
    for name, pair in [("argos-fa-en", ("fa", "en")), ("argos-en-fa", ("en", "fa")),
                       ("argos-ar-en", ("ar", "en")), ("argos-en-ar", ("en", "ar"))]:
        model = find_catalogue_model(name)
        assert model.from_argos and model.argos_pair == pair and not model.needs_conversion
        assert model.source_url.endswith("argospm-index/main/index.json")


def test_fetch_finds_the_package_in_the_index_verifies_and_installs(tmp_path, index, packages):
    progress, plans = [], []
    installed = fetch(tmp_path, index, on_progress=lambda *event: progress.append(event),
                      on_plan=lambda files, size: plans.append((files, size)))
    assert installed.name == "argos-en-fa" and installed.family == "argos"
    assert installed.path == tmp_path / "translation" / "argos" / "argos-en-fa"
    manifest = json.loads((installed.path / "rostra-model.json").read_text())
    assert manifest["revision"] == "1.5" and manifest["source"].endswith(
        "/v1/translate-en_fa-1_5.argosmodel")  # the https link, not the ipfs one
    assert {"model.bin", "config.json", "sentencepiece.model", "metadata.json",
            "README.md"} <= set(manifest["files"])
    assert not any(name.startswith("stanza") for name in manifest["files"])
    assert plans == [(1, packages[("en", "fa")].stat().st_size)]
    assert progress[-1][1] == progress[-1][2]
    assert not list((tmp_path / "translation" / ".partial").iterdir())
    choice = choose_translation("auto", "", model_cache=tmp_path)
    assert choice.model_name == "argos" and choice.model == str(installed.path.parent)
    assert choice.status_line() == \
        "translation: on (argos, licence in each package's README.md)"
    engine = CTranslate2Engine(choice.model, device="cpu")
    assert engine.family == "argos" and engine.supports("en", "fa")
    translated = engine.translate_batch(["Cities reuse water every day.", ""], "en", "fa")
    assert translated[0] and translated[1] == ""  # gibberish from random weights, but text
    index.faults.requests.clear()
    assert fetch(tmp_path, index) == installed and index.faults.requests == []


def test_the_catalogue_fetch_goes_to_the_argos_index(tmp_path, index, monkeypatch):
    monkeypatch.setenv("ROSTRA_ARGOS_INDEX", index.index_url)
    assert fetch_catalogue_model(MODEL, cache=tmp_path).name == "argos-en-fa"


def test_a_broken_download_installs_nothing_and_resumes(tmp_path, index, packages):
    size = packages[("en", "fa")].stat().st_size
    index.faults.break_after, index.faults.break_times = size // 2, 1
    with pytest.raises(ModelInstallError) as excinfo:
        fetch(tmp_path, index)
    assert "broke off" in one_line_error(excinfo) and "run the same command again" in str(
        excinfo.value)
    assert_nothing_installed(tmp_path)
    kept = next((tmp_path / "translation" / ".partial").glob("*/*.argosmodel")).stat().st_size
    assert 0 < kept <= size // 2
    index.faults.requests.clear()
    installed = fetch(tmp_path, index)
    assert package_requests(index) == [f"bytes={kept}-"]  # resumed, not started again
    assert (installed.path / "model.bin").is_file()


def test_a_damaged_download_is_deleted_and_installs_nothing(tmp_path, index, packages):
    with zipfile.ZipFile(packages[("en", "fa")]) as zipped:
        member = zipped.getinfo("translate-en_fa-1_5/model/model.bin")
    # A byte inside model.bin's compressed data: the size is right, the zip's CRC is not.
    index.faults.flip_byte_at = member.header_offset + 30 + len(member.filename) + 100
    with pytest.raises(ModelInstallError) as excinfo:
        fetch(tmp_path, index)
    message = one_line_error(excinfo)
    assert "damaged" in message or "not a readable" in message, message
    assert "it was deleted and nothing was installed" in message
    assert_nothing_installed(tmp_path)
    assert not list((tmp_path / "translation").glob(".partial/*/*.argosmodel"))
    index.faults.flip_byte_at = None
    assert fetch(tmp_path, index).name == MODEL.name


def test_a_wrong_pinned_checksum_or_size_installs_nothing(tmp_path, index, packages):
    data = packages[("en", "fa")].read_bytes()
    wrong_sum = dataclasses.replace(MODEL, sha256=hashlib.sha256(b"other").hexdigest())
    with pytest.raises(ModelInstallError) as excinfo:
        fetch(tmp_path, index, model=wrong_sum)
    assert "does not match the checksum the catalogue pins" in one_line_error(excinfo)
    assert_nothing_installed(tmp_path)
    index.faults.requests.clear()
    wrong_size = dataclasses.replace(MODEL, size_bytes=len(data) + 1)
    with pytest.raises(ModelInstallError) as excinfo:
        fetch(tmp_path, index, model=wrong_size)
    assert "the catalogue expects" in one_line_error(excinfo)
    assert_nothing_installed(tmp_path)
    right = dataclasses.replace(MODEL, size_bytes=len(data),
                                sha256=hashlib.sha256(data).hexdigest())
    assert fetch(tmp_path, index, model=right).name == MODEL.name


def test_offline_and_missing_packages_say_what_to_do(tmp_path, index):
    with pytest.raises(ModelInstallError) as excinfo:
        fetch_argos_model(MODEL, cache=tmp_path, index="http://127.0.0.1:9/index.json")
    message = one_line_error(excinfo)
    assert "cannot reach the Argos Translate index" in message and "rostra models add" in message
    with pytest.raises(ModelInstallError) as excinfo:
        fetch(tmp_path, index, model=find_catalogue_model("argos-ar-en"))
    assert "lists no ar → en package" in one_line_error(excinfo)
    assert_nothing_installed(tmp_path)


def test_add_takes_a_package_file_offline_and_refuses_bad_ones(tmp_path, packages):
    cache = tmp_path / "cache"
    added = add_model(cache, packages[("fa", "en")])
    assert added.name == "argos-fa-en" and added.path.parent.name == "argos"
    archive = export_model(cache, "argos-fa-en", tmp_path / "argos-fa-en.tar.gz")
    assert add_model(tmp_path / "elsewhere", archive).family == "argos"
    with pytest.raises(ModelInstallError) as excinfo:
        add_model(cache, packages[("en", "ar")], name="argos-en-fa")
    assert "installed as argos-en-ar" in one_line_error(excinfo)
    bpe = tmp_path / "bpe.argosmodel"
    with zipfile.ZipFile(packages[("en", "ar")]) as source, zipfile.ZipFile(bpe, "w") as target:
        for item in source.infolist():
            name = item.filename.replace("sentencepiece.model", "bpe.model")
            target.writestr(name, source.read(item))
    with pytest.raises(ModelInstallError) as excinfo:
        add_model(cache, bpe)
    assert "BPE and Moses" in one_line_error(excinfo)
    cut = tmp_path / "cut.argosmodel"
    cut.write_bytes(packages[("en", "ar")].read_bytes()[:3000])
    with pytest.raises(ModelInstallError) as excinfo:
        add_model(cache, cut)
    assert "not a readable archive" in one_line_error(excinfo)
    assert [model.name for model in installed_models(cache)] == ["argos-fa-en"]


def test_argos_pairs_pivot_through_english(tmp_path, packages):
    cache = tmp_path / "cache"
    add_model(cache, packages[("fa", "en")])
    add_model(cache, packages[("en", "ar")])
    coverage = language_coverage(cache / "translation" / "argos", ["fa", "ar", "en"])
    assert coverage[("fa", "en")] == "direct" and coverage[("fa", "ar")] == "via en"
    assert coverage[("ar", "fa")] == ""
    engine = CTranslate2Engine(cache / "translation" / "argos", device="cpu")
    assert engine.translate_batch(["شهرها هر روز آب را بازیافت می‌کنند."], "fa", "ar")[0]
    assert engine.provenance("fa", "ar").options["pivot"] == "en"


def test_an_argos_target_prefix_is_forced_and_dropped(tmp_path):
    package = build_tiny_argos_package(tmp_path / "p.argosmodel", source="en", target="ar",
                                       target_prefix="▁cities")
    installed = add_model(tmp_path / "cache", package)
    engine = CTranslate2Engine(installed.engine_path, device="cpu")
    model = engine._load(installed.path)
    assert model.target_prefix == "▁cities"
    calls, real = [], model.translator

    class Spy:  # records what goes to CTranslate2
        def translate_batch(self, sources, **options):
            calls.append((sources, options))
            return real.translate_batch(sources, **options)

    model.translator = Spy()
    out = engine.translate_batch(["Museums share their collections online."], "en", "ar")[0]
    sources, options = calls[0]
    assert options["target_prefix"] == [["▁cities"]]
    assert sources[0][-1] != "</s>"  # OpenNMT-py models take no end token on the source
    assert not out.startswith("cities")  # the forced prefix is not part of the translation


def test_multi_target_opus_models_get_their_language_label(tmp_path):
    folder = build_tiny_model(tmp_path / "opus-mt-en-fa", family="opus-mt",
                              target_labels=("pes", "hin"))
    engine = CTranslate2Engine(folder, device="cpu")
    assert engine.target_label(engine._load(folder), "fa") == ">>pes<<"
    assert engine.translate_batch(["Cities reuse water every day."], "en", "fa")[0]
    plain = build_tiny_model(tmp_path / "opus-mt-en-ar", family="opus-mt")
    engine = CTranslate2Engine(plain, device="cpu")
    assert engine.target_label(engine._load(plain), "ar") is None


def test_persian_and_arabic_opus_models_install_as_their_pair(tmp_path):
    expected = {"opus-mt-iir-en": "opus-mt-fa-en", "opus-mt-en-iir": "opus-mt-en-fa",
                "opus-mt-tc-big-ar-en": "opus-mt-ar-en", "opus-mt-tc-big-en-ar": "opus-mt-en-ar"}
    for name, folder in expected.items():
        model = find_catalogue_model(name)
        assert model.needs_conversion and model.repo_id == f"Helsinki-NLP/{name}"
        assert install_path(tmp_path, name, "opus-mt") == \
            tmp_path / "translation" / "opus-mt" / folder


def test_the_docs_list_every_catalogued_model():
    from pathlib import Path

    from rostra.pipeline.mt.catalogue import CATALOGUE

    docs = (Path(__file__).resolve().parents[2] / "docs" / "translation.md").read_text()
    rows: dict[str, str] = {}
    for line in docs.splitlines():  # the catalogue table comes first; keep its rows
        if line.startswith("| `"):
            rows.setdefault(line.split("|")[1].strip().split()[0].strip("`"), line)
    for model in CATALOGUE:
        row = rows.get(model.name)
        assert row is not None, f"docs/translation.md has no row for {model.name}"
        assert model.licence.split()[0] in row or "README" in row, model.name
        assert "MB" in row or "GB" in row, model.name
