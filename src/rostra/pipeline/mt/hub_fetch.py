"""Download a catalogued translation model from the Hugging Face Hub, verified and resumable.

The hub is asked once for the repository's files at a pinned commit, with their sizes and
checksums (sha256 for LFS files, the git blob id for the others). Each file is downloaded
with ``huggingface_hub`` (which honours ``HF_ENDPOINT``, so a mirror or a test server works)
into ``translation/.partial/NAME@COMMIT/``; a broken download resumes there with an HTTP
range request the next time. Only when every file is verified, the model converted if it is
published in Transformers format, and the folder validated, is it renamed into place.
"""

from __future__ import annotations

import errno
import os
import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from rostra.core.digests import digest_of
from rostra.pipeline.mt.catalogue import CatalogueModel
from rostra.pipeline.mt.installed import (InstalledModel, ModelInstallError,
                                          describe_model_dir, find_installed, install_path,
                                          move_into_place, new_staging_dir, translation_cache,
                                          write_manifest)

# Files a CTranslate2 folder or a conversion never needs.
SKIPPED_SUFFIXES = (".md", ".gitattributes", ".h5", ".msgpack", ".ot", ".onnx", ".pt")
SKIPPED_PREFIXES = ("onnx/", "tf_", "flax_", ".")
# Room needed on top of the download while converting (the converted model and its source).
CONVERSION_SPACE_FACTOR = 2
RESUME_CHUNK = 64 * 1024

ProgressCallback = Callable[[str, int, int], None]  # (file name, bytes done, bytes total)


@dataclass(frozen=True)
class RemoteFile:
    name: str
    size: int
    sha256: str | None  # LFS files
    blob_id: str | None  # plain git files: sha1 of "blob SIZE\0" + content


def _is_network_error(exc: BaseException) -> bool:
    import huggingface_hub.errors as hub_errors

    names = {cls.__name__ for cls in type(exc).__mro__}
    network_names = {"ConnectError", "TimeoutException", "RemoteProtocolError", "NetworkError",
                     "ReadError", "TransportError", "ConnectionError"}
    return bool(names & network_names) or isinstance(exc, hub_errors.OfflineModeIsEnabled)


def list_remote_files(model: CatalogueModel, *, endpoint: str | None = None
                      ) -> tuple[str, list[RemoteFile]]:
    """(commit, files to download) for ``model``'s repository; asks the hub once.

    ``endpoint`` None means huggingface_hub's own choice (``HF_ENDPOINT`` or the public hub).
    """
    import huggingface_hub
    import huggingface_hub.errors as hub_errors

    api = huggingface_hub.HfApi(endpoint=endpoint)
    try:
        info = api.model_info(model.repo_id, revision=model.revision, files_metadata=True)
    except (hub_errors.RepositoryNotFoundError, hub_errors.RevisionNotFoundError):
        raise ModelInstallError(f"the model hub at {api.endpoint} has no {model.repo_id} "
                                f"(revision {model.revision}); check HF_ENDPOINT") from None
    except Exception as exc:  # httpx and hub errors: all mean the hub was not reached
        if _is_network_error(exc) or isinstance(exc, hub_errors.HfHubHTTPError):
            raise ModelInstallError(
                f"cannot reach the model hub at {api.endpoint} ({type(exc).__name__}); this "
                f"machine seems offline: run `rostra models fetch {model.name}` on a connected "
                f"machine, then `rostra models export {model.name} {model.name}.tar.gz` there "
                f"and `rostra models add {model.name}.tar.gz` here") from None
        raise
    files = []
    for sibling in info.siblings or []:
        name = sibling.rfilename
        if name.endswith(SKIPPED_SUFFIXES) or name.startswith(SKIPPED_PREFIXES):
            continue
        lfs = sibling.lfs
        files.append(RemoteFile(name, int(sibling.size or (lfs.size if lfs else 0)),
                                lfs.sha256 if lfs else None, sibling.blob_id))
    names = {file.name for file in files}
    if "model.safetensors" in names:  # the same weights twice; keep the safer format
        files = [file for file in files if file.name != "pytorch_model.bin"]
    if not files:
        raise ModelInstallError(f"{model.repo_id} lists no model files at the hub")
    return info.sha or model.revision, files


