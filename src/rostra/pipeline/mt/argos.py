"""Argos Translate packages: read the index, download verified and resumable, install.

Argos Translate lists its models in one JSON index, the file ``argostranslate.settings`` reads
(``https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json``): a list of
packages, each with ``from_code``, ``to_code``, ``package_version``, ``argos_version``, ``code``
and ``links`` (https URLs of the ``.argosmodel`` file, some with an ``ipfs://`` one beside it).
A ``.argosmodel`` is a zip archive of one folder holding ``metadata.json`` (the same fields),
``model/`` (a CTranslate2 model converted from OpenNMT-py), ``sentencepiece.model`` (or
``bpe.model`` for packages tokenized with BPE and Moses, which rostra does not support),
usually ``stanza/`` (sentence-splitting data rostra does not need: it splits sentences itself)
and a ``README.md``.

The index publishes neither sizes nor checksums. rostra checks the size the server announces
(``Content-Length``, or ``Content-Range`` on a resumed download) against what arrived, every
member's CRC-32 inside the zip, a size and sha256 where the catalogue pins them, and that
``metadata.json`` names the pair asked for. The download goes to
``translation/.partial/NAME@VERSION/`` and resumes there with an HTTP range request after a
broken connection; a damaged file is deleted. The package is installed as
``translation/argos/argos-SRC-TGT/``: ``model/``'s files with ``sentencepiece.model``,
``metadata.json`` and ``README.md`` beside them, renamed into place only when complete.

``ROSTRA_ARGOS_INDEX`` points rostra at another index (a mirror, or the tests' local server).
"""

from __future__ import annotations

import errno
import hashlib
import http.client
import json
import os
import shutil
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from pathlib import Path
from typing import Any, Callable

from rostra.core.digests import digest_of
from rostra.pipeline.mt.catalogue import ARGOS_INDEX_URL, CatalogueModel
from rostra.pipeline.mt.installed import (ARGOS_SUFFIX, InstalledModel, ModelInstallError,
                                          _installed, _unpack, describe_model_dir,
                                          find_installed, install_path, install_staged,
                                          new_staging_dir, translation_cache)
from rostra.pipeline.mt.languages import ARGOS, argos_pair_dir_name, parse_opus_pair_dir_name

INDEX_SETTING = "ROSTRA_ARGOS_INDEX"
CHUNK = 64 * 1024
TIMEOUT_S = 30
# Room needed on top of the download: the archive and its unpacked copy exist at once.
UNPACK_SPACE_FACTOR = 2
KEPT_FILES = ("sentencepiece.model", "metadata.json", "README.md")

ProgressCallback = Callable[[str, int, int], None]


def index_url() -> str:
    return os.environ.get(INDEX_SETTING, "").strip() or ARGOS_INDEX_URL


def _request(url: str, headers: dict[str, str] | None = None):
    request = urllib.request.Request(url, headers={"User-Agent": "rostra", **(headers or {})})
    return urllib.request.urlopen(request, timeout=TIMEOUT_S)  # noqa: S310 — http(s) only


def _offline(what: str, url: str, reason: str, name: str) -> ModelInstallError:
    return ModelInstallError(
        f"cannot reach the {what} at {url} ({reason}); this machine seems offline: run "
        f"`rostra models fetch {name}` on a connected machine, then `rostra models export "
        f"{name} {name}.tar.gz` there and `rostra models add {name}.tar.gz` here (or copy the "
        f".argosmodel file over and `rostra models add` it)")


def read_index(url: str, *, name: str) -> list[dict[str, Any]]:
    """The index's package list. Raises ModelInstallError (offline, not found, not JSON)."""
    try:
        with _request(url) as response:
            payload = response.read()
    except urllib.error.HTTPError as exc:
        raise ModelInstallError(f"the Argos Translate index at {url} answered HTTP {exc.code}; "
                                f"check {INDEX_SETTING}") from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", None) or type(exc).__name__
        raise _offline("Argos Translate index", url, str(reason), name) from None
    try:
        packages = json.loads(payload)
    except ValueError:
        packages = None
    if not isinstance(packages, list):
        raise ModelInstallError(f"{url} is not an Argos Translate index (a JSON list of "
                                f"packages); check {INDEX_SETTING}")
    return [package for package in packages if isinstance(package, dict)]


