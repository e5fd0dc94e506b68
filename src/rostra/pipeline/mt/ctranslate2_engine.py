"""Translation with CTranslate2 sequence-to-sequence models (NLLB-200, M2M100, MADLAD-400,
OPUS-MT, Argos Translate).

``ROSTRA_MT_MODEL`` names either one converted model folder (a multilingual NLLB, M2M100 or
MADLAD-400 model, or one pair model) or a folder of pair folders named ``opus-mt-SRC-TGT`` or
``argos-SRC-TGT``. A pair with no model of its own is translated through English when both
halves exist (``fa → en → ar``). Each folder holds what ``ct2-transformers-converter`` writes
(``model.bin``, ``config.json``, the vocabulary) plus the SentencePiece model(s) of the
original, copied with ``--copy_files``; an Argos Translate package is installed as its
``model/`` folder with the package's ``sentencepiece.model`` and ``metadata.json`` beside it.

How a sentence goes through: SentencePiece pieces → the family's language tokens added
(``pes_Arab``/``__fa__`` as first source token and target prefix, ``<2fa>`` before the source,
nothing for OPUS-MT and Argos, ``>>pes<<`` for a multi-target OPUS-MT model; an Argos
package's optional target prefix) → batches of similar length → beam search → language and special tokens
dropped → SentencePiece detokenization.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from rostra.pipeline.mt.base import (TranslationEngine, TranslationError, TranslationModelError,
                                     TranslationProvenance, UnsupportedLanguagePair)
from rostra.pipeline.mt.languages import (ARGOS, M2M100, MADLAD, NLLB, NLLB_CODES,
                                          OPUS_MT, OPUS_TARGET_LABELS, PAIR_FAMILIES,
                                          PIVOT_LANGUAGE, family_from_vocabulary,
                                          language_token, opus_pair_dir_name,
                                          pair_family_of_dir_name, parse_pair_dir_name)

SPECIAL_TOKENS = frozenset({"<s>", "</s>", "<pad>", "<unk>"})
# SentencePiece files as the original models name them; the first one found is used.
SENTENCEPIECE_NAMES = ("sentencepiece.bpe.model", "spiece.model", "sentencepiece.model",
                       "tokenizer.model")


@dataclass
class _LoadedModel:
    """One CTranslate2 model folder, loaded: translator, tokenizers, vocabulary, family."""

    directory: Path
    family: str
    translator: Any
    source_tokenizer: Any
    target_tokenizer: Any
    vocabulary: frozenset[str]
    pair: tuple[str, str] | None = None  # pair models (OPUS-MT, Argos) only
    target_prefix: str = ""  # Argos: metadata.json's target_prefix, forced as first token


def _read_vocabulary(directory: Path) -> list[str]:
    tokens: list[str] = []
    for stem in ("shared_vocabulary", "target_vocabulary", "source_vocabulary"):
        json_path, text_path = directory / f"{stem}.json", directory / f"{stem}.txt"
        if json_path.is_file():
            tokens += json.loads(json_path.read_text(encoding="utf-8"))
        elif text_path.is_file():
            tokens += text_path.read_text(encoding="utf-8").splitlines()
        if tokens and stem == "shared_vocabulary":
            break
    return tokens


ARGOS_METADATA = "metadata.json"


def is_ctranslate2_model_dir(directory: Path) -> bool:
    """model.bin with config.json, or, for an Argos package, with its metadata.json.

    An Argos package's model/ is accepted without config.json (packages converted by older
    CTranslate2 versions may lack one); whether it loads is then CTranslate2's to say, and
    that case was not tried here: every package rostra's tests build has a config.json.
    """
    return (directory / "model.bin").is_file() and (
        (directory / "config.json").is_file() or (directory / ARGOS_METADATA).is_file())


def is_argos_dir(directory: Path) -> bool:
    return (directory / ARGOS_METADATA).is_file() and (directory / "sentencepiece.model").is_file()


def is_opus_pair_dir(directory: Path) -> bool:
    return ((directory / "source.spm").is_file() or is_argos_dir(directory)
            or parse_pair_dir_name(directory.name) is not None)


def read_argos_metadata(directory: Path) -> dict[str, Any]:
    try:
        metadata = json.loads((directory / ARGOS_METADATA).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return metadata if isinstance(metadata, dict) else {}


class CTranslate2Engine(TranslationEngine):
    """CTranslate2 translation; see the module docstring for the folder layouts it accepts."""

    engine = "ctranslate2"

    def __init__(self, model_path: str | Path, *, beam_size: int = 4, device: str = "auto",
                 compute_type: str = "auto", max_batch_size: int = 32,
                 max_batch_tokens: int = 2048, intra_threads: int = 0,
                 family: str | None = None, max_decoding_length: int | None = None):
        self.model_path = Path(model_path).expanduser()
        self.beam_size = int(beam_size)
        self.device_setting = device
        self.compute_type_setting = compute_type
        self.max_batch_size = max(1, int(max_batch_size))
        self.max_batch_tokens = max(1, int(max_batch_tokens))
        self.intra_threads = int(intra_threads)
        self.family_setting = family
        # None: twice the longest source in the batch plus a margin (a runaway model stops).
        self.max_decoding_length = max_decoding_length
        self._models: dict[Path, _LoadedModel] = {}
        self._vocabularies: dict[Path, frozenset[str]] = {}
        self._device: tuple[str, str] | None = None
        self._lock = threading.Lock()  # workers in threads share one engine; load once
        self.batches_run = 0  # for tests and benchmarks: how many batches went to the model
        self._check_layout()
        self._pairs = self._find_pair_dirs()

    # --- description ---------------------------------------------------------------------

    @property
    def model(self) -> str:
        return str(self.model_path)

    @property
    def version(self) -> str:
        import ctranslate2

        return ctranslate2.__version__

    @property
    def options(self) -> dict[str, Any]:
        return {"beam_size": self.beam_size, "family": self.family,
                "compute_type": self._device_and_type()[1]}

    @property
    def family(self) -> str:
        if self.family_setting:
            return self.family_setting
        if self._pairs:
            families = {self._family_of(path) for path in self._pairs.values()}
            return families.pop() if len(families) == 1 else OPUS_MT
        return self._family_of(self.model_path)

    def provenance(self, source: str | None = None, target: str | None = None
                   ) -> TranslationProvenance:
        options = dict(self.options)
        if source and target and len(self.route(source, target)) > 1:
            options["pivot"] = PIVOT_LANGUAGE
        return TranslationProvenance(self.engine, self.model, self.version, options)

    # --- layout --------------------------------------------------------------------------

    def _check_layout(self) -> None:
        path = self.model_path
        if not path.exists():
            raise TranslationModelError(
                f"translation model folder {path} does not exist; convert a model with "
                "ct2-transformers-converter (see docs/translation.md) and set ROSTRA_MT_MODEL "
                "to its folder")
        if not path.is_dir():
            raise TranslationModelError(f"ROSTRA_MT_MODEL={path} is a file; it must be the "
                                        "folder a CTranslate2 model was converted into")
        if not is_ctranslate2_model_dir(path) and not self._find_pair_dirs():
            raise TranslationModelError(
                f"{path} is not a CTranslate2 model folder (no model.bin and config.json) "
                "and holds no opus-mt-SRC-TGT or argos-SRC-TGT model folders")

    def _find_pair_dirs(self) -> dict[tuple[str, str], Path]:
        """Pair models (OPUS-MT, Argos) by (source, target): the folder itself or its subfolders."""
        path = self.model_path
        if is_ctranslate2_model_dir(path):
            pair = parse_pair_dir_name(path.name)
            return {pair: path} if pair and is_opus_pair_dir(path) else {}
        pairs = {}
        for child in sorted(path.iterdir()) if path.is_dir() else ():
            pair = parse_pair_dir_name(child.name)
            if pair and is_ctranslate2_model_dir(child):
                pairs[pair] = child
        return pairs

    def describe_layout(self) -> str:
        """One line on what the folder holds, read without loading any weights."""
        if self._pairs:
            what = "Argos Translate" if self.family == ARGOS else "OPUS-MT"
            return f"{what} pair models: " + ", ".join(f"{s}→{t}" for s, t in sorted(self._pairs))
        vocabulary = self._vocabulary(self.model_path)
        family = self._family_of(self.model_path)
        if not any((self.model_path / name).is_file() for name in SENTENCEPIECE_NAMES):
            raise TranslationModelError(f"{self.model_path} has no SentencePiece model; copy "
                                        "it from the original model (see docs/translation.md)")
        known = sorted(code for code in NLLB_CODES
                       if language_token(family, code) in vocabulary)
        return f"{family} model, {len(known)} mapped languages ({', '.join(known[:12])}" + (
            "…)" if len(known) > 12 else ")")

    # --- routing -------------------------------------------------------------------------

    def _vocabulary(self, directory: Path) -> frozenset[str]:
        if directory not in self._vocabularies:
            self._vocabularies[directory] = frozenset(_read_vocabulary(directory))
        return self._vocabularies[directory]

    def _family_of(self, directory: Path) -> str:
        """The family of one model folder, from its files and vocabulary (no weights read)."""
        if (directory / "source.spm").is_file():
            return OPUS_MT
        if is_argos_dir(directory):
            return ARGOS
        vocabulary = self._vocabulary(directory)
        family = (self.family_setting if self.family_setting not in (None, *PAIR_FAMILIES)
                  else family_from_vocabulary(vocabulary))
        if family is None:
            family = pair_family_of_dir_name(directory.name)
        if family is None:
            raise TranslationModelError(
                f"cannot tell which model family {directory} is: its vocabulary has no NLLB, "
                "M2M100 or MADLAD-400 language tokens and it is not an opus-mt-SRC-TGT folder "
                "or an Argos Translate package")
        return family

    def _direct_model(self, source: str, target: str) -> Path | None:
        if self._pairs:
            return self._pairs.get((source, target))
        family = self._family_of(self.model_path)
        vocabulary = self._vocabulary(self.model_path)
        tokens = (language_token(family, source), language_token(family, target))
        if all(token is not None and token in vocabulary for token in tokens):
            return self.model_path
        return None

    def route(self, source: str, target: str) -> list[tuple[str, str, Path]]:
        """The hops for a pair: one direct hop, or two through English; [] when impossible."""
        direct = self._direct_model(source, target)
        if direct is not None:
            return [(source, target, direct)]
        if PIVOT_LANGUAGE in (source, target):
            return []
        first = self._direct_model(source, PIVOT_LANGUAGE)
        second = self._direct_model(PIVOT_LANGUAGE, target)
        if first is None or second is None:
            return []
        return [(source, PIVOT_LANGUAGE, first), (PIVOT_LANGUAGE, target, second)]

    def supports(self, source: str, target: str) -> bool:
        return source != target and bool(self.route(source, target))

    # --- loading -------------------------------------------------------------------------

    def _device_and_type(self) -> tuple[str, str]:
        if self._device is None:
            from rostra.pipeline.weights import choose_device

            device, compute_type = choose_device(self.device_setting, self.compute_type_setting)
            self._device = (device, compute_type)
        return self._device

    def _load(self, directory: Path) -> _LoadedModel:
        with self._lock:
            if directory not in self._models:
                self._models[directory] = self._load_unlocked(directory)
            return self._models[directory]

    def _load_unlocked(self, directory: Path) -> _LoadedModel:
        import ctranslate2
        import sentencepiece

        family = self._family_of(directory)
        if (directory / "source.spm").is_file():
            source_spm, target_spm = directory / "source.spm", directory / "target.spm"
        else:
            found = [directory / name for name in SENTENCEPIECE_NAMES
                     if (directory / name).is_file()]
            if not found:
                raise TranslationModelError(
                    f"{directory} has no SentencePiece model ({' or '.join(SENTENCEPIECE_NAMES)}"
                    ", or source.spm/target.spm for OPUS-MT); copy it from the original model, "
                    "e.g. ct2-transformers-converter --copy_files sentencepiece.bpe.model")
            source_spm = target_spm = found[0]
        if not target_spm.is_file():
            raise TranslationModelError(f"{directory} has source.spm but no target.spm")
        device, compute_type = self._device_and_type()
        try:
            translator = ctranslate2.Translator(str(directory), device=device,
                                                compute_type=compute_type,
                                                intra_threads=self.intra_threads)
            source_tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(source_spm))
            target_tokenizer = (source_tokenizer if target_spm == source_spm else
                                sentencepiece.SentencePieceProcessor(model_file=str(target_spm)))
        except (RuntimeError, OSError, ValueError) as exc:
            raise TranslationModelError(f"cannot load the translation model in {directory}: "
                                        f"{exc}") from None
        target_prefix = ""
        if family == ARGOS:
            target_prefix = str(read_argos_metadata(directory).get("target_prefix") or "")
        return _LoadedModel(directory, family, translator, source_tokenizer, target_tokenizer,
                            self._vocabulary(directory), parse_pair_dir_name(directory.name),
                            target_prefix)

    # --- translating ---------------------------------------------------------------------

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        self.check_pair(source, target)
        results = list(texts)
        for hop_source, hop_target, directory in self.route(source, target):
            results = self._translate_hop(self._load(directory), results, hop_source, hop_target)
        return results

    def _translate_hop(self, model: _LoadedModel, texts: list[str], source: str,
                       target: str) -> list[str]:
        target_token = language_token(model.family, target) or model.target_prefix or None
        label = self.target_label(model, target)
        tokenized: list[list[str] | None] = []
        for text in texts:
            if not text.strip():
                tokenized.append(None)  # nothing to translate; the result is empty too
                continue
            pieces = model.source_tokenizer.encode(text.strip(), out_type=str)
            if model.family in (NLLB, M2M100):
                pieces = [language_token(model.family, source)] + pieces
            elif model.family == MADLAD:
                pieces = [target_token] + pieces  # MADLAD names the *target* language
            elif label:
                pieces = [label] + pieces  # a multi-target OPUS-MT model
            # OpenNMT-py models (Argos) were trained without an end token on the source.
            tokenized.append(pieces if model.family == ARGOS else pieces + ["</s>"])
        prefix = ([target_token] if model.family in (NLLB, M2M100)
                  or (model.family == ARGOS and target_token) else None)
        results = ["" for _ in texts]
        for batch in self._length_batches(tokenized):
            sources = [tokenized[index] for index in batch]
            longest = max(len(tokens) for tokens in sources)
            try:
                output = model.translator.translate_batch(
                    sources, target_prefix=[prefix] * len(sources) if prefix else None,
                    beam_size=self.beam_size,
                    max_decoding_length=self.max_decoding_length or min(512, 2 * longest + 16),
                    max_batch_size=0)
            except (RuntimeError, ValueError) as exc:
                raise TranslationError(f"the translation model failed on a batch of "
                                       f"{len(sources)} sentences ({source} → {target}): {exc}"
                                       ) from None
            self.batches_run += 1
            for index, result in zip(batch, output):
                results[index] = self._detokenize(model, result.hypotheses[0], target_token)
        return results

    @staticmethod
    def target_label(model: _LoadedModel, target: str) -> str | None:
        """``>>pes<<`` for a multi-target OPUS-MT model whose vocabulary has it, else None."""
        if model.family != OPUS_MT:
            return None
        for code in OPUS_TARGET_LABELS.get(target, (target,)):
            if f">>{code}<<" in model.vocabulary:
                return f">>{code}<<"
        return None

    def _length_batches(self, tokenized: list[list[str] | None]) -> list[list[int]]:
        """Indices grouped so each batch holds sentences of similar length (less padding)."""
        order = sorted((index for index, tokens in enumerate(tokenized) if tokens),
                       key=lambda index: len(tokenized[index]))
        batches: list[list[int]] = []
        current: list[int] = []
        for index in order:
            longest = len(tokenized[index])  # sorted: the newest is the longest
            if current and (len(current) >= self.max_batch_size
                            or longest * (len(current) + 1) > self.max_batch_tokens):
                batches.append(current)
                current = []
            current.append(index)
        if current:
            batches.append(current)
        return batches

    def _detokenize(self, model: _LoadedModel, tokens: list[str], target_token: str | None
                    ) -> str:
        if tokens and target_token and tokens[0] == target_token:
            tokens = tokens[1:]
        kept = [token for token in tokens
                if token not in SPECIAL_TOKENS and not _is_language_token(model, token)]
        return model.target_tokenizer.decode_pieces(kept).strip()

    def close(self) -> None:
        with self._lock:
            self._models.clear()


def _is_language_token(model: _LoadedModel, token: str) -> bool:
    if model.family == NLLB:
        return len(token) == 8 and token[3] == "_" and token in model.vocabulary
    if model.family == M2M100:
        return token.startswith("__") and token.endswith("__") and token in model.vocabulary
    if model.family == MADLAD:
        return token.startswith("<2") and token.endswith(">")
    return False


def opus_pair_path(root: Path, source: str, target: str) -> Path:
    """Where the OPUS-MT model for ``source`` → ``target`` is expected under ``root``."""
    return root / opus_pair_dir_name(source, target)


__all__ = ["CTranslate2Engine", "UnsupportedLanguagePair", "opus_pair_path"]
