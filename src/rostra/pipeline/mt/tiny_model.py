"""Tiny CTranslate2 translation models with random weights, built in seconds, for tests.

No translation weights can be installed on the machines rostra is developed on, yet the
CTranslate2 path must be exercised end to end. This module trains a small SentencePiece model
on a few sentences and writes a one-layer Transformer with random weights in CTranslate2's
format, laid out like a converted model of the chosen family (vocabulary with its language
tokens, SentencePiece file names, decoder start token). Its output is gibberish: it proves
loading, tokenization, batching, language tokens, pivoting and detokenization, never quality.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path
from typing import Iterable, Sequence

from rostra.pipeline.mt.languages import (ARGOS, M2M100, MADLAD, NLLB, OPUS_MT, language_token,
                                          opus_pair_dir_name)

TRAINING_SENTENCES = (
    "Cities reuse water every day.",
    "Rain gardens help cities stay cool in summer.",
    "The new tool edits genes in plant cells.",
    "Solar panels on the library roof make electricity.",
    "Museums share their collections online.",
    "شهرها هر روز آب را بازیافت می‌کنند.",
    "باغ‌های باران به خنک ماندن شهرها در تابستان کمک می‌کنند.",
    "این ابزار تازه ژن‌ها را در یاخته‌های گیاهی ویرایش می‌کند.",
    "موزه‌ها مجموعه‌های خود را به‌صورت برخط به اشتراک می‌گذارند.",
    "تعيد المدن استخدام المياه كل يوم.",
    "تساعد حدائق المطر المدن على البقاء باردة في الصيف.",
    "تنتج الألواح الشمسية على سطح المكتبة الكهرباء.",
    "تشارك المتاحف مجموعاتها عبر الإنترنت.",
)

SPECIALS = ("<s>", "<pad>", "</s>", "<unk>")
SENTENCEPIECE_FILE = {NLLB: "sentencepiece.bpe.model", M2M100: "sentencepiece.bpe.model",
                      MADLAD: "spiece.model", ARGOS: "sentencepiece.model"}
# OpenNMT-py (Argos) decoders start from <s>.
DECODER_START = {NLLB: "</s>", M2M100: "</s>", MADLAD: "<pad>", OPUS_MT: "</s>", ARGOS: "<s>"}


def train_sentencepiece(sentences: Iterable[str] = TRAINING_SENTENCES, *,
                        vocab_size: int = 160) -> bytes:
    """A small unigram SentencePiece model (serialized) trained on ``sentences``."""
    import sentencepiece

    model = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(list(sentences) * 3), model_writer=model, vocab_size=vocab_size,
        model_type="unigram", character_coverage=1.0, hard_vocab_limit=False,
        unk_id=0, bos_id=-1, eos_id=-1, pad_id=-1, minloglevel=2,
    )
    return model.getvalue()


def _random_transformer(vocabulary: Sequence[str], *, d_model: int, ffn: int, layers: int,
                        heads: int, seed: int, decoder_start: str):
    import numpy as np
    from ctranslate2.specs import transformer_spec
    from ctranslate2.specs.model_spec import LayerSpec

    spec = transformer_spec.TransformerSpec.from_config((layers, layers), heads)
    rng = np.random.default_rng(seed)
    size = len(vocabulary)

    def weight(path: str, attribute: str):
        if attribute == "gamma":
            return np.ones(d_model, np.float32)
        if attribute == "beta":
            return np.zeros(d_model, np.float32)
        if "embeddings" in path or "projection" in path:
            shape = (size, d_model)
        elif "self_attention/linear_0" in path:
            shape = (3 * d_model, d_model)  # fused query, key, value
        elif "/attention/linear_1" in path:
            shape = (2 * d_model, d_model)  # fused key, value of encoder-decoder attention
        elif "ffn/linear_0" in path:
            shape = (ffn, d_model)
        elif "ffn/linear_1" in path:
            shape = (d_model, ffn)
        else:
            shape = (d_model, d_model)
        return (rng.standard_normal(shape) * 0.2).astype(np.float32)

    def fill(layer, path: str) -> None:
        # Every weight the spec declares but nobody set is None; optional ones (biases,
        # learned positions) are the string OPTIONAL and stay unset.
        for attribute, value in list(vars(layer).items()):
            if attribute.startswith("_"):
                continue
            if isinstance(value, LayerSpec):
                fill(value, f"{path}/{attribute}")
            elif isinstance(value, list) and value and isinstance(value[0], LayerSpec):
                for index, child in enumerate(value):
                    fill(child, f"{path}/{attribute}_{index}")
            elif value is None:
                setattr(layer, attribute, weight(f"{path}/{attribute}", attribute))

    fill(spec, "")
    spec.register_source_vocabulary(list(vocabulary))
    spec.register_target_vocabulary(list(vocabulary))
    spec.config.decoder_start_token = decoder_start
    spec.validate()
    spec.optimize()
    return spec


def build_tiny_model(directory: str | Path, *, family: str,
                     languages: Sequence[str] = ("en", "fa", "ar"), seed: int = 0,
                     d_model: int = 32, layers: int = 1, heads: int = 2,
                     sentences: Iterable[str] = TRAINING_SENTENCES,
                     target_labels: Sequence[str] = ()) -> Path:
    """Write a tiny random model of ``family`` (nllb, m2m100, madlad, opus-mt, argos) into
    ``directory``.

    For opus-mt this is one pair model; name the folder ``opus-mt-SRC-TGT`` (or use
    :func:`build_tiny_opus_pairs`); ``target_labels`` (``"pes"``) adds ``>>pes<<`` tokens as a
    multi-target OPUS-MT model has. For argos it is the ``model/`` folder of a package with
    ``sentencepiece.model`` beside the weights (see :func:`build_tiny_argos_package`).
    Returns the folder.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    sentencepiece_model = train_sentencepiece(sentences)
    import sentencepiece

    processor = sentencepiece.SentencePieceProcessor(model_proto=sentencepiece_model)
    pieces = [processor.id_to_piece(index) for index in range(processor.get_piece_size())]
    vocabulary = list(SPECIALS) + [piece for piece in pieces if piece not in SPECIALS]
    if family not in (OPUS_MT, ARGOS):
        vocabulary += [language_token(family, language) for language in languages]
    vocabulary += [f">>{label}<<" for label in target_labels]
    spec = _random_transformer(vocabulary, d_model=d_model, ffn=2 * d_model, layers=layers,
                               heads=heads, seed=seed, decoder_start=DECODER_START[family])
    spec.save(str(directory))
    if family == OPUS_MT:
        (directory / "source.spm").write_bytes(sentencepiece_model)
        (directory / "target.spm").write_bytes(sentencepiece_model)
    else:
        (directory / SENTENCEPIECE_FILE[family]).write_bytes(sentencepiece_model)
    return directory


