"""A tiny OPUS-MT (Marian) model in Transformers format, built here for the conversion tests.

Laid out as a Helsinki-NLP repository on the Hugging Face Hub is: ``config.json``,
``generation_config.json``, ``model.safetensors``, ``source.spm``, ``target.spm``,
``vocab.json``, ``tokenizer_config.json``. The SentencePiece models are real ones, trained
here on a few neutral sentences; the weights are random (two layers of width 16), so the
model proves the download → convert → translate mechanics, never quality. Needs the
conversion extra (transformers, torch, sentencepiece): callers skip without it.
"""

from __future__ import annotations

import json
from pathlib import Path

ENGLISH = ["the city library opens at nine", "science and culture in the old town",
           "a talk on health and technology", "solar panels on the museum roof"]
ARABIC = ["مكتبة المدينة تفتح في التاسعة", "العلم والثقافة في المدينة القديمة",
          "محاضرة عن الصحة والتكنولوجيا", "ألواح شمسية على سطح المتحف"]


def _train_sentencepiece(lines: list[str], prefix: Path) -> Path:
    import sentencepiece

    text = prefix.with_suffix(".txt")
    text.write_text("\n".join(lines * 10), encoding="utf-8")
    # Marian's vocabulary supplies </s>, <unk> and <pad>; the SentencePiece model keeps <unk>
    # only. hard_vocab_limit=False: a handful of sentences cannot fill a fixed vocabulary.
    sentencepiece.SentencePieceTrainer.train(
        input=str(text), model_prefix=str(prefix), vocab_size=40, hard_vocab_limit=False,
        character_coverage=1.0, bos_id=-1, eos_id=-1, pad_id=-1, unk_id=0, minloglevel=2)
    text.unlink()
    prefix.with_suffix(".vocab").unlink()
    spm = prefix.with_suffix(".spm")
    prefix.with_suffix(".model").rename(spm)
    return spm


def build_tiny_marian(folder: Path, *, source: str = "en", target: str = "ar") -> Path:
    """Write a random-weight Marian model for ``source`` → ``target`` into ``folder``."""
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    import sentencepiece

    folder.mkdir(parents=True, exist_ok=True)
    spms = {"source": _train_sentencepiece(ENGLISH, folder / "source"),
            "target": _train_sentencepiece(ARABIC, folder / "target")}
    vocabulary = {"</s>": 0, "<unk>": 1}
    for spm in spms.values():
        processor = sentencepiece.SentencePieceProcessor(model_file=str(spm))
        for index in range(processor.get_piece_size()):
            vocabulary.setdefault(processor.id_to_piece(index), len(vocabulary))
    # <pad> last, as in every OPUS-MT vocabulary: CTranslate2's Marian loader drops it there.
    vocabulary["<pad>"] = len(vocabulary)
    (folder / "vocab.json").write_text(json.dumps(vocabulary, ensure_ascii=False),
                                       encoding="utf-8")
    tokenizer = MarianTokenizer(vocab=str(folder / "vocab.json"),
                                source_spm=str(spms["source"]), target_spm=str(spms["target"]),
                                source_lang=source, target_lang=target)
    tokenizer.save_pretrained(folder)
    torch.manual_seed(0)
    config = MarianConfig(
        vocab_size=len(vocabulary), d_model=16, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=32,
        decoder_ffn_dim=32, max_position_embeddings=64, pad_token_id=vocabulary["<pad>"],
        eos_token_id=0, decoder_start_token_id=vocabulary["<pad>"], forced_eos_token_id=0)
    MarianMTModel(config).save_pretrained(folder)
    return folder
