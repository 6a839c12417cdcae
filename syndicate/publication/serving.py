"""The feed fast path: a WSGI layer answering ``/feeds/…`` and ``/feeds.opml`` from the files
the publisher wrote, before Flask routing, with no database query and no rendering.

Each worker process keeps the bytes of the files it served, keyed by path and checked against
the file's inode, size and mtime on every request (one ``stat``): the publisher replaces files
atomically, so a worker notices a change on the next request and never serves a stale feed.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path

import brotli
from flask import Flask

from syndicate.feed.render import MEDIA_TYPES
from syndicate.feed.urls import FEEDS_PREFIX, OPML_PATH, parse_feed_path
from syndicate.publication import files

# Strong ETags differ per content coding (RFC 9110 8.8.3); the stem is the content hash.
ETAG_SUFFIX = {"identity": "", "gzip": "-gz", "br": "-br"}
OPML_TYPE = "text/x-opml; charset=utf-8"
EXTENSION = "syndicate.feed_files"
_DECOMPRESS = {"gzip": gzip.decompress, "br": brotli.decompress}


@dataclass(frozen=True, slots=True)
class Published:
    signature: tuple[int, int, int]
    body: dict[str, bytes]  # by content coding: "identity", "gzip", "br"
    etag: str  # of the identity bytes; "-gz"/"-br" suffixed for the compressed ones
    last_modified: str
    mtime: int


def _load(path: Path, signature: tuple[int, int, int]) -> Published:
    data = path.read_bytes()
    body = {"identity": data}
    for coding, suffix in files.ENCODINGS.items():
        try:
            blob = path.with_name(path.name + suffix).read_bytes()
            # A publish in progress may have replaced the copy already: never pair mismatches.
            body[coding] = (
                blob if _DECOMPRESS[coding](blob) == data else files.compress(data)[coding]
            )
        except (FileNotFoundError, OSError, brotli.error, EOFError):
            body[coding] = files.compress(data)[coding]
    digest = hashlib.sha256(data).hexdigest()[:24]
    mtime = signature[2] // 1_000_000_000
    return Published(signature, body, digest, formatdate(mtime, usegmt=True), mtime)


def _accepts(header: str, coding: str) -> bool:
    """Whether Accept-Encoding allows ``coding`` (explicitly, or by ``*``) with q > 0."""
    wildcard = None
    for part in header.split(","):
        name, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            if param.lower().startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        name = name.lower()
        if name == coding:
            return quality > 0
        if name == "*":
            wildcard = quality > 0
    return bool(wildcard)


def negotiate(accept_encoding: str) -> str:
    if _accepts(accept_encoding, "br"):
        return "br"
    if _accepts(accept_encoding, "gzip"):
        return "gzip"
    return "identity"


class FeedFiles:
    """WSGI middleware; everything that is not a published feed goes on to Flask."""

    def __init__(self, wsgi_app, app: Flask):
        self.wsgi_app = wsgi_app
        self.root = Path(app.config["SYNDICATE_FEEDS_DIR"])
        self.max_age = app.config["SYNDICATE_CACHE_MAX_AGE"]
        self.cache: dict[str, Published] = {}

    def lookup(self, relative: str) -> Published | None:
        path = self.root / relative
        try:
            st = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            self.cache.pop(relative, None)
            return None
        signature = (st.st_ino, st.st_size, st.st_mtime_ns)
        entry = self.cache.get(relative)
        if entry is None or entry.signature != signature:
            entry = _load(path, signature)
            self.cache[relative] = entry
        return entry

    def __call__(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "")
        if method not in ("GET", "HEAD"):
            return self.wsgi_app(environ, start_response)
        if path.startswith(FEEDS_PREFIX):
            relative = path[len(FEEDS_PREFIX) :]
            key = parse_feed_path(relative)
            media_type = MEDIA_TYPES[key.fmt] if key else None
        elif path == "/" + OPML_PATH:
            relative, media_type = OPML_PATH, OPML_TYPE
        else:
            return self.wsgi_app(environ, start_response)
        entry = self.lookup(relative) if media_type else None
        if entry is None:  # unknown feed, or an older page not rendered yet: Flask decides
            return self.wsgi_app(environ, start_response)
        return self.respond(environ, start_response, entry, media_type, method == "HEAD")

    def respond(self, environ, start_response, entry: Published, media_type: str, head: bool):
        coding = negotiate(environ.get("HTTP_ACCEPT_ENCODING", ""))
        etag = f'"{entry.etag}{ETAG_SUFFIX[coding]}"'
        headers = [
            ("ETag", etag),
            ("Last-Modified", entry.last_modified),
            ("Cache-Control", f"public, max-age={self.max_age}"),
            ("Vary", "Accept-Encoding"),
            ("Access-Control-Allow-Origin", "*"),
        ]
        if self.not_modified(environ, entry):
            start_response("304 Not Modified", headers)
            return [b""]
        body = entry.body[coding]
        headers.append(("Content-Type", media_type))
        headers.append(("Content-Length", str(len(body))))
        if coding != "identity":
            headers.append(("Content-Encoding", coding))
        start_response("200 OK", headers)
        return [b""] if head else [body]

    def not_modified(self, environ, entry: Published) -> bool:
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if if_none_match is not None:
            # Any coding of the same bytes is the same version (RFC 9110 weak comparison).
            if if_none_match.strip() == "*":
                return True
            for tag in if_none_match.split(","):
                tag = tag.strip().removeprefix("W/").strip('"')
                if tag.split("-", 1)[0] == entry.etag:
                    return True
            return False
        since = environ.get("HTTP_IF_MODIFIED_SINCE")
        if since:
            try:
                return entry.mtime <= parsedate_to_datetime(since).timestamp()
            except (TypeError, ValueError, IndexError):
                return False
        return False
