"""Argos packages on disk: listing without argostranslate, installing through it.

``installed_directions`` reads ``metadata.json`` files directly so the web process and /healthz
can list models without importing argostranslate (which pulls in torch, stanza and spaCy).  The
install functions use argostranslate's own package API, pointed at our packages directory.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from syndicate.errors import SyndicateError

log = logging.getLogger(__name__)

# argostranslate decides how to split sentences by looking for these words in package paths.
_RESERVED_PATH_WORDS = ("stanza", "minisbd")
_argos_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class PackageInfo:
    from_code: str
    to_code: str
    version: str
    path: Path
    model_id: str
    from_name: str = ""
    to_name: str = ""
    target_prefix: str = ""
    tokenizer: str = "sentencepiece"  # or "bpe" (bpe.model: Moses + subword-nmt)
    installed_at: int = 0  # metadata.json's mtime (ns): a reinstall of the same version differs

    @property
    def name(self) -> str:
        return package_name(self.from_code, self.to_code)

    @property
    def identity(self) -> tuple[str, str, int]:
        """Changes whenever the package serving the direction is replaced."""
        return (self.version, str(self.path), self.installed_at)


class MissingModelError(SyndicateError, LookupError):
    status = 503
    title = "Translation model not installed"

    def __init__(self, src: str, tgt: str):
        self.src, self.tgt = src, tgt
        super().__init__(
            f"No Argos package installed for {src}→{tgt}: install {package_name(src, tgt)} "
            "with `syndicate models install`",
            src=src,
            tgt=tgt,
        )

    def __reduce__(self) -> tuple[Any, ...]:  # survives pickling across a job queue
        return (type(self), (self.src, self.tgt))


class PackageError(SyndicateError):
    status = 400
    title = "Invalid Argos package"


def package_name(src: str, tgt: str) -> str:
    return f"translate-{src}_{tgt}"


def model_id(src: str, tgt: str, version: str) -> str:
    """Identifies model and version, e.g. ``argos:translate-en_zh@1.9`` (a cache-key part)."""
    return f"argos:{package_name(src, tgt)}@{version}"


def _version_key(version: str) -> tuple[Any, ...]:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in version.split("."))


def read_package(path: Path) -> PackageInfo | None:
    """The package in ``path`` if it is a translate package with readable metadata."""
    try:
        meta = json.loads((path / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or meta.get("type", "translate") != "translate":
        return None
    src, tgt = meta.get("from_code"), meta.get("to_code")
    if not (isinstance(src, str) and isinstance(tgt, str) and (path / "model").is_dir()):
        return None
    version = str(meta.get("package_version") or "0")
    tokenizer = _tokenizer_kind(path)
    if tokenizer is None:
        return None  # argostranslate would fail on it too: not a usable package
    try:
        installed_at = (path / "metadata.json").stat().st_mtime_ns
    except OSError:
        return None
    return PackageInfo(
        from_code=src,
        to_code=tgt,
        version=version,
        path=path,
        model_id=model_id(src, tgt, version),
        from_name=str(meta.get("from_name", "")),
        to_name=str(meta.get("to_name", "")),
        target_prefix=str(meta.get("target_prefix") or ""),
        tokenizer=tokenizer,
        installed_at=installed_at,
    )


# What argostranslate accepts as a package's tokenizer, in its order of preference.
TOKENIZER_FILES = {"sentencepiece": "sentencepiece.model", "bpe": "bpe.model"}


def _tokenizer_kind(path: Path) -> str | None:
    for kind, name in TOKENIZER_FILES.items():
        if (path / name).is_file():
            return kind
    return None


def installed_directions(packages_dir: str | os.PathLike[str]) -> list[PackageInfo]:
    """Installed translate packages, one per direction (the highest version wins), sorted.

    Pure Python: never imports argostranslate.  Folders without metadata.json are skipped
    (argostranslate itself would raise on them)."""
    root = Path(packages_dir)
    best: dict[tuple[str, str], PackageInfo] = {}
    if not root.is_dir():
        return []
    for child in sorted(root.iterdir()):
        info = read_package(child) if child.is_dir() else None
        if info is None:
            continue
        key = (info.from_code, info.to_code)
        if key not in best or _version_key(info.version) > _version_key(best[key].version):
            best[key] = info
    return [best[k] for k in sorted(best)]


def find_package(packages_dir: str | os.PathLike[str], src: str, tgt: str) -> PackageInfo:
    for info in installed_directions(packages_dir):
        if (info.from_code, info.to_code) == (src, tgt):
            return info
    raise MissingModelError(src, tgt)


# argostranslate --------------------------------------------------------------------------------


def check_packages_dir(packages_dir: str | os.PathLike[str]) -> Path:
    path = Path(packages_dir).resolve()
    lowered = str(path).lower()
    for word in _RESERVED_PATH_WORDS:
        if word in lowered:
            raise PackageError(
                f"packages directory {path} contains {word!r}: argostranslate would mistake "
                "every package for a sentence-boundary model; choose another path"
            )
    return path


def prepare_argos_environment(
    packages_dir: str | os.PathLike[str], state_dir: str | os.PathLike[str] | None = None
) -> Path:
    """Point argostranslate at ``packages_dir`` before (or after) it is imported.

    argostranslate reads ARGOS_PACKAGES_DIR at import and creates folders under HOME/XDG dirs;
    where those are not writable (service users, read-only images) they move under
    ``state_dir`` (default: ``<packages_dir>/../.argos-state``)."""
    path = check_packages_dir(packages_dir)
    path.mkdir(parents=True, exist_ok=True)
    os.environ["ARGOS_PACKAGES_DIR"] = str(path)
    state = Path(state_dir) if state_dir else path.parent / ".argos-state"
    home = Path(os.environ.get("HOME") or state)
    defaults = {
        "XDG_DATA_HOME": home / ".local" / "share",
        "XDG_CONFIG_HOME": home / ".config",
        "XDG_CACHE_HOME": home / ".local" / "cache",
    }
    for var, default in defaults.items():
        current = Path(os.environ.get(var) or default)
        if not _writable(current):
            fallback = state / var.removeprefix("XDG_").removesuffix("_HOME").lower()
            fallback.mkdir(parents=True, exist_ok=True)
            os.environ[var] = str(fallback)
    settings = sys.modules.get("argostranslate.settings")
    if settings is not None and settings.package_dirs != [path]:
        # Already imported with another directory: its module globals are what it reads.
        settings.package_data_dir = path
        settings.package_dirs = [path]
        translate = sys.modules.get("argostranslate.translate")
        if translate is not None:
            translate.get_installed_languages.cache_clear()
    return path


def _writable(path: Path) -> bool:
    probe = path
    while not probe.exists():
        if probe.parent == probe:
            return False
        probe = probe.parent
    return os.access(probe, os.W_OK)


def _argos_package_module(packages_dir: str | os.PathLike[str]):
    prepare_argos_environment(packages_dir)
    import argostranslate.package

    prepare_argos_environment(packages_dir)  # settings may have been imported just now
    return argostranslate.package


def _validate_archive(archive: Path) -> str:
    """The archive's single root folder; refuses archives argostranslate would mis-install."""
    if not zipfile.is_zipfile(archive):
        raise PackageError(f"{archive} is not an Argos package (not a zip archive)")
    with zipfile.ZipFile(archive) as z:
        names = [PurePosixPath(n) for n in z.namelist()]
    roots = {n.parts[0] for n in names if n.parts}
    if len(roots) != 1 or any(n.is_absolute() or ".." in n.parts for n in names):
        raise PackageError(f"{archive} must contain exactly one package folder")
    root = roots.pop()
    for required in ("metadata.json", "model/model.bin"):
        if PurePosixPath(root, required) not in names:
            raise PackageError(f"{archive} has no {root}/{required}")
    if not any(PurePosixPath(root, name) in names for name in TOKENIZER_FILES.values()):
        raise PackageError(
            f"{archive} has no tokenizer: expected {root}/sentencepiece.model or {root}/bpe.model"
        )
    if PurePosixPath(root, TOKENIZER_FILES["bpe"]) in names:
        _check_bpe_support(archive)
    return root