def _checksum_matches(path: Path, remote: RemoteFile) -> tuple[bool, str]:
    if remote.sha256:
        digest = hashlib.sha256()
        expected = remote.sha256
    elif remote.blob_id:
        digest = hashlib.sha1()  # noqa: S324 — git's object id, not a security hash
        digest.update(f"blob {path.stat().st_size}\0".encode())
        expected = remote.blob_id
    else:
        return True, ""
    digest_of(path, digest)
    return digest.hexdigest() == expected, digest.hexdigest()


class _CountingFile:
    """Passes writes to the real file and reports progress (huggingface_hub writes to it)."""

    def __init__(self, handle, name: str, done: int, total: int,
                 on_progress: ProgressCallback | None):
        self._handle, self._name, self._done, self._total = handle, name, done, total
        self._on_progress = on_progress

    def write(self, data: bytes) -> int:
        written = self._handle.write(data)
        self._done += len(data)
        if self._on_progress:
            self._on_progress(self._name, self._done, self._total)
        return written

    def __getattr__(self, attribute):
        return getattr(self._handle, attribute)


def _silent_tqdm():
    from tqdm.auto import tqdm

    class SilentTqdm(tqdm):  # rostra draws its own progress bar
        def __init__(self, *args, **kwargs):
            kwargs["disable"] = True
            super().__init__(*args, **kwargs)

    return SilentTqdm


def _download_file(model: CatalogueModel, commit: str, remote: RemoteFile, target: Path,
                   on_progress: ProgressCallback | None, endpoint: str | None) -> None:
    import huggingface_hub
    from huggingface_hub.file_download import http_get
    from huggingface_hub.utils import build_hf_headers

    target.parent.mkdir(parents=True, exist_ok=True)
    have = target.stat().st_size if target.exists() else 0
    if have > remote.size:  # not a prefix of this file: start again
        target.unlink()
        have = 0
    if have < remote.size or remote.size == 0:
        url = huggingface_hub.hf_hub_url(model.repo_id, remote.name, revision=commit,
                                         endpoint=endpoint)
        with open(target, "ab") as handle:
            http_get(url, _CountingFile(handle, remote.name, have, remote.size, on_progress),
                     resume_size=have, expected_size=remote.size,
                     headers=build_hf_headers(), tqdm_class=_silent_tqdm(),
                     displayed_filename=remote.name)
    matches, actual = _checksum_matches(target, remote)
    if not matches:
        target.unlink()  # a damaged file must not be resumed from
        raise ModelInstallError(
            f"{remote.name} of {model.repo_id} does not match the hub's checksum (got "
            f"{actual[:12]}…); it was deleted and nothing was installed: run the command again")


def _check_free_space(directory: Path, needed: int, model: CatalogueModel) -> None:
    free = shutil.disk_usage(directory).free
    if free < needed:
        raise ModelInstallError(
            f"not enough disk space for {model.name}: it needs {needed / 1e6:,.0f} MB more, "
            f"{directory} has {free / 1e6:,.0f} MB free; free some space or set "
            "ROSTRA_DATA_DIR to a bigger disk")


def _convert(model: CatalogueModel, source_dir: Path, output_dir: Path) -> None:
    """Convert a Transformers checkpoint to CTranslate2 int8 with the tokenizer files."""
    from ctranslate2.converters import TransformersConverter

    tokenizer_files = [path.name for path in source_dir.iterdir()
                       if path.suffix in (".spm", ".model") or path.name in (
                           "tokenizer.json", "tokenizer_config.json",
                           "special_tokens_map.json", "generation_config.json")]
    converter = TransformersConverter(str(source_dir), copy_files=tokenizer_files)
    try:
        converter.convert(str(output_dir), quantization="int8", force=True)
    except Exception as exc:  # the converter raises whatever transformers raises
        reason = " ".join(str(exc).split())[:200]  # transformers' messages span lines
        raise ModelInstallError(f"converting {model.repo_id} to CTranslate2 failed "
                                f"({type(exc).__name__}: {reason}); nothing was installed"
                                ) from None


def conversion_available() -> bool:
    import importlib.util

    return all(importlib.util.find_spec(name) is not None for name in ("transformers", "torch"))


