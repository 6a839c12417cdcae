"""The feed fast path: a WSGI layer answering ``/feeds/…``, ``/feeds.opml``, ``/robots.txt`` and
the sitemaps (``/sitemap.xml``, ``/sitemap-news.xml``, ``/sitemaps/…``) from the files the
publisher wrote, before Flask routing, with no database query and no rendering.

Every request checks the file with one ``stat`` (inode, size, mtime): the mirror replaces
files atomically, so each worker notices a change on its next request and never serves a stale
feed. Validators (ETag, Last-Modified) are kept for every file seen, which makes 304s cheap;
bodies (identity, gzip, brotli) are kept in a bounded LRU cache (``SYNDICATE_FEED_CACHE_MB``),
so a crawler fetching every page of every feed cannot grow a worker without limit.

When a file is first seen (or changed), its content hash is checked against the published
document (one query per new version of a file, none per request): a truncated or foreign file
is written again from the database and never served. Archive pages, which only change when one
of their own articles does, get a longer ``Cache-Control`` (``SYNDICATE_ARCHIVE_MAX_AGE``).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path

import brotli
from flask import Flask

from syndicate.feed import sitemap
from syndicate.feed.render import MEDIA_TYPES
from syndicate.feed.urls import FEEDS_PREFIX, OPML_PATH, parse_feed_path
from syndicate.publication import files, sitemaps

EXTENSION = "syndicate.feed_files"
# CORS: partner pages poll feeds with conditional GETs; their scripts must see the validators.
CORS_EXPOSE = "ETag, Last-Modified"
CORS_ALLOW_HEADERS = "If-None-Match, If-Modified-Since, Cache-Control"
# Strong ETags differ per content coding (RFC 9110 8.8.3); the stem is the content hash.
ETAG_SUFFIX = {"identity": "", "gzip": "-gz", "br": "-br"}
OPML_TYPE = "text/x-opml; charset=utf-8"
_DECOMPRESS = {"gzip": gzip.decompress, "br": brotli.decompress}

Signature = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class Validators:
    signature: Signature
    etag: str  # content hash of the identity bytes
    last_modified: str
    mtime: int


def _signature(st: os.stat_result) -> Signature:
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _read_version(path: Path) -> tuple[bytes, Signature] | None:
    """The file's bytes and the signature of exactly that version (fstat of the open file)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(), _signature(os.fstat(handle.fileno()))
    except (FileNotFoundError, NotADirectoryError):
        return None


def _bodies(path: Path, data: bytes) -> dict[str, bytes]:
    body = {"identity": data}
    for coding, suffix in files.ENCODINGS.items():
        try:
            blob = path.with_name(path.name + suffix).read_bytes()
            # A publish in progress may have replaced the copy already: never pair mismatches.
            if _DECOMPRESS[coding](blob) == data:
                body[coding] = blob
                continue
        except (OSError, brotli.error, EOFError):
            pass
        body[coding] = files.compress(data)[coding]
    return body


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
    if not accept_encoding:
        return "identity"
    if _accepts(accept_encoding, "br"):
        return "br"
    if _accepts(accept_encoding, "gzip"):
        return "gzip"
    return "identity"