def find_package(packages: list[dict[str, Any]], source: str, target: str
                 ) -> dict[str, Any] | None:
    """The translate package for ``source`` → ``target``; the highest version if several."""
    found = [package for package in packages
             if package.get("type", "translate") == "translate"
             and package.get("from_code") == source and package.get("to_code") == target]

    def version(package) -> tuple[int, ...]:
        parts = str(package.get("package_version", "0")).split(".")
        return tuple(int(part) if part.isdigit() else 0 for part in parts)

    return max(found, key=version) if found else None


def _download(url: str, target: Path, *, name: str,
              on_total: Callable[[int, int], None],
              on_progress: ProgressCallback | None) -> int:
    """Fetch ``url`` into ``target``, resuming what is there; returns the full size.

    The size the server announced is kept beside the file (``.size``), so a finished file is
    not asked for again and a resumed one is checked against the same total.
    """
    size_file = target.with_name(target.name + ".size")
    have = target.stat().st_size if target.is_file() else 0
    known = int(size_file.read_text()) if size_file.is_file() else None
    if known is not None and have == known:
        on_total(known, have)
        return known
    if known is None or have > known:
        have = 0
    headers = {"Range": f"bytes={have}-"} if have else {}
    try:
        response = _request(url, headers)
    except urllib.error.HTTPError as exc:
        if exc.code == 416:  # the range no longer fits the file: start again next time
            target.unlink(missing_ok=True)
            size_file.unlink(missing_ok=True)
        raise ModelInstallError(f"the package server answered HTTP {exc.code} for {url}; "
                                "nothing was installed") from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", None) or type(exc).__name__
        raise _offline("Argos Translate package server", url, str(reason), name) from None
    with response:
        length = response.headers.get("Content-Length")
        if response.status == 206:
            content_range = response.headers.get("Content-Range", "")
            total_text = content_range.rpartition("/")[2]
            total = int(total_text) if total_text.isdigit() else (
                have + int(length) if length and length.isdigit() else None)
            mode = "ab"
        else:
            total = int(length) if length and length.isdigit() else None
            have, mode = 0, "wb"
        if total is None:
            raise ModelInstallError(f"the package server did not say how big {url} is (no "
                                    "Content-Length), so the download cannot be verified; "
                                    "nothing was installed")
        if known is not None and total != known:  # the file changed on the server
            have, mode = 0, "wb"
            if response.status == 206:
                target.unlink(missing_ok=True)
                size_file.unlink(missing_ok=True)
                raise ModelInstallError(f"{url} changed on the server since the download "
                                        "began; nothing was installed: run the command again")
        on_total(total, have)
        size_file.write_text(str(total))
        done = have
        try:
            with open(target, mode) as handle:
                while True:
                    chunk = response.read(CHUNK)
                    if not chunk:
                        break
                    handle.write(chunk)
                    done += len(chunk)
                    if on_progress:
                        on_progress(target.name, done, total)
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                target.unlink(missing_ok=True)
                size_file.unlink(missing_ok=True)
                raise ModelInstallError(
                    f"the disk filled up while downloading {name}; nothing was installed: free "
                    "some space (or set ROSTRA_DATA_DIR to a bigger disk) and run the command "
                    "again") from None
            pass  # a reset connection: what arrived is kept and resumed next time
        except http.client.HTTPException:
            pass
    if done != total:
        raise ModelInstallError(
            f"the download of {name} broke off ({done:,} of {total:,} bytes); nothing was "
            "installed: run the same command again to resume where it stopped")
    return total


