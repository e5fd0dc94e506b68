"""The one place that maps ISO 639-1 codes to each translation model family's own codes.

rostra speaks ISO 639-1 (``fa``, ``ar``, ``en``); models do not:

- NLLB-200: FLORES-200 codes, language + script (``pes_Arab``, ``arb_Arab``, ``eng_Latn``),
  given as the first source token and as the target prefix.
- M2M100: ``__fa__`` tokens, same places.
- MADLAD-400: ``<2fa>`` prepended to the source; no target prefix.
- OPUS-MT (Marian): one model per pair, in folders named ``opus-mt-SRC-TGT``; no tokens,
  except that a model with several target languages (``opus-mt-en-iir``, the ``tc-big``
  English → Arabic model) wants ``>>pes<<``/``>>ara<<`` before the source (its vocabulary says so).
- Argos Translate packages (OpenNMT-py): one model per pair, in folders named
  ``argos-SRC-TGT``; no tokens, no end-of-sentence token added to the source, an optional
  target prefix from the package's ``metadata.json``.

LibreTranslate and OpenAI-compatible chat engines take ISO codes and English language names.
"""

from __future__ import annotations

NLLB = "nllb"
M2M100 = "m2m100"
MADLAD = "madlad"
OPUS_MT = "opus-mt"
ARGOS = "argos"
FAMILIES = (NLLB, M2M100, MADLAD, OPUS_MT, ARGOS)
PAIR_FAMILIES = (OPUS_MT, ARGOS)  # one model per language pair, in folders FAMILY-SRC-TGT

PIVOT_LANGUAGE = "en"

# FLORES-200 codes for the languages a conference archive is likely to need. Persian is
# Western Persian (pes_Arab) — NLLB's Persian; Dari is prs_Arab. Arabic is Modern Standard.
NLLB_CODES = {
    "af": "afr_Latn", "am": "amh_Ethi", "ar": "arb_Arab", "az": "azj_Latn", "be": "bel_Cyrl",
    "bg": "bul_Cyrl", "bn": "ben_Beng", "bs": "bos_Latn", "ca": "cat_Latn", "ckb": "ckb_Arab",
    "cs": "ces_Latn", "cy": "cym_Latn", "da": "dan_Latn", "de": "deu_Latn", "el": "ell_Grek",
    "en": "eng_Latn", "es": "spa_Latn", "et": "est_Latn", "fa": "pes_Arab", "fi": "fin_Latn",
    "fr": "fra_Latn", "ga": "gle_Latn", "gl": "glg_Latn", "gu": "guj_Gujr", "ha": "hau_Latn",
    "he": "heb_Hebr", "hi": "hin_Deva", "hr": "hrv_Latn", "hu": "hun_Latn", "hy": "hye_Armn",
    "id": "ind_Latn", "is": "isl_Latn", "it": "ita_Latn", "ja": "jpn_Jpan", "ka": "kat_Geor",
    "kk": "kaz_Cyrl", "km": "khm_Khmr", "kn": "kan_Knda", "ko": "kor_Hang", "ku": "kmr_Latn",
    "ky": "kir_Cyrl", "lt": "lit_Latn", "lv": "lvs_Latn", "mk": "mkd_Cyrl", "ml": "mal_Mlym",
    "mn": "khk_Cyrl", "mr": "mar_Deva", "ms": "zsm_Latn", "my": "mya_Mymr", "ne": "npi_Deva",
    "nl": "nld_Latn", "no": "nob_Latn", "pa": "pan_Guru", "pl": "pol_Latn", "ps": "pbt_Arab",
    "pt": "por_Latn", "ro": "ron_Latn", "ru": "rus_Cyrl", "sd": "snd_Arab", "si": "sin_Sinh",
    "sk": "slk_Latn", "sl": "slv_Latn", "so": "som_Latn", "sq": "als_Latn", "sr": "srp_Cyrl",
    "sv": "swe_Latn", "sw": "swh_Latn", "ta": "tam_Taml", "te": "tel_Telu", "tg": "tgk_Cyrl",
    "th": "tha_Thai", "tk": "tuk_Latn", "tl": "tgl_Latn", "tr": "tur_Latn", "ug": "uig_Arab",
    "uk": "ukr_Cyrl", "ur": "urd_Arab", "uz": "uzn_Latn", "vi": "vie_Latn", "yi": "ydd_Hebr",
    "zh": "zho_Hans",
}

