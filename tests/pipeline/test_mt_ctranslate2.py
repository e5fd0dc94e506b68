"""The CTranslate2 engine end to end with tiny random-weight models the tests build.

Random weights translate into gibberish: these tests prove the mechanics (loading, SentencePiece
tokenization, language tokens per family, batching by length, beam size, pivoting through
English with two OPUS-MT pair models, detokenization, provenance), never quality.
"""

from __future__ import annotations

import pytest

from rostra.pipeline.mt.base import TranslationModelError, UnsupportedLanguagePair
from rostra.pipeline.mt.ctranslate2_engine import CTranslate2Engine
from rostra.pipeline.mt.tiny_model import build_tiny_model, build_tiny_opus_pairs

SENTENCES = [
    "Cities reuse water every day.",
    "Solar panels on the library roof make electricity.",
    "",
    "Museums share.",
    "Rain gardens help cities stay cool in summer, and they hold water after storms.",
]


class RecordingTranslator:
    """Passes every call to the real ctranslate2.Translator and remembers its arguments."""

    def __init__(self, real):
        self.real = real
        self.calls = []

    def translate_batch(self, source, **kwargs):
        self.calls.append((source, kwargs))
        return self.real.translate_batch(source, **kwargs)


def spy(engine, directory):
    loaded = engine._load(directory)
    loaded.translator = RecordingTranslator(loaded.translator)
    return loaded.translator


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    root = tmp_path_factory.mktemp("mt")
    built = {family: build_tiny_model(root / family, family=family)
             for family in ("nllb", "m2m100", "madlad")}
    build_tiny_opus_pairs(root / "opus", [("fa", "en"), ("en", "ar")])
    built["opus"] = root / "opus"
    return built


def engine_for(path, **options):
    return CTranslate2Engine(path, compute_type="float32", device="cpu", **options)


def test_nllb_language_tokens_beam_size_and_detokenized_output(models):
    engine = engine_for(models["nllb"], beam_size=3)
    recorder = spy(engine, models["nllb"])
    result = engine.translate_batch(SENTENCES, "en", "fa")
    assert len(result) == len(SENTENCES)
    assert result[2] == ""  # an empty sentence is not sent, and stays empty
    assert all(isinstance(text, str) and text for i, text in enumerate(result) if i != 2)
    # Detokenized: no SentencePiece markers, no language or special tokens left.
    for text in result:
        assert "▁" not in text and "pes_Arab" not in text and "</s>" not in text
    sources, kwargs = recorder.calls[0]
    assert all(tokens[0] == "eng_Latn" and tokens[-1] == "</s>" for tokens in sources)
    assert kwargs["target_prefix"] == [["pes_Arab"]] * len(sources)
    assert kwargs["beam_size"] == 3
    provenance = engine.provenance("en", "fa")
    assert provenance.engine == "ctranslate2" and provenance.model == str(models["nllb"])
    assert provenance.options == {"beam_size": 3, "family": "nllb", "compute_type": "float32"}
    assert provenance.version


def test_target_prefix_changes_with_the_target_language(models):
    engine = engine_for(models["nllb"])
    recorder = spy(engine, models["nllb"])
    engine.translate_batch(["Cities reuse water."], "en", "ar")
    engine.translate_batch(["Cities reuse water."], "fa", "en")
    assert recorder.calls[0][1]["target_prefix"] == [["arb_Arab"]]
    assert recorder.calls[1][0][0][0] == "pes_Arab"
    assert recorder.calls[1][1]["target_prefix"] == [["eng_Latn"]]


def test_m2m100_tokens(models):
    engine = engine_for(models["m2m100"])
    recorder = spy(engine, models["m2m100"])
    assert engine.family == "m2m100"
    engine.translate_batch(["Museums share their collections."], "en", "ar")
    sources, kwargs = recorder.calls[0]
    assert sources[0][0] == "__en__" and kwargs["target_prefix"] == [["__ar__"]]


def test_madlad_names_the_target_before_the_source_and_has_no_prefix(models):
    engine = engine_for(models["madlad"])
    recorder = spy(engine, models["madlad"])
    result = engine.translate_batch(["Museums share their collections."], "en", "fa")
    sources, kwargs = recorder.calls[0]
    assert sources[0][0] == "<2fa>" and sources[0][-1] == "</s>"
    assert kwargs["target_prefix"] is None
    assert "<2fa>" not in result[0]


