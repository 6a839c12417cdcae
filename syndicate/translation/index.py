"""Installing packages from the Argos package index (``syndicate models install --from-index``).

argostranslate's own index code raises bare exceptions on network errors, has no timeout, and
caches downloads under a name without their version (a newer index entry can reuse a stale
file) that it never removes.  Here: one typed error per failure (``IndexUnavailable``, a
one-line message naming the URL), a timeout on every network operation, downloads named
``translate-en_zh-1_9.argosmodel`` in ``cache_dir`` written through a ``.part`` file, older
versions and leftovers removed, and the file itself removed once installed.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from syndicate.translation.packages import (
    MissingModelError,
    PackageError,
    PackageInfo,
    _version_key,
    install_from_path,
    installed_directions,
    package_name,
)

log = logging.getLogger(__name__)

USER_AGENT = "syndicate (argostranslate-compatible)"


class IndexUnavailable(PackageError):
    """The index or a package file could not be fetched: the network, not the user."""

    status = 503
    title = "Argos package index unavailable"


@dataclass(frozen=True)
class IndexEntry:
    from_code: str
    to_code: str
    version: str
    links: tuple[str, ...]

    @property
    def name(self) -> str:
        return package_name(self.from_code, self.to_code)

    @property
    def file_name(self) -> str:
        return f"{self.name}-{self.version.replace('.', '_')}.argosmodel"


def _describe(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        exc = exc.reason if isinstance(exc.reason, BaseException) else exc
    if isinstance(exc, TimeoutError | socket.timeout):
        return "timed out"
    return str(getattr(exc, "strerror", None) or exc) or exc.__class__.__name__


def _open(url: str, timeout: float):
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    return urllib.request.urlopen(request, timeout=timeout)  # http(s) links only (_entry)


def fetch_index(url: str, timeout: float) -> list[IndexEntry]:
    try:
        with _open(url, timeout) as response:
            data = json.loads(response.read())
    except (urllib.error.URLError, OSError) as exc:
        raise IndexUnavailable(
            f"cannot read the Argos package index at {url}: {_describe(exc)}"
        ) from None
    except ValueError:
        raise IndexUnavailable(f"{url} is not an Argos package index (invalid JSON)") from None
    if not isinstance(data, list):
        raise IndexUnavailable(f"{url} is not an Argos package index (not a list)")
    return [entry for item in data if (entry := _entry(item)) is not None]


def _entry(item: Any) -> IndexEntry | None:
    if not isinstance(item, dict) or item.get("type", "translate") != "translate":
        return None
    links = item.get("links")
    src, tgt = item.get("from_code"), item.get("to_code")
    if not (isinstance(src, str) and isinstance(tgt, str) and isinstance(links, list)):
        return None
    urls = tuple(link for link in links if isinstance(link, str) and link.startswith("http"))
    return IndexEntry(src, tgt, str(item.get("package_version") or "0"), urls)


def newest(entries: list[IndexEntry], src: str, tgt: str) -> IndexEntry:
    matching = [e for e in entries if (e.from_code, e.to_code) == (src, tgt) and e.links]
    if not matching:
        raise MissingModelError(src, tgt)
    return max(matching, key=lambda e: _version_key(e.version))


def download(entry: IndexEntry, cache_dir: Path, timeout: float) -> Path:
    """The package file, from the cache when this version is there, else from its links."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    clean_cache(cache_dir, entry)
    target = cache_dir / entry.file_name
    if target.is_file():
        return target
    errors = []
    for link in entry.links:
        part = target.with_name(target.name + ".part")
        try:
            with _open(link, timeout) as response, part.open("wb") as out:
                shutil.copyfileobj(response, out, 1 << 20)
            os.replace(part, target)
            return target
        except (urllib.error.URLError, OSError) as exc:
            part.unlink(missing_ok=True)
            errors.append(f"{link}: {_describe(exc)}")
    raise IndexUnavailable(
        f"cannot download {entry.name} {entry.version} ({'; '.join(errors) or 'no link'})"
    )


def clean_cache(cache_dir: Path, keep: IndexEntry | None = None) -> list[Path]:
    """Remove interrupted downloads and other versions of ``keep``'s package (all of them
    when ``keep`` is None)."""
    removed = []
    for path in sorted(cache_dir.glob("*.argosmodel*")):
        stale = path.name.endswith(".part") or keep is None
        if keep is not None and path.name.startswith(f"{keep.name}-"):
            stale = stale or path.name != keep.file_name
        if stale:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


@dataclass(frozen=True)
class IndexResult:
    installed: list[PackageInfo]
    current: list[PackageInfo]  # already at the index's version: nothing downloaded


def install_from_index(
    packages_dir: str | os.PathLike[str],
    directions: list[tuple[str, str]],
    *,
    index_url: str,
    cache_dir: Path,
    timeout: float = 60.0,
    say: Callable[[str], object] = log.info,
) -> IndexResult:
    """Install the index's newest package for each direction, unless that version is the one
    installed; each downloaded file is removed once installed."""
    entries = fetch_index(index_url, timeout)
    wanted = [newest(entries, src, tgt) for src, tgt in directions]  # all known before fetching
    have = {(p.from_code, p.to_code): p for p in installed_directions(packages_dir)}
    current, todo = [], []
    for entry in wanted:
        existing = have.get((entry.from_code, entry.to_code))
        if existing is not None and existing.version == entry.version:
            current.append(existing)
        else:
            todo.append(entry)
    archives = []
    for entry in todo:  # every file first: a failed download installs nothing
        say(f"downloading {entry.name} {entry.version} to {cache_dir}")
        archives.append(download(entry, cache_dir, timeout))
    installed = []
    for archive in archives:
        try:
            installed.append(install_from_path(archive, packages_dir))
        finally:
            # Installed: the unzipped package is what counts.  Refused (a truncated or wrong
            # file): the next run must download it again, not reuse it.
            archive.unlink(missing_ok=True)
    return IndexResult(installed, current)
