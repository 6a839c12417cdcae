"""The media fast path: a WSGI layer answering ``/media/<key>/<name>`` before Flask routing.

Library files are immutable and content-addressed, which keeps this simple. The bytes live in
the database (so every web host serves every image); the first request for a file on a host
reads them once and writes them through to ``SYNDICATE_MEDIA_DIR`` (atomically), from where
this layer, or nginx (``try_files``, falling back to the app), serves every later request.
A file in that folder can never go stale: its name is its content.

Answers carry a strong ETag (the content hash), ``Cache-Control: public, max-age=31536000,
immutable``, the file's type and ``X-Content-Type-Options: nosniff``; conditional requests get
304. Any other path under /media/ is answered 404 here.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy.exc import DBAPIError

from syndicate.media.library import PATH_RE, PREFIX
from syndicate.storage import db
from syndicate.storage import media as media_store

log = logging.getLogger(__name__)

EXTENSION = "syndicate.media_files"
CACHE_CONTROL = "public, max-age=31536000, immutable"
TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "gif": "image/gif"}
MAX_VALIDATORS = 50_000  # ~10 MB of ETags per worker at most


@dataclass(frozen=True, slots=True)
class Validators:
    etag: str
    size: int


class MediaFiles:
    """WSGI middleware; everything that is not a library file goes on to Flask."""

    def __init__(self, wsgi_app, app: Flask):
        self.wsgi_app = wsgi_app
        self.root = Path(app.config["SYNDICATE_MEDIA_DIR"])
        self.database = db.database(app)
        self.validators: OrderedDict[str, Validators] = OrderedDict()
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if environ["REQUEST_METHOD"] not in ("GET", "HEAD") or not path.startswith(PREFIX):
            return self.wsgi_app(environ, start_response)
        relative = path[len(PREFIX) :]
        if PATH_RE.match(relative) is None:
            return self.not_found(start_response)
        try:
            found = self.load(relative, need_body=not self._conditional(environ))
        except DBAPIError:
            log.exception("media: the database did not answer for %s", relative)
            start_response(
                "503 Service Unavailable",
                [("Content-Type", "text/plain; charset=utf-8"), ("Retry-After", "5")],
            )
            return [b"The database is unavailable; try again shortly.\n"]
        if found is None:
            return self.not_found(start_response)
        known, body = found
        headers = [
            ("ETag", f'"{known.etag}"'),
            ("Cache-Control", CACHE_CONTROL),
            ("X-Content-Type-Options", "nosniff"),
            ("Access-Control-Allow-Origin", "*"),
        ]
        if self.not_modified(environ, known):
            start_response("304 Not Modified", headers)
            return [b""]
        if body is None:  # a conditional request that did not match: the bytes after all
            found = self.load(relative, need_body=True)
            if found is None:
                return self.not_found(start_response)
            known, body = found
        headers.append(("Content-Type", TYPES[relative.rsplit(".", 1)[1]]))
        headers.append(("Content-Length", str(len(body))))
        start_response("200 OK", headers)
        return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def forget(self, keys: list[str]) -> None:
        """Drop what this worker knows of these deleted images' files."""
        prefixes = tuple(f"{key}/" for key in keys)
        with self.lock:
            for relative in [r for r in self.validators if r.startswith(prefixes)]:
                del self.validators[relative]

    @staticmethod
    def not_found(start_response):
        # Answered here: Flask would read /media/x.jpg as a language and redirect it to .../
        start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
        return [b"No such media file.\n"]

    def load(self, relative: str, *, need_body: bool) -> tuple[Validators, bytes | None] | None:
        """Validators and (when needed or unknown) bytes of the file: from the folder, else
        from the database (then written through). ``None``: no such file."""
        with self.lock:
            known = self.validators.get(relative)
            if known is not None:
                self.validators.move_to_end(relative)
        local = self.root / relative
        if known is not None and not need_body and local.exists():
            return known, None
        try:
            data = local.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            data = self._from_database(relative)
            if data is None:
                with self.lock:
                    self.validators.pop(relative, None)
                return None
        if known is None or known.size != len(data):
            known = Validators(hashlib.sha256(data).hexdigest()[:32], len(data))
            with self.lock:
                self.validators[relative] = known
                while len(self.validators) > MAX_VALIDATORS:
                    self.validators.popitem(last=False)
        return known, data

    def _from_database(self, relative: str) -> bytes | None:
        with self.database.session() as session:
            row = media_store.file_bytes(session, relative)
        if row is None:
            return None
        try:
            self._write_through(relative, row.data)
        except OSError:  # a full or read-only disk costs speed, not the answer
            log.exception("media: cannot write %s to %s", relative, self.root)
        return row.data

    def _write_through(self, relative: str, data: bytes) -> None:
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        # Atomic: nginx (or another worker) never sees half a file.
        fd, temporary = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    @staticmethod
    def _conditional(environ) -> bool:
        return "HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ

    @staticmethod
    def not_modified(environ, known: Validators) -> bool:
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if if_none_match is not None:
            if if_none_match.strip() == "*":
                return True
            tags = (t.strip().removeprefix("W/").strip('"') for t in if_none_match.split(","))
            return known.etag in tags
        # The bytes at a library URL never change: any date the client has is still good.
        return bool(environ.get("HTTP_IF_MODIFIED_SINCE"))