def test_batches_group_similar_lengths_and_keep_the_order(models):
    batched = engine_for(models["nllb"], max_batch_size=2, beam_size=1, max_decoding_length=12)
    recorder = spy(batched, models["nllb"])
    together = batched.translate_batch(SENTENCES, "en", "fa")
    lengths = [[len(tokens) for tokens in sources] for sources, _ in recorder.calls]
    assert len(lengths) == 2 and all(len(batch) <= 2 for batch in lengths)
    flat = [length for batch in lengths for length in batch]
    assert flat == sorted(flat)  # shortest first, so each batch pads little
    single = engine_for(models["nllb"], beam_size=1, max_decoding_length=12)
    alone = [single.translate_batch([text], "en", "fa")[0] for text in SENTENCES]
    assert together == alone  # results land back in input order


def test_token_budget_splits_batches(models):
    engine = engine_for(models["nllb"], max_batch_tokens=20, beam_size=1)
    engine.translate_batch(SENTENCES, "en", "fa")
    assert engine.batches_run >= 3


def test_pivot_through_english_with_two_pair_models(models):
    engine = engine_for(models["opus"], beam_size=2)
    assert engine.family == "opus-mt"
    hops = engine.route("fa", "ar")
    assert [(source, target, path.name) for source, target, path in hops] == [
        ("fa", "en", "opus-mt-fa-en"), ("en", "ar", "opus-mt-en-ar")]
    first = spy(engine, hops[0][2])
    second = spy(engine, hops[1][2])
    result = engine.translate_batch(["شهرها هر روز آب را بازیافت می‌کنند."], "fa", "ar")
    assert len(result) == 1 and result[0]
    # The second model gets what the first produced, re-tokenized.
    english = engine._translate_hop(
        engine._load(hops[0][2]), ["شهرها هر روز آب را بازیافت می‌کنند."], "fa", "en")[0]
    assert second.calls[0][0][0] == engine._load(hops[1][2]).source_tokenizer.encode(
        english, out_type=str) + ["</s>"]
    assert first.calls[0][1]["target_prefix"] is None  # OPUS-MT: no language tokens
    assert engine.provenance("fa", "ar").options["pivot"] == "en"
    assert "pivot" not in engine.provenance("fa", "en").options


def test_unsupported_pairs(models):
    opus = engine_for(models["opus"])
    assert opus.supports("fa", "en") and opus.supports("en", "ar") and opus.supports("fa", "ar")
    assert not opus.supports("ar", "fa") and not opus.supports("en", "fa")
    with pytest.raises(UnsupportedLanguagePair, match="cannot translate ar → fa"):
        opus.translate_batch(["x"], "ar", "fa")
    nllb = engine_for(models["nllb"])
    assert not nllb.supports("en", "de")  # the tiny model only has en, fa, ar tokens
    assert not nllb.supports("fa", "fa")


def test_one_pair_folder_alone(models):
    engine = engine_for(models["opus"] / "opus-mt-en-ar")
    assert engine.supports("en", "ar") and not engine.supports("fa", "ar")
    assert engine.describe_layout() == "OPUS-MT pair models: en→ar"


def test_describe_layout_without_loading(models):
    engine = CTranslate2Engine(models["nllb"])
    assert engine.describe_layout() == "nllb model, 3 mapped languages (ar, en, fa)"
    assert engine.supports("fa", "ar") and engine.family == "nllb"
    assert engine._models == {}  # answering questions about the model reads no weights


@pytest.mark.parametrize("layout, message", [
    ("missing", "does not exist"),
    ("empty", "not a CTranslate2 model folder"),
    ("no-spm", "no SentencePiece model"),
])
def test_bad_model_folders(models, tmp_path, layout, message):
    import shutil

    path = tmp_path / layout
    if layout == "empty":
        path.mkdir()
    if layout == "no-spm":
        shutil.copytree(models["nllb"], path)
        (path / "sentencepiece.bpe.model").unlink()
    with pytest.raises(TranslationModelError, match=message):
        CTranslate2Engine(path).translate_batch(["Cities."], "en", "fa")