class BodyCache:
    """LRU of response bodies by (path, signature), bounded in bytes; thread-safe (gthread)."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict[str, tuple[Signature, dict[str, bytes]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, relative: str, signature: Signature) -> dict[str, bytes] | None:
        with self._lock:
            entry = self._entries.get(relative)
            if entry is None or entry[0] != signature:
                return None
            self._entries.move_to_end(relative)
            return entry[1]

    def put(self, relative: str, signature: Signature, bodies: dict[str, bytes]) -> None:
        cost = sum(len(b) for b in bodies.values())
        with self._lock:
            old = self._entries.pop(relative, None)
            if old is not None:
                self.size -= sum(len(b) for b in old[1].values())
            if cost > self.max_bytes:
                return  # larger than the whole cache: served from the file every time
            self._entries[relative] = (signature, bodies)
            self.size += cost
            while self.size > self.max_bytes:
                _key, (_sig, evicted) = self._entries.popitem(last=False)
                self.size -= sum(len(b) for b in evicted.values())


class FeedFiles:
    """WSGI middleware; everything that is not a published feed goes on to Flask."""

    def __init__(self, wsgi_app, app: Flask, repair=None):
        self.wsgi_app = wsgi_app
        self.root = Path(app.config["SYNDICATE_FEEDS_DIR"])
        self.max_age = app.config["SYNDICATE_CACHE_MAX_AGE"]
        self.archive_max_age = app.config["SYNDICATE_ARCHIVE_MAX_AGE"]
        #: ``repair(relative, etag)``: the document if the file is not it (rewritten), or None.
        self.repair = repair
        self.validators: dict[str, Validators] = {}
        self.bodies = BodyCache(app.config["SYNDICATE_FEED_CACHE_MB"] * 1024 * 1024)

    def lookup(self, relative: str) -> Validators | None:
        """The validators of the file now published at ``relative`` (``None``: no such file)."""
        path = self.root / relative
        try:
            signature = _signature(os.stat(path))
        except (FileNotFoundError, NotADirectoryError):
            self.validators.pop(relative, None)
            return None
        known = self.validators.get(relative)
        if known is not None and known.signature == signature:
            return known
        return self._load(relative)

    def _load(self, relative: str) -> Validators | None:
        path = self.root / relative
        version = _read_version(path)
        if version is None:
            return None
        data, signature = version
        digest = hashlib.sha256(data).hexdigest()[:24]
        mtime = signature[2] // 1_000_000_000
        bodies = None
        document = self._check(relative, digest)
        if document is not None:  # the file was wrong: serve the document, rewritten or not
            fresh = _read_version(path)
            if fresh is not None and hashlib.sha256(fresh[0]).hexdigest()[:24] == document.etag:
                data, signature = fresh
            digest = document.etag
            mtime = int(document.last_modified.timestamp())
            bodies = {
                "identity": document.body,
                "gzip": document.body_gzip,
                "br": document.body_br,
            }
        known = Validators(signature, digest, formatdate(mtime, usegmt=True), mtime)
        self.validators[relative] = known
        self.bodies.put(relative, signature, bodies or _bodies(path, data))
        return known

    def _check(self, relative: str, digest: str):
        if self.repair is None:
            return None
        try:
            return self.repair(relative, digest)
        except Exception:  # the database is away: the file is all there is, serve it
            return None

    def body(self, relative: str, known: Validators, coding: str) -> tuple[Validators, bytes]:
        """The body in ``coding`` of the version ``known`` names, or of the newer one now there
        (with its validators): a body is never paired with another version's ETag."""
        cached = self.bodies.get(relative, known.signature)
        if cached is None:
            path = self.root / relative
            version = _read_version(path)
            if version is None or version[1] != known.signature:
                fresh = self._load(relative)
                if fresh is None:
                    raise FileNotFoundError(relative)
                return self.body(relative, fresh, coding)
            cached = _bodies(path, version[0])
            self.bodies.put(relative, known.signature, cached)
        return known, cached[coding]

    def __call__(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "")
        if method == "OPTIONS" and (path.startswith(FEEDS_PREFIX) or path == "/" + OPML_PATH):
            return cors_preflight(environ, start_response)
        if method not in ("GET", "HEAD"):
            return self.wsgi_app(environ, start_response)
        if path.startswith(FEEDS_PREFIX):
            relative = path[len(FEEDS_PREFIX) :]
            key = parse_feed_path(relative)
            media_type = MEDIA_TYPES[key.fmt] if key else None
        elif path == "/" + OPML_PATH:
            relative, media_type = OPML_PATH, OPML_TYPE
        elif sitemap.is_site_path(path[1:]):
            relative, media_type = path[1:], site_type(path[1:])
        else:
            return self.wsgi_app(environ, start_response)
        known = self.lookup(relative) if media_type else None
        if known is None:  # unknown feed, or an older page not rendered yet: Flask decides
            return self.wsgi_app(environ, start_response)
        try:
            return self.respond(environ, start_response, relative, known, media_type)
        except FileNotFoundError:  # removed while we answered (its section was deleted)
            return self.wsgi_app(environ, start_response)

    def respond(self, environ, start_response, relative: str, known: Validators, media_type):
        coding = negotiate(environ.get("HTTP_ACCEPT_ENCODING", ""))
        if self.not_modified(environ, known):
            start_response("304 Not Modified", self._headers(relative, known, coding))
            return [b""]
        known, body = self.body(relative, known, coding)
        headers = self._headers(relative, known, coding)
        headers.append(("Content-Type", media_type))
        headers.append(("Content-Length", str(len(body))))
        if coding != "identity":
            headers.append(("Content-Encoding", coding))
        start_response("200 OK", headers)
        return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def max_age_of(self, relative: str) -> int:
        return self.archive_max_age if "/archive-" in relative else self.max_age

    def _headers(self, relative: str, known: Validators, coding: str) -> list[tuple[str, str]]:
        headers = [
            ("ETag", f'"{known.etag}{ETAG_SUFFIX[coding]}"'),
            ("Last-Modified", known.last_modified),
            ("Cache-Control", f"public, max-age={self.max_age_of(relative)}"),
            ("Vary", "Accept-Encoding"),
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Expose-Headers", CORS_EXPOSE),
        ]
        if sitemap.is_site_path(relative):  # as the per-request routes did, and nginx does
            headers.append(("X-Content-Type-Options", "nosniff"))
        return headers

    @staticmethod
    def not_modified(environ, known: Validators) -> bool:
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if if_none_match is not None:
            # Any coding of the same bytes is the same version (RFC 9110 weak comparison).
            if if_none_match.strip() == "*":
                return True
            for tag in if_none_match.split(","):
                tag = tag.strip().removeprefix("W/").strip('"')
                if tag.split("-", 1)[0] == known.etag:
                    return True
            return False
        since = environ.get("HTTP_IF_MODIFIED_SINCE")
        if since:
            try:
                return known.mtime <= parsedate_to_datetime(since).timestamp()
            except (TypeError, ValueError, IndexError):
                return False
        return False


def site_type(relative: str) -> str:
    return sitemaps.TEXT_TYPE if relative == sitemap.ROBOTS_PATH else sitemaps.XML_TYPE


def cors_preflight(environ, start_response):
    """Answer a CORS preflight for a feed: any origin may GET it, conditionally. Feeds are
    public and carry no credentials, so nothing here depends on the origin."""
    headers = [
        ("Access-Control-Allow-Origin", "*"),
        ("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS"),
        ("Access-Control-Allow-Headers", CORS_ALLOW_HEADERS),
        ("Access-Control-Expose-Headers", CORS_EXPOSE),
        ("Access-Control-Max-Age", "86400"),
        ("Allow", "GET, HEAD, OPTIONS"),
        ("Vary", "Access-Control-Request-Headers"),
        ("Content-Length", "0"),
    ]
    start_response("204 No Content", headers)
    return [b""]
