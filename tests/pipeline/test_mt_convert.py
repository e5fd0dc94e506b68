"""`rostra models fetch` of a model published in Transformers format: download, convert, install.

The stand-in hub (hub_server.py) serves a tiny random-weight OPUS-MT (Marian) model that the
test builds with transformers (tiny_marian.py) under the repository the catalogue names for
opus-mt-en-ar. Fetching it runs the real path: huggingface_hub download with checksums,
CTranslate2's TransformersConverter (int8), the SentencePiece files copied beside the
converted weights, validation, atomic install. The conversion tests need the extra
``pip install 'rostra[convert]'`` (transformers, torch) and skip without it; the refusal
without it is tested either way.
"""

from __future__ import annotations

import importlib.util
import json
import os

import pytest

from clirunner import one_error_line, run_rostra
from hub_server import HubServer
from rostra.pipeline.mt import hub_fetch
from rostra.pipeline.mt.catalogue import find_catalogue_model
from rostra.pipeline.mt.hub_fetch import fetch_catalogue_model
from rostra.pipeline.mt.installed import ModelInstallError, installed_models
from rostra.pipeline.mt.selection import choose_translation

MODEL = find_catalogue_model("opus-mt-en-ar")
HAVE_EXTRA = all(importlib.util.find_spec(name) is not None
                 for name in ("transformers", "torch", "sentencepiece"))
# No database is touched (the CLI runs on its own SQLite data dir): the PostgreSQL pass of the
# suite would repeat the same minute of converting.
pytestmark = pytest.mark.skipif(bool(os.environ.get("ROSTRA_DATABASE_URL")),
                                reason="needs no database; the SQLite pass runs it")
needs_extra = pytest.mark.skipif(not HAVE_EXTRA, reason="the conversion extra is not installed "
                                 "(pip install 'rostra[convert]')")


@pytest.fixture(scope="module")
def marian_repo(tmp_path_factory):
    if not HAVE_EXTRA:
        pytest.skip("the conversion extra is not installed (pip install 'rostra[convert]')")
    from tiny_marian import build_tiny_marian

    folder = build_tiny_marian(tmp_path_factory.mktemp("repo") / "opus-mt-en-ar")
    (folder / "README.md").write_text("model card: not downloaded\n")
    return folder


@pytest.fixture
def hub(marian_repo):
    server = HubServer().start()
    server.repos[MODEL.repo_id] = marian_repo
    yield server
    server.stop()


@needs_extra
def test_fetch_converts_copies_the_tokenizers_and_translates(tmp_path, hub, marian_repo):
    from rostra.pipeline.mt.ctranslate2_engine import CTranslate2Engine

    installed = fetch_catalogue_model(MODEL, cache=tmp_path, endpoint=hub.url)
    assert installed.name == "opus-mt-en-ar" and installed.family == "opus-mt"
    assert installed.path == tmp_path / "translation" / "opus-mt" / "opus-mt-en-ar"
    files = {path.name for path in installed.path.iterdir()}
    # CTranslate2 weights and vocabulary, the SentencePiece models copied in; not the source.
    assert {"model.bin", "config.json", "shared_vocabulary.json", "source.spm",
            "target.spm"} <= files
    assert not files & {"model.safetensors", "pytorch_model.bin", "README.md"}
    for name in ("source.spm", "target.spm"):
        assert (installed.path / name).read_bytes() == (marian_repo / name).read_bytes()
    manifest = json.loads((installed.path / "rostra-model.json").read_text())
    assert manifest["licence"] == "CC-BY-4.0" and manifest["family"] == "opus-mt"
    assert manifest["source"] == "https://huggingface.co/Helsinki-NLP/opus-mt-en-ar"
    # Nothing left behind: the download and the staging folder are gone.
    root = tmp_path / "translation"
    assert not list((root / ".partial").iterdir()) and not list(root.glob(".staging-*"))
    choice = choose_translation("auto", "", model_cache=tmp_path)
    assert choice.on and choice.model == str(root / "opus-mt")
    engine = CTranslate2Engine(choice.model, device="cpu")
    assert engine.supports("en", "ar") and not engine.supports("ar", "en")
    translated = engine.translate_batch(["the city library opens at nine"], "en", "ar")
    assert len(translated) == 1 and isinstance(translated[0], str)  # random weights: any text
    engine.close()


@needs_extra
def test_rostra_models_fetch_converts_end_to_end(tmp_path, hub):
    data = tmp_path / "data"
    fetched = run_rostra("models", "fetch", "opus-mt-en-ar", data_dir=data,
                         env={"HF_ENDPOINT": hub.url})
    assert fetched.returncode == 0, fetched.stderr
    assert "opus-mt-en-ar: installed in" in fetched.stdout
    assert "translation: on (opus-mt" in fetched.stdout
    listed = run_rostra("models", "list", data_dir=data)
    assert listed.returncode == 0 and "en→ar direct" in listed.stdout, listed.stdout


@needs_extra
def test_a_checkpoint_the_converter_cannot_read_installs_nothing(tmp_path, hub, marian_repo):
    broken = tmp_path / "broken-repo"
    broken.mkdir()
    for path in marian_repo.iterdir():
        (broken / path.name).write_bytes(path.read_bytes())
    (broken / "config.json").write_text('{"model_type": "marian", "d_model": "sixteen"}')
    hub.repos[MODEL.repo_id] = broken
    with pytest.raises(ModelInstallError) as excinfo:
        fetch_catalogue_model(MODEL, cache=tmp_path / "cache", endpoint=hub.url)
    message = str(excinfo.value)
    assert "\n" not in message and "converting Helsinki-NLP/opus-mt-en-ar" in message
    assert "nothing was installed" in message
    assert installed_models(tmp_path / "cache") == []


def test_without_the_extra_fetch_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(hub_fetch, "conversion_available", lambda: False)
    with pytest.raises(ModelInstallError) as excinfo:
        fetch_catalogue_model(MODEL, cache=tmp_path, endpoint="http://127.0.0.1:9")
    assert "pip install 'rostra[convert]'" in str(excinfo.value)
    assert "\n" not in str(excinfo.value) and installed_models(tmp_path) == []


def test_without_the_extra_the_command_says_so_in_one_line(tmp_path):
    if HAVE_EXTRA:
        pytest.skip("the conversion extra is installed here")
    result = run_rostra("models", "fetch", "opus-mt-en-ar", data_dir=tmp_path / "data",
                        env={"HF_ENDPOINT": "http://127.0.0.1:9"})
    assert "pip install 'rostra[convert]'" in one_error_line(result)