def _check_bpe_support(archive: Path) -> None:
    """BPE packages need sacremoses and argostranslate's subword-nmt code: refuse the package
    now rather than install it and fail every job."""
    try:
        import argostranslate.apply_bpe  # noqa: F401
        import sacremoses  # noqa: F401
    except ImportError as exc:
        raise PackageError(
            f"{archive} uses a BPE tokenizer (bpe.model), which needs {exc.name}: "
            "install syndicate's translate dependencies"
        ) from None


def install_from_path(
    archive: str | os.PathLike[str], packages_dir: str | os.PathLike[str]
) -> PackageInfo:
    """Install an ``.argosmodel`` with argostranslate; older versions of the same direction are
    removed so exactly one package serves each direction."""
    archive = Path(archive)
    root = _validate_archive(archive)
    with _argos_lock:
        package = _argos_package_module(packages_dir)
        target = check_packages_dir(packages_dir)
        package.install_from_path(archive)
        info = read_package(target / root)
        if info is None:
            raise PackageError(f"{archive} is not a translate package")
        _remove_other_versions(package, target, info)
    log.info("installed %s %s from %s", info.name, info.version, archive)
    return info


def _remove_other_versions(package: Any, target: Path, keep: PackageInfo) -> None:
    for child in sorted(target.iterdir()):
        info = read_package(child) if child.is_dir() else None
        if info is None or child.resolve() == keep.path.resolve():
            continue
        if (info.from_code, info.to_code) == (keep.from_code, keep.to_code):
            log.info("removing %s %s (superseded by %s)", info.name, info.version, keep.version)
            package.uninstall(package.Package(child))


def uninstall(packages_dir: str | os.PathLike[str], src: str, tgt: str) -> list[PackageInfo]:
    """Remove every installed package of a direction, through argostranslate."""
    removed = []
    with _argos_lock:
        package = _argos_package_module(packages_dir)
        for child in sorted(check_packages_dir(packages_dir).iterdir()):
            info = read_package(child) if child.is_dir() else None
            if info is not None and (info.from_code, info.to_code) == (src, tgt):
                package.uninstall(package.Package(child))
                removed.append(info)
    if not removed:
        raise MissingModelError(src, tgt)
    return removed


def argos_installed_packages(packages_dir: str | os.PathLike[str]) -> list[Any]:
    """argostranslate's own view (``Package`` objects), for diagnostics and the CLI."""
    with _argos_lock:
        package = _argos_package_module(packages_dir)
        target = check_packages_dir(packages_dir)
        try:
            return package.get_installed_packages([target])
        except FileNotFoundError:  # a stray folder without metadata.json: skip it, as we do
            dirs = [d for d in target.iterdir() if (d / "metadata.json").is_file()]
            return [package.Package(d) for d in sorted(dirs)]
