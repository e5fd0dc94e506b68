"""Translation models in the model cache: install atomically, list, validate, export, add.

Layout under ``MODEL_CACHE/translation``::

    m2m100-418m/                 one multilingual model (model.bin, vocabulary, SentencePiece)
      rostra-model.json          manifest: name, family, source, licence, files with sha256
    opus-mt/opus-mt-en-ar/       OPUS-MT pairs share one folder, so one engine sees them all
    argos/argos-en-fa/           Argos Translate packages likewise (model/ unpacked, with the
                                 package's sentencepiece.model and metadata.json)
    .staging-*/                  work in progress; renamed into place only once complete

A model appears under its name only through one ``os.replace`` of a complete, validated
folder, so a failed fetch or add never leaves a half model that auto-selection could pick.
"""

from __future__ import annotations

import json
import os
import shutil
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rostra.core.digests import sha256_of
from rostra.pipeline.mt.base import TranslationModelError
from rostra.pipeline.mt.catalogue import CATALOGUE, DEFAULT_MODEL, find_catalogue_model
from rostra.pipeline.mt.languages import (ARGOS, OPUS_MT, PAIR_FAMILIES, PIVOT_LANGUAGE,
                                          parse_opus_pair_dir_name)

MANIFEST = "rostra-model.json"
OPUS_FOLDER = "opus-mt"
ARGOS_FOLDER = "argos"
PAIR_FOLDERS = {OPUS_MT: OPUS_FOLDER, ARGOS: ARGOS_FOLDER}
ARGOS_SUFFIX = ".argosmodel"  # a zip archive: one folder with model/, sentencepiece.model, ...
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".zip", ARGOS_SUFFIX)


class ModelInstallError(TranslationModelError):
    """A model could not be fetched, added or exported; the message says what to do."""


@dataclass(frozen=True)
class InstalledModel:
    """One translation model in the cache, as its manifest describes it."""

    name: str
    path: Path
    family: str
    licence: str = ""
    source: str = ""
    manifest: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def engine_path(self) -> Path:
        """The folder to give the CTranslate2 engine: pair models are used together."""
        return self.path.parent if self.family in PAIR_FAMILIES else self.path


def translation_cache(model_cache: Path) -> Path:
    return Path(model_cache) / "translation"


def describe_model_dir(directory: Path) -> tuple[str, str]:
    """(family, one-line description) of a CTranslate2 translation model folder.

    Reads the vocabulary and file names only (no weights). Raises TranslationModelError
    with what is wrong when the folder is not a usable model.
    """
    from rostra.pipeline.mt.ctranslate2_engine import CTranslate2Engine, is_ctranslate2_model_dir

    if not is_ctranslate2_model_dir(directory):
        raise ModelInstallError(f"{directory.name} is not a CTranslate2 model (it needs "
                                "model.bin and config.json)")
    for name in ("config.json", "metadata.json"):
        if not (directory / name).is_file():
            continue
        try:
            json.loads((directory / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise ModelInstallError(f"{directory.name}/{name} is not valid JSON") from None
    if (directory / "model.bin").stat().st_size == 0:
        raise ModelInstallError(f"{directory.name}/model.bin is empty")
    engine = CTranslate2Engine(directory, device="cpu")
    return engine.family, engine.describe_layout()


def write_manifest(directory: Path, *, name: str, family: str, licence: str = "",
                   source: str = "", revision: str = "") -> dict[str, Any]:
    files = {}
    for path in sorted(directory.rglob("*")):
        if path.is_file() and path.name != MANIFEST:
            files[path.relative_to(directory).as_posix()] = {
                "size": path.stat().st_size, "sha256": sha256_of(path)}
    manifest = {"name": name, "family": family, "licence": licence, "source": source,
                "revision": revision, "files": files}
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                      encoding="utf-8")
    return manifest


def read_manifest(directory: Path) -> dict[str, Any] | None:
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and manifest.get("name") else None


def verify_manifest(directory: Path, manifest: dict[str, Any]) -> None:
    """Check every file the manifest lists: present, right size, right sha256."""
    for relative, expected in (manifest.get("files") or {}).items():
        path = directory / relative
        if not path.is_file():
            raise ModelInstallError(f"{manifest['name']}: {relative} is missing")
        if path.stat().st_size != expected.get("size"):
            raise ModelInstallError(f"{manifest['name']}: {relative} has the wrong size "
                                    f"({path.stat().st_size} bytes, expected {expected['size']})")
        if sha256_of(path) != expected.get("sha256"):
            raise ModelInstallError(f"{manifest['name']}: the checksum of {relative} does not "
                                    "match its manifest; the copy is damaged")


def install_path(cache: Path, name: str, family: str) -> Path:
    """Where model ``name`` goes: the catalogue's folder, else by family."""
    catalogued = find_catalogue_model(name)
    if catalogued is not None and catalogued.family == family:
        return translation_cache(cache) / catalogued.folder
    if family in PAIR_FOLDERS:
        return translation_cache(cache) / PAIR_FOLDERS[family] / name
    return translation_cache(cache) / name


def new_staging_dir(cache: Path, name: str) -> Path:
    root = translation_cache(cache)
    root.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=root, prefix=f".staging-{name}-"))


