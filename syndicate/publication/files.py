"""Writing the publication folder: atomic replace, precompressed copies, unchanged files kept.

A file whose bytes did not change is not rewritten, so its mtime (Last-Modified) and content
hash (ETag) stay the same and readers get their 304s.
"""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import brotli

# gzip -6 and brotli 5: near their best ratio for text at a fraction of the time of the
# maximum levels; the work is done once per change, not per request.
GZIP_LEVEL = 6
BROTLI_QUALITY = 5
ENCODINGS = {"gzip": ".gz", "br": ".br"}


def compress(data: bytes) -> dict[str, bytes]:
    return {
        # mtime=0: the same feed compresses to the same bytes, whoever writes it.
        "gzip": gzip.compress(data, GZIP_LEVEL, mtime=0),
        "br": brotli.compress(data, quality=BROTLI_QUALITY, mode=brotli.MODE_TEXT),
    }


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)  # readers see the old file or the new one, never half of one
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write(root: Path, relative: str, data: bytes) -> bool:
    """Publish ``data`` at ``root/relative`` with .gz and .br beside it; return if it changed."""
    path = root / relative
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    # Compressed copies first: a server that sees the new file finds matching ones beside it.
    for encoding, blob in compress(data).items():
        _atomic_write(path.with_name(path.name + ENCODINGS[encoding]), blob)
    _atomic_write(path, data)
    return True


def remove(root: Path, relative: str) -> bool:
    path = root / relative
    removed = False
    for candidate in (path, *(path.with_name(path.name + s) for s in ENCODINGS.values())):
        with contextlib.suppress(FileNotFoundError):
            candidate.unlink()
            removed = True
    return removed


def existing(root: Path) -> set[str]:
    """Relative paths of the published files (without the compressed copies)."""
    if not root.exists():
        return set()
    found = set()
    for path in root.rglob("*"):
        if path.is_file() and path.suffix not in {".gz", ".br"} and not path.name.startswith("."):
            found.add(path.relative_to(root).as_posix())
    return found


@contextlib.contextmanager
def locked(root: Path) -> Iterator[None]:
    """One publisher at a time per folder: a slower process that read older data must not
    overwrite a newer file (both read the database inside the lock, so the last one wins
    with the newest state)."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".publish.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
