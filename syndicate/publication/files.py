"""Writing a host's publication folder: every coding of a document replaced together, with
the document's own Last-Modified as the files' mtime.

The three files (identity, ``.gz``, ``.br``) are all written to temporary files first and only
then renamed into place, so a full disk leaves the old version in every coding, never a new
``.gz`` beside an old identity file. The mtime comes from the database, so nginx on every host
answers the same Last-Modified (and the same ETag, which it derives from mtime and size).
"""

from __future__ import annotations

import contextlib
import gzip
import os
import tempfile
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


def write_document(root: Path, relative: str, codings: dict[str, bytes], mtime: float) -> None:
    """Replace ``root/relative`` and its compressed copies (``codings``: identity, gzip, br)."""
    path = root / relative
    names = {
        coding: path if coding == "identity" else path.with_name(path.name + ENCODINGS[coding])
        for coding in ("gzip", "br", "identity")  # identity last: the fast path keys on it
    }
    temporary: dict[str, str] = {}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for coding, target in names.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=path.parent)
            temporary[coding] = tmp
            with os.fdopen(fd, "wb") as handle:
                handle.write(codings[coding])
            os.chmod(tmp, 0o644)
            os.utime(tmp, (mtime, mtime))
        for coding, target in names.items():
            os.replace(temporary.pop(coding), target)
    finally:
        for tmp in temporary.values():
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)


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