def _damaged(archive: Path, message: str) -> ModelInstallError:
    archive.unlink(missing_ok=True)
    archive.with_name(archive.name + ".size").unlink(missing_ok=True)
    return ModelInstallError(f"{message}; it was deleted and nothing was installed: run the "
                             "command again")


def verify_archive(archive: Path, *, name: str, size: int | None = None,
                   sha256: str = "") -> None:
    """Pinned size and sha256 (when given), then the zip's own CRC-32 of every member."""
    actual = archive.stat().st_size
    if size is not None and actual != size:
        raise _damaged(archive, f"the package for {name} is {actual:,} bytes, the catalogue "
                                f"expects {size:,}")
    if sha256:
        digest = hashlib.sha256()
        digest_of(archive, digest)
        if digest.hexdigest() != sha256.lower():
            raise _damaged(archive, f"the package for {name} does not match the checksum the "
                                    f"catalogue pins (got {digest.hexdigest()[:12]}…)")
    try:
        with zipfile.ZipFile(archive) as zipped:
            bad = zipped.testzip()
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise _damaged(archive, f"the package for {name} is not a readable .argosmodel (zip) "
                                f"archive ({exc})") from None
    if bad is not None:
        raise _damaged(archive, f"{bad} in the package for {name} fails its CRC-32 check "
                                "(a damaged download)")


def is_argos_package(path: Path) -> bool:
    """A .argosmodel file, or an unpacked package folder (metadata.json and model/)."""
    path = Path(path)
    if path.is_file():
        return path.name.lower().endswith(ARGOS_SUFFIX)
    return (path / "metadata.json").is_file() and (path / "model").is_dir()


def _package_root(unpacked: Path) -> Path:
    if (unpacked / "metadata.json").is_file():
        return unpacked
    children = [child for child in unpacked.iterdir() if not child.name.startswith(".")]
    if len(children) == 1 and (children[0] / "metadata.json").is_file():
        return children[0]
    raise ModelInstallError("the archive is not an Argos Translate package (no folder with a "
                            "metadata.json)")


def install_argos_package(cache: Path, package: Path, *, name: str | None = None,
                          expected_pair: tuple[str, str] | None = None, replace: bool = False,
                          source: str = "", revision: str = "", licence: str = ""
                          ) -> InstalledModel:
    """Validate an Argos package (file or folder) and install it as ``argos/argos-SRC-TGT``.

    Side effects: unpacks into a staging folder under the cache (removed afterwards); the
    model appears under its name only through one rename of the complete folder.
    """
    package = Path(package)
    staging = new_staging_dir(cache, "argos")
    try:
        if package.is_file():
            _unpack(package, staging / "unpacked")
            root = _package_root(staging / "unpacked")
        else:
            root = _package_root(package)
        try:
            metadata = json.loads((root / "metadata.json").read_text(encoding="utf-8"))
        except ValueError:
            raise ModelInstallError(f"{package.name}: metadata.json is not valid JSON") from None
        if not isinstance(metadata, dict):
            raise ModelInstallError(f"{package.name}: metadata.json is not a JSON object")
        if metadata.get("type", "translate") != "translate":
            raise ModelInstallError(f"{package.name} is an Argos {metadata.get('type')} "
                                    "package, not a translation model")
        pair = (str(metadata.get("from_code") or ""), str(metadata.get("to_code") or ""))
        if not all(pair):
            raise ModelInstallError(f"{package.name}: metadata.json names no from_code/to_code")
        if expected_pair is not None and pair != expected_pair:
            raise ModelInstallError(f"{package.name} translates {pair[0]} → {pair[1]}, not "
                                    f"{expected_pair[0]} → {expected_pair[1]}; nothing was "
                                    "installed")
        if not (root / "model" / "model.bin").is_file():
            raise ModelInstallError(f"{package.name} has no model/model.bin (a CTranslate2 "
                                    "model); nothing was installed")
        if not (root / "sentencepiece.model").is_file():
            if (root / "bpe.model").is_file():
                raise ModelInstallError(
                    f"{package.name} tokenizes with BPE and Moses (bpe.model), which rostra "
                    "does not support; choose a SentencePiece package or another model")
            raise ModelInstallError(f"{package.name} has no sentencepiece.model")
        chosen = (name or argos_pair_dir_name(*pair)).strip().lower()
        folder = install_path(cache, chosen, ARGOS).name
        if parse_opus_pair_dir_name(folder, family=ARGOS) != pair:
            raise ModelInstallError(f"an Argos Translate package for {pair[0]} → {pair[1]} is "
                                    f"installed as {argos_pair_dir_name(*pair)}, not "
                                    f"{chosen!r}")
        model_dir = staging / folder
        if package.is_file():
            os.replace(root / "model", model_dir)
        else:
            shutil.copytree(root / "model", model_dir, symlinks=False)
        for kept in KEPT_FILES:
            if (root / kept).is_file():
                shutil.copyfile(root / kept, model_dir / kept)
        family, _ = describe_model_dir(model_dir)
        if family != ARGOS:
            raise ModelInstallError(f"{package.name} holds a {family} model, not an Argos one")
        install_staged(model_dir, cache, name=chosen, family=ARGOS, replace=replace,
                       licence=licence or "", source=source,
                       revision=revision or str(metadata.get("package_version") or ""))
    except OSError as exc:
        raise ModelInstallError(f"cannot install {package.name} ({exc.strerror or exc}); "
                                "nothing was installed") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return _installed(cache, chosen)