def build_tiny_argos_package(archive: str | Path, *, source: str, target: str,
                             version: str = "1.0", target_prefix: str = "", seed: int = 0
                             ) -> Path:
    """A tiny ``.argosmodel`` laid out like a published package; returns its path.

    A zip of one folder ``translate-SRC_TGT-VERSION/`` with ``metadata.json``, ``model/`` (a
    random CTranslate2 model), ``sentencepiece.model``, ``stanza/`` (a placeholder) and
    ``README.md``.
    """
    archive = Path(archive)
    archive.parent.mkdir(parents=True, exist_ok=True)
    code = f"translate-{source}_{target}-{version.replace('.', '_')}"
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary) / code
        model = build_tiny_model(folder / "model", family=ARGOS, seed=seed)
        (model / "sentencepiece.model").replace(folder / "sentencepiece.model")
        metadata = {"package_version": version, "argos_version": "1.0", "from_code": source,
                    "from_name": source, "to_code": target, "to_name": target}
        if target_prefix:
            metadata["target_prefix"] = target_prefix
        (folder / "metadata.json").write_text(json.dumps(metadata, indent=4), encoding="utf-8")
        (folder / "README.md").write_text("Tiny test package: random weights, no quality.\n",
                                          encoding="utf-8")
        (folder / "stanza").mkdir()
        (folder / "stanza" / "placeholder.txt").write_text("not a real stanza model\n")
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
            for path in sorted(folder.rglob("*")):
                zipped.write(path, path.relative_to(Path(temporary)).as_posix())
    return archive


def build_tiny_opus_pairs(root: str | Path, pairs: Sequence[tuple[str, str]]) -> list[Path]:
    """One tiny OPUS-MT pair model per (source, target), in ``root/opus-mt-SRC-TGT``."""
    root = Path(root)
    return [build_tiny_model(root / opus_pair_dir_name(source, target), family=OPUS_MT,
                             seed=index)
            for index, (source, target) in enumerate(pairs)]