# M2M100 and MADLAD-400 use ISO 639-1 where one exists; these are the exceptions.
M2M100_EXCEPTIONS: dict[str, str] = {}
MADLAD_EXCEPTIONS: dict[str, str] = {"ckb": "ckb", "he": "iw"}
# Helsinki-NLP OPUS-MT folder names use ISO 639-1 where one exists.
OPUS_EXCEPTIONS: dict[str, str] = {}
# Target-language labels of multi-target OPUS-MT models (ISO 639-3 as Tatoeba writes them),
# tried in order: ``>>pes<<`` is Western Persian in opus-mt-en-iir.
OPUS_TARGET_LABELS: dict[str, tuple[str, ...]] = {
    "ar": ("ara", "arb"), "fa": ("pes", "fas"), "en": ("eng",)}


def model_language_code(family: str, language: str) -> str:
    """ISO 639-1 → the token or code ``family`` uses (``'nllb', 'fa'`` → ``'pes_Arab'``).

    Raises KeyError for a language the mapping does not know (NLLB) or an unknown family.
    """
    if family == NLLB:
        return NLLB_CODES[language]
    if family == M2M100:
        return f"__{M2M100_EXCEPTIONS.get(language, language)}__"
    if family == MADLAD:
        return f"<2{MADLAD_EXCEPTIONS.get(language, language)}>"
    if family in PAIR_FAMILIES:
        return OPUS_EXCEPTIONS.get(language, language)
    raise KeyError(f"unknown model family {family!r}; one of {', '.join(FAMILIES)}")


def language_token(family: str, language: str) -> str | None:
    """The vocabulary token naming ``language`` in ``family``, or None (pair models have none)."""
    if family in PAIR_FAMILIES:
        return None
    try:
        return model_language_code(family, language)
    except KeyError:
        return None


def opus_pair_dir_name(source: str, target: str) -> str:
    """The conventional folder of an OPUS-MT pair model: ``opus-mt-en-ar``."""
    return (f"opus-mt-{model_language_code(OPUS_MT, source)}-"
            f"{model_language_code(OPUS_MT, target)}")


def argos_pair_dir_name(source: str, target: str) -> str:
    """The folder rostra installs an Argos Translate package into: ``argos-fa-en``."""
    return f"argos-{source}-{target}"


def pair_family_of_dir_name(name: str) -> str | None:
    """OPUS_MT or ARGOS when ``name`` is a pair folder name of that family, else None."""
    for family in PAIR_FAMILIES:
        if parse_opus_pair_dir_name(name, family=family) is not None:
            return family
    return None


def parse_pair_dir_name(name: str) -> tuple[str, str] | None:
    """``'opus-mt-fa-en'`` or ``'argos-fa-en'`` → ``('fa', 'en')``; None otherwise."""
    family = pair_family_of_dir_name(name)
    return parse_opus_pair_dir_name(name, family=family) if family else None


def parse_opus_pair_dir_name(name: str, *, family: str = OPUS_MT) -> tuple[str, str] | None:
    """``'opus-mt-fa-en'`` → ``('fa', 'en')``; None for names that are not a pair."""
    prefix = f"{family}-"
    if not name.startswith(prefix):
        return None
    parts = name[len(prefix):].split("-")
    if len(parts) != 2 or not all(part.isalpha() for part in parts):
        return None
    reverse = {code: iso for iso, code in OPUS_EXCEPTIONS.items()}
    return reverse.get(parts[0], parts[0]), reverse.get(parts[1], parts[1])


def family_from_vocabulary(tokens) -> str | None:
    """Recognise a multilingual family from the language tokens in its vocabulary."""
    vocabulary = set(tokens)
    if NLLB_CODES["en"] in vocabulary:
        return NLLB
    if "__en__" in vocabulary:
        return M2M100
    if "<2en>" in vocabulary:
        return MADLAD
    return None