def fetch_argos_model(model: CatalogueModel, *, cache: Path, replace: bool = False,
                      on_progress: ProgressCallback | None = None,
                      on_plan: Callable[[int, int], None] | None = None,
                      index: str | None = None) -> InstalledModel:
    """Find ``model``'s package in the index, download, verify and install it.

    Raises ModelInstallError with one line: offline, not in the index, broken download (kept
    for resuming), wrong size or checksum, damaged zip (deleted), disk full, bad package.
    """
    from rostra.pipeline.mt.hub_fetch import _check_free_space

    installed = find_installed(cache, model.name)
    if installed is not None and not replace:
        return installed
    assert model.argos_pair is not None
    url = index or index_url()
    package = find_package(read_index(url, name=model.name), *model.argos_pair)
    if package is None:
        raise ModelInstallError(f"the Argos Translate index at {url} lists no "
                                f"{model.argos_pair[0]} → {model.argos_pair[1]} package")
    links = [urllib.parse.urljoin(url, str(link)) for link in package.get("links") or []
             if urllib.parse.urljoin(url, str(link)).startswith(("https://", "http://"))]
    if not links:
        raise ModelInstallError(f"the index lists no http(s) link for {package.get('code')}")
    version = str(package.get("package_version") or "0")
    root = translation_cache(cache)
    partial = root / ".partial" / f"{model.name}@{version}"
    partial.mkdir(parents=True, exist_ok=True)
    archive = partial / f"{model.name}{ARGOS_SUFFIX}"

    def on_total(total: int, have: int) -> None:
        if model.size_bytes is not None and total != model.size_bytes:
            raise ModelInstallError(f"the server offers {total:,} bytes for {model.name}, the "
                                    f"catalogue expects {model.size_bytes:,}; refusing it, "
                                    "nothing was installed")
        if on_plan:
            on_plan(1, total)
        _check_free_space(root, total * UNPACK_SPACE_FACTOR - have, model)

    _download(links[0], archive, name=model.name, on_total=on_total, on_progress=on_progress)
    verify_archive(archive, name=model.name, size=model.size_bytes, sha256=model.sha256)
    result = install_argos_package(cache, archive, name=model.name,
                                   expected_pair=model.argos_pair, replace=replace,
                                   source=links[0], revision=version, licence=model.licence)
    shutil.rmtree(partial, ignore_errors=True)
    return result