def move_into_place(staging: Path, destination: Path, *, replace: bool) -> None:
    """Rename a complete model folder to its name; the old one goes only after the new is in."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if destination.exists():
        if not replace:
            raise ModelInstallError(f"{destination.name} is already installed in "
                                    f"{destination}; add --force to replace it")
        old = destination.with_name(f".old-{destination.name}-{os.getpid()}")
        os.replace(destination, old)
    try:
        os.replace(staging, destination)
    except BaseException:
        if old is not None:
            os.replace(old, destination)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def installed_models(cache: Path) -> list[InstalledModel]:
    """Every complete model in the cache (folders with a manifest), catalogue order first."""
    root = translation_cache(cache)
    folders = []
    if root.is_dir():
        for child in sorted(root.iterdir()):
            if child.name.startswith("."):
                continue
            if child.name in PAIR_FOLDERS.values():
                folders += [pair for pair in sorted(child.iterdir()) if not
                            pair.name.startswith(".")]
            else:
                folders.append(child)
    found = []
    for folder in folders:
        manifest = read_manifest(folder)
        if manifest is None:
            continue
        found.append(InstalledModel(manifest["name"], folder, manifest.get("family", ""),
                                    manifest.get("licence", ""), manifest.get("source", ""),
                                    manifest))
    order = {model.name: index for index, model in enumerate(CATALOGUE)}
    return sorted(found, key=lambda model: (order.get(model.name, len(order)), model.name))


def find_installed(cache: Path, name: str) -> InstalledModel | None:
    name = name.strip().lower()
    return next((model for model in installed_models(cache) if model.name == name), None)


def preferred_model(cache: Path) -> InstalledModel | None:
    """The model engine ``auto`` uses: the default if installed, else the first in order.

    Several OPUS-MT pairs count as one model (their shared folder).
    """
    models = installed_models(cache)
    for model in models:
        if model.name == DEFAULT_MODEL:
            return model
    return models[0] if models else None


def language_coverage(engine_path: Path, languages: list[str]) -> dict[tuple[str, str], str]:
    """For each ordered pair of ``languages``: "direct", "via en" or "" (not covered)."""
    from rostra.pipeline.mt.ctranslate2_engine import CTranslate2Engine

    engine = CTranslate2Engine(engine_path, device="cpu")
    coverage = {}
    for source in languages:
        for target in languages:
            if source == target:
                continue
            hops = engine.route(source, target)
            coverage[(source, target)] = ("" if not hops else "direct" if len(hops) == 1
                                          else f"via {PIVOT_LANGUAGE}")
    return coverage


# --- export and add (offline machines) ---------------------------------------------------

def export_model(cache: Path, name: str, archive: Path) -> Path:
    """Write the installed model ``name`` to a .tar.gz that ``add_model`` installs elsewhere.

    Side effects: writes ``archive`` through a temporary file and a rename (no half archive).
    """
    model = find_installed(cache, name)
    if model is None:
        raise ModelInstallError(f"no translation model named {name!r} is installed; see "
                                "`rostra models list`")
    verify_manifest(model.path, model.manifest)
    archive = Path(archive)
    if not archive.name.endswith((".tar.gz", ".tgz")):
        raise ModelInstallError(f"{archive}: name the archive NAME.tar.gz")
    if not archive.parent.is_dir():
        raise ModelInstallError(f"{archive.parent} does not exist; create it or pick another "
                                "place for the archive")
    fd, temp_name = tempfile.mkstemp(dir=archive.parent, prefix=f".{archive.name}.",
                                     suffix=".tmp")
    os.close(fd)
    try:
        with tarfile.open(temp_name, "w:gz") as tar:
            tar.add(model.path, arcname=model.name)
        os.replace(temp_name, archive)
    except OSError as exc:
        raise ModelInstallError(f"cannot write {archive} ({exc.strerror or exc})") from None
    finally:
        Path(temp_name).unlink(missing_ok=True)
    return archive


def _unpack(archive: Path, into: Path) -> None:
    name = archive.name.lower()
    try:
        if name.endswith((".zip", ARGOS_SUFFIX)):
            with zipfile.ZipFile(archive) as zipped:
                for member in zipped.infolist():
                    target = (into / member.filename).resolve()
                    if not target.is_relative_to(into.resolve()) or member.filename.startswith("/"):
                        raise ModelInstallError(f"{archive.name} holds a path outside its folder "
                                                f"({member.filename}); refusing it")
                zipped.extractall(into)
        else:
            with tarfile.open(archive) as tar:
                # "data" refuses absolute paths, "..", links out of the folder and devices.
                tar.extractall(into, filter="data")
    except (tarfile.TarError, zipfile.BadZipFile, EOFError) as exc:
        again = ("download it again" if name.endswith(ARGOS_SUFFIX)
                 else "export it again with `rostra models export`")
        raise ModelInstallError(f"{archive.name} is not a readable archive ({exc}); "
                                f"{again}") from None


def _model_root(unpacked: Path) -> Path:
    """The model folder inside an unpacked archive: itself, or its one subfolder."""
    from rostra.pipeline.mt.ctranslate2_engine import is_ctranslate2_model_dir

    if is_ctranslate2_model_dir(unpacked):
        return unpacked
    children = [child for child in unpacked.iterdir() if not child.name.startswith(".")]
    if len(children) == 1 and children[0].is_dir():
        return children[0]
    raise ModelInstallError("the archive holds no model folder (model.bin and config.json, "
                            "at the top or in one folder)")


def add_model(cache: Path, source: Path, *, name: str | None = None,
              replace: bool = False) -> InstalledModel:
    """Install a model folder or archive made on another machine into the cache.

    Validates it (CTranslate2 files, a SentencePiece model, a known family, and the manifest's
    checksums when it has one), then renames it into place. Side effects: copies the files
    into a staging folder under the cache; on any failure the staging folder is removed and
    nothing is installed.
    """
    source = Path(source).expanduser()
    if not source.exists():
        raise ModelInstallError(f"{source} does not exist; give a model folder or an archive "
                                "made with `rostra models export`")
    is_archive = source.is_file()
    if is_archive and not source.name.lower().endswith(ARCHIVE_SUFFIXES):
        raise ModelInstallError(f"{source.name} is neither a folder nor a .tar.gz/.tar/.zip "
                                "archive")
    from rostra.pipeline.mt.argos import install_argos_package, is_argos_package

    if is_argos_package(source):
        return install_argos_package(cache, source, name=name, replace=replace,
                                     source=f"added from {source.name}")
    staging = new_staging_dir(cache, "add")
    try:
        if is_archive:
            _unpack(source, staging / "unpacked")
            root = _model_root(staging / "unpacked")
        else:
            root = _model_root(source)
        manifest = read_manifest(root)
        if manifest is not None:
            verify_manifest(root, manifest)
        family, _ = describe_model_dir(root)
        chosen = (name or (manifest or {}).get("name") or root.name).strip().lower()
        if not chosen or chosen.startswith(".") or "/" in chosen:
            raise ModelInstallError(f"{chosen!r} cannot be a model name; pass --name")
        folder = install_path(cache, chosen, family).name
        if family in PAIR_FAMILIES and parse_opus_pair_dir_name(folder, family=family) is None:
            raise ModelInstallError(f"a {family} pair model must be named {family}-SRC-TGT, "
                                    f"not {chosen!r}; pass --name")
        model_dir = staging / "model"
        if is_archive:
            os.replace(root, model_dir)
        else:
            shutil.copytree(root, model_dir, symlinks=False)
        install_staged(model_dir, cache, name=chosen, family=family, replace=replace,
                       licence=(manifest or {}).get("licence", ""),
                       source=(manifest or {}).get("source") or f"added from {source.name}",
                       revision=(manifest or {}).get("revision", ""))
    except OSError as exc:
        raise ModelInstallError(f"cannot install {source.name} ({exc.strerror or exc}); "
                                "nothing was installed") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return _installed(cache, chosen)


def install_staged(model_dir: Path, cache: Path, *, name: str, family: str, licence: str,
                   source: str, revision: str, replace: bool) -> None:
    """Write the manifest of a checked model folder and move it into the cache in one rename.
    An empty ``licence`` is taken from the catalogue when the model is catalogued."""
    catalogued = find_catalogue_model(name)
    write_manifest(model_dir, name=name, family=family,
                   licence=licence or (catalogued.licence if catalogued else ""),
                   source=source, revision=revision)
    move_into_place(model_dir, install_path(cache, name, family), replace=replace)


def _installed(cache: Path, name: str) -> InstalledModel:
    installed = find_installed(cache, name)
    assert installed is not None, f"{name} was just installed"
    return installed


def remove_model(cache: Path, name: str) -> Path:
    model = find_installed(cache, name)
    if model is None:
        raise ModelInstallError(f"no translation model named {name!r} is installed")
    trash = model.path.with_name(f".removing-{model.path.name}")
    os.replace(model.path, trash)  # gone from listings at once, even if deleting is slow
    shutil.rmtree(trash, ignore_errors=True)
    return model.path