def fetch_catalogue_model(model: CatalogueModel, *, cache: Path, replace: bool = False,
                          on_progress: ProgressCallback | None = None,
                          on_plan: Callable[[int, int], None] | None = None,
                          endpoint: str | None = None) -> InstalledModel:
    """Download, verify, (convert,) validate and install ``model`` into ``cache``.

    Side effects: downloads into ``translation/.partial/`` (kept after a network failure so the
    next call resumes, removed after success or a permanent failure), then renames the complete
    model folder into place. ``on_plan(files, bytes)`` is called once the hub has answered.
    Raises ModelInstallError with one line (offline, out of disk, bad checksum, conversion).
    """
    if model.from_argos:  # Argos Translate's own index, not the hub
        from rostra.pipeline.mt.argos import fetch_argos_model

        return fetch_argos_model(model, cache=cache, replace=replace, on_progress=on_progress,
                                 on_plan=on_plan)
    installed = find_installed(cache, model.name)
    if installed is not None and not replace:
        return installed
    from huggingface_hub.utils import logging as hub_logging

    hub_logging.set_verbosity_error()  # its retry warnings would drown the one-line error
    import huggingface_hub.constants as hub_constants

    # huggingface_hub writes in chunks of this size; what was received of an unfinished chunk
    # is lost when the connection breaks, so smaller chunks mean less to fetch again.
    hub_constants.DOWNLOAD_CHUNK_SIZE = RESUME_CHUNK
    if model.needs_conversion and not conversion_available():
        raise ModelInstallError(
            f"{model.name} is published in Transformers format and must be converted; install "
            "the converter with `pip install 'rostra[convert]'` (transformers and torch), or "
            "choose a model published in CTranslate2 format (see `rostra models list --all`)")
    root = translation_cache(cache)
    root.mkdir(parents=True, exist_ok=True)
    commit, files = list_remote_files(model, endpoint=endpoint)
    partial = root / ".partial" / f"{model.name}@{commit}"
    partial.mkdir(parents=True, exist_ok=True)
    total = sum(file.size for file in files)
    have = sum((partial / file.name).stat().st_size for file in files
               if (partial / file.name).is_file())
    if on_plan:
        on_plan(len(files), total)
    factor = CONVERSION_SPACE_FACTOR if model.needs_conversion else 1
    _check_free_space(root, total * factor - have, model)
    try:
        for remote in files:
            _download_file(model, commit, remote, partial / remote.name, on_progress, endpoint)
    except ModelInstallError:
        raise
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            shutil.rmtree(partial, ignore_errors=True)
            raise ModelInstallError(
                f"the disk filled up while downloading {model.name} into {root}; nothing was "
                "installed: free some space (or set ROSTRA_DATA_DIR to a bigger disk) and run "
                "the command again") from None
        if "Consistency check failed" not in str(exc):
            raise
        raise ModelInstallError(
            f"the download of {model.name} broke off ({_short(exc)}); nothing was installed: "
            "run the same command again to resume") from None
    except Exception as exc:
        if not _is_network_error(exc):
            import huggingface_hub.errors as hub_errors

            if not isinstance(exc, hub_errors.HfHubHTTPError):
                raise
        raise ModelInstallError(
            f"the download of {model.name} broke off ({type(exc).__name__}); nothing was "
            "installed: run the same command again to resume where it stopped") from None
    staging = new_staging_dir(cache, model.name)
    try:
        # Named as installed: an OPUS-MT folder's name (opus-mt-SRC-TGT) says its language pair.
        model_dir = staging / Path(model.folder).name
        if model.needs_conversion:
            _convert(model, partial, model_dir)
        else:
            os.replace(partial, model_dir)  # same disk: no second copy of the weights
        family, _ = describe_model_dir(model_dir)
        if family != model.family:
            raise ModelInstallError(f"{model.repo_id} holds a {family} model, not the "
                                    f"{model.family} model the catalogue expects")
        write_manifest(model_dir, name=model.name, family=family, licence=model.licence,
                       source=model.source_url, revision=commit)
        move_into_place(model_dir, install_path(cache, model.name, family), replace=replace)
    except OSError as exc:
        raise ModelInstallError(f"cannot install {model.name} into {root} "
                                f"({exc.strerror or exc}); nothing was installed") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(partial, ignore_errors=True)
    result = find_installed(cache, model.name)
    assert result is not None
    return result


def _short(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:120]
