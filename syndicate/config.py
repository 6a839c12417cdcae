"""Settings: defaults, overridden by ``SYNDICATE_*`` environment variables, validated at start.

Every setting is declared once in ``SETTINGS`` with its type, default and documentation; the
README's configuration table is checked against this list by a test.
"""

from __future__ import annotations

import os
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "SYNDICATE_"


class ConfigError(ValueError):
    """A setting has a value syndicate cannot start with."""


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: Any
    parse: Callable[[str], Any]
    doc: str
    validate: Callable[[Any], str | None] | None = None


def _bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"expected true/false, got {raw!r}")


def _positive(value: int) -> str | None:
    return None if value > 0 else "must be a positive integer"


def _base_url(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return "must be an absolute http(s) URL such as https://news.example.com"
    if parts.query or parts.fragment:
        return "must not contain a query or fragment"
    return None


def _http_url(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return "must be an absolute http(s) URL"
    return None


def _timezone(value: str) -> str | None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return "must be an IANA time zone name such as Asia/Shanghai"
    return None


def _database_url(value: str) -> str | None:
    if value and not value.startswith(("sqlite:", "postgresql:", "postgresql+psycopg:")):
        return "must be a sqlite:/// or postgresql:// URL"
    return None


def _queue_url(value: str) -> str | None:
    if value and not value.startswith(("sqlite:", "redis:", "rediss:", "memory:")):
        return "must be sqlite:///PATH, redis://HOST:PORT/DB or memory:"
    return None


def _site_names(raw: str) -> dict[str, str]:
    """``en=Hongqiao News|zh=虹桥新闻`` (per language), or one name for every language."""
    raw = raw.strip()
    if not raw:
        return {}
    if "=" not in raw:
        return {"*": raw}
    names = {}
    for part in raw.split("|"):
        code, sep, name = part.partition("=")
        if not sep or not code.strip() or not name.strip():
            raise ValueError(f"expected LANG=NAME pairs separated by |, got {part!r}")
        names[code.strip()] = name.strip()
    return names


def _check_site_names(value: dict[str, str]) -> str | None:
    from syndicate.languages import LANGUAGES

    if not isinstance(value, dict):
        return "must be LANG=NAME pairs separated by | (en=Hongqiao News|zh=虹桥新闻)"
    unknown = sorted(set(value) - set(LANGUAGES) - {"*"})
    if unknown:
        return f"names languages syndicate does not publish in: {', '.join(unknown)}"
    return None


def _hub_urls(raw: str) -> tuple[str, ...]:
    return tuple(url.strip() for url in raw.split(",") if url.strip())


def _check_hub_urls(value: tuple[str, ...]) -> str | None:
    if not isinstance(value, tuple | list):
        return "must be comma-separated hub URLs"
    for url in value:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            return f"has {url!r}, which is not an absolute http(s) URL"
    return None


def _fallback(value: str) -> str | None:
    return None if value in {"hide", "original"} else "must be 'hide' or 'original'"


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "DATABASE_URL",
        "",
        str,
        "SQLAlchemy URL of the database. Empty: SQLite at `instance/syndicate.db` (WAL, foreign "
        "keys on). `postgresql+psycopg://user@host/db` for PostgreSQL.",
        _database_url,
    ),
    Setting(
        "BASE_URL",
        "http://127.0.0.1:8000",
        lambda s: s.rstrip("/"),
        "Public URL of the site; every link in feeds and pages is made absolute against it.",
        _base_url,
    ),
    Setting(
        "TIMEZONE",
        "Asia/Shanghai",
        str,
        "IANA time zone in which dates shown to people are written.",
        _timezone,
    ),
    Setting(
        "SECRET_KEY",
        "",
        str,
        "Key signing session cookies. Required (the same on every host) when the database is "
        "not SQLite; with the embedded SQLite default, empty makes a random key kept in "
        "`instance/secret_key` so restarts keep sessions.",
    ),
    Setting(
        "INSTANCE_PATH",
        str(PROJECT_ROOT / "instance"),
        str,
        "Folder for the embedded database, queue and secret key.",
    ),
    Setting(
        "MAX_REQUEST_BYTES",
        1_048_576,
        int,
        "Largest request body the API accepts; larger bodies get 413 before they are parsed.",
        _positive,
    ),
    Setting(
        "PAGE_SIZE",
        20,
        int,
        "Items per feed page and default page size of API lists.",
        lambda v: None if 1 <= v <= 500 else "must be between 1 and 500",
    ),
    Setting(
        "CACHE_MAX_AGE",
        300,
        int,
        "Seconds in feeds' `Cache-Control: max-age` (and the RSS `<ttl>`, in minutes).",
        lambda v: None if v >= 0 else "must be zero or more",
    ),
    Setting(
        "UNTRANSLATED",
        "hide",
        str,
        "What a feed in the other language shows before a translation exists: `hide` the "
        "article, or show the `original`, tagged with its own language.",
        _fallback,
    ),
    Setting(
        "FEEDS_DIR",
        str(PROJECT_ROOT / "feeds"),
        str,
        "This host's publication folder: a copy of the published documents (feeds and "
        ".gz/.br, mirroring the URLs) kept in step with the database, served by the app's "
        "fast path or nginx. Each web host has its own.",
    ),
    Setting(
        "PRERENDER_PAGES",
        5,
        int,
        "Newest archive pages of each feed rendered ahead (1–10); older archive pages are "
        "rendered on their first request, then kept for every host.",
        lambda v: None if 1 <= v <= 10 else "must be between 1 and 10",
    ),
    Setting(
        "SITEMAP_MAX_URLS",
        10_000,
        int,
        "Most URLs in one sitemap file (the protocol allows 50,000): beyond it `sitemap.xml` "
        "is an index of `sitemaps/sections.xml` and `sitemaps/articles-<n>.xml`, each a fixed "
        "block of half as many article ids (an article is one page per language). An edit "
        "re-renders its whole file: smaller files make edits cheaper, at more files.",
        lambda v: None if 2 <= v <= 50_000 else "must be between 2 and 50000",
    ),
    Setting(
        "SITEMAP_DELAY",
        10.0,
        float,
        "Seconds a change waits before the sitemaps it touches are rendered again, gathering "
        "the changes that follow: crawlers read sitemaps far less often than readers poll "
        "feeds, and a 2,000-article `sitemap.xml` costs more to render than the feeds a "
        "change touches, so a burst of edits or translations renders it once per interval "
        "rather than once per change (0: at once). Feeds never wait.",
        lambda v: None if 0 <= v <= 60 else "must be between 0 and 60",
    ),
    Setting(
        "ARCHIVE_MAX_AGE",
        86400,
        int,
        "Cache-Control max-age (seconds) of RFC 5005 archive pages, which only change when one "
        "of their own articles does.",
        lambda v: None if v >= 0 else "must be zero or more",
    ),
    Setting(
        "PUBLISH_LEASE",
        120,
        int,
        "Seconds a publisher may hold a dirty document before another publisher takes it over "
        "(a publisher that died).",
        _positive,
    ),
    Setting(
        "PUBLISH_POLL",
        0.2,
        float,
        "Seconds between looks at the outbox and the publication when nothing notifies "
        "(the embedded SQLite default; with PostgreSQL or Redis, LISTEN/NOTIFY or pub/sub wake "
        "publishers and hosts at once).",
        lambda v: None if 0 < v <= 60 else "must be between 0 and 60",
    ),
    Setting(
        "MIRROR_INTERVAL",
        5.0,
        float,
        "Seconds between catch-ups of a host's folder with the database even without a "
        "notification (a lost one heals within this time).",
        lambda v: None if 0 < v <= 3600 else "must be between 0 and 3600",
    ),
    Setting(
        "FEED_CACHE_MB",
        32,
        int,
        "Memory each web worker may keep for feed bodies (LRU); the rest is read from "
        "the publication folder (the OS page cache keeps it hot).",
        lambda v: None if v >= 0 else "must be zero or more",
    ),
    Setting(
        "MAX_IMAGE_BYTES",
        10_485_760,
        int,
        "Largest image upload (`POST /api/v1/media`, the desk); larger bodies get 413 before "
        "they are parsed.",
        _positive,
    ),
    Setting(
        "MAX_IMAGE_PIXELS",
        50_000_000,
        int,
        "Largest image accepted, in pixels (width × height), read from the header before "
        "decoding: a small file that would decode to gigabytes (a decompression bomb) gets 422.",
        _positive,
    ),
    Setting(
        "MEDIA_DIR",
        "",
        str,
        "Local folder media files are written through to from the database on their first "
        "request, for nginx to serve. Empty: `instance/media`.",
    ),
    Setting(
        "SITE_NAME",
        {},
        _site_names,
        "The newsroom's name in the header, page titles, Open Graph, JSON-LD and the Google News "
        "sitemap, per language: `en=Hongqiao News|zh=虹桥新闻` (one name without `=` serves "
        'every language). Empty: "News" / "新闻".',
        _check_site_names,
    ),
    Setting(
        "WEBSUB_HUBS",
        (),
        _hub_urls,
        'Comma-separated WebSub hub URLs. When set, every feed names them (`rel="hub"`, JSON '
        "Feed `hubs`) and each hub is pinged (`hub.mode=publish`) when a feed changes. Empty: "
        "no hub.",
        _check_hub_urls,
    ),
    Setting(
        "WEBSUB_MAX_ATTEMPTS",
        5,
        int,
        "Attempts to ping a hub about one change before the failure is reported in `/healthz`.",
        _positive,
    ),
    Setting(
        "WEBSUB_RETRY_DELAY",
        30.0,
        float,
        "Seconds before a failed hub ping is tried again; doubled after each further attempt.",
        lambda v: None if v >= 0 else "must be zero or more",
    ),
    Setting(
        "QUEUE_URL",
        "",
        str,
        "Task queue (huey). Empty: SQLite beside the database (`instance/queue.db`). "
        "`redis://host:6379/0` to scale out; `memory:` runs jobs in-process (tests only).",
        _queue_url,
    ),
    Setting(
        "ARGOS_PACKAGES_DIR",
        "",
        str,
        "Where Argos Translate packages are installed. Empty: `instance/argos-packages`.",
    ),
    Setting(
        "ARGOS_INDEX_URL",
        "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json",
        str,
        "The Argos package index `syndicate models install --from-index` reads (argospm's).",
        _http_url,
    ),
    Setting(
        "TRANSLATION_BEAM_SIZE",
        2,
        int,
        "Beam size of the translation model (1 = greedy, fastest).",
        _positive,
    ),
    Setting(
        "TRANSLATION_THREADS",
        1,
        int,
        "CPU threads per translation (CTranslate2 intra_threads).",
        _positive,
    ),
    Setting(
        "TRANSLATION_COMPUTE_TYPE",
        "int8",
        str,
        "CTranslate2 compute type: int8, int8_float32, float32, ...",
    ),
    Setting(
        "TRANSLATION_BATCH_SIZE",
        32,
        int,
        "Sentences per model call.",
        _positive,
    ),
    Setting(
        "AUTO_TRANSLATE",
        True,
        _bool,
        "Enqueue translation into the other language when an article is published or edited.",
    ),
    Setting(
        "TRANSLATION_MAX_ATTEMPTS",
        3,
        int,
        "Runs of a translation job before it is marked failed (transient errors are retried, "
        "a missing model is not).",
        _positive,
    ),
    Setting(
        "TRANSLATION_RETRY_DELAY",
        10.0,
        float,
        "Seconds before a failed translation job is retried; doubled after each further attempt.",
        lambda v: None if v >= 0 else "must be zero or more",
    ),
    Setting(
        "TRANSLATION_LEASE",
        300,
        int,
        "Seconds a running translation job may go without a sign of life before another worker "
        "takes it over (a worker whose heartbeat stopped is noticed sooner: "
        "`SYNDICATE_WORKER_HEARTBEAT`).",
        _positive,
    ),
    Setting(
        "WORKER_HEARTBEAT",
        10.0,
        float,
        "Seconds between the heartbeats a worker process writes while it runs jobs; a process "
        "silent for three of them is gone and its jobs and operations are queued again.",
        lambda v: None if 0 < v <= 3600 else "must be between 0 and 3600 seconds",
    ),
    Setting(
        "TRANSLATION_TEST_DELAY",
        0.0,
        float,
        "Test hook, keep 0: seconds a translation job sleeps after each model batch, before its "
        "final write, so tests can kill a worker mid-job.",
        lambda v: None if v >= 0 else "must be zero or more",
    ),
    Setting(
        "SCHEDULER_INTERVAL",
        15.0,
        float,
        "Seconds between two looks of the worker's scheduler for scheduled articles whose time "
        "has come (they go live within this delay).",
        lambda v: None if 0.05 <= v <= 3600 else "must be from 0.05 to 3600 seconds",
    ),
    Setting(
        "LOG_LEVEL",
        "INFO",
        str.upper,
        "Logging level: DEBUG, INFO, WARNING, ERROR.",
        lambda v: (
            None
            if v in {"DEBUG", "INFO", "WARNING", "ERROR"}
            else "must be DEBUG, INFO, WARNING or ERROR"
        ),
    ),
)

SETTINGS_BY_NAME = {s.name: s for s in SETTINGS}


def _shared_secret(values: Mapping[str, Any]) -> list[str]:
    """A shared database means several hosts: a key generated into each host's own instance
    folder would make a desk session signed on one host invalid on the others."""
    url = values.get("SYNDICATE_DATABASE_URL") or ""
    if url and not url.startswith("sqlite:") and not values.get("SYNDICATE_SECRET_KEY"):
        return [
            "SYNDICATE_SECRET_KEY must be set when SYNDICATE_DATABASE_URL is not SQLite: "
            "give every host the same key so desk sessions work on all of them"
        ]
    return []


def load(environ: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None):
    """Return the validated settings as a dict keyed ``SYNDICATE_<NAME>``.

    ``overrides`` (tests' ``test_config``) take precedence over the environment; both are
    validated the same way, and every problem is reported at once.
    """
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    values: dict[str, Any] = {}
    problems: list[str] = []
    for setting in SETTINGS:
        key = ENV_PREFIX + setting.name
        value = setting.default
        if key in overrides:
            value = overrides.pop(key)
        elif key in environ:
            try:
                value = setting.parse(environ[key])
            except ValueError as exc:
                problems.append(f"{key}: {exc}")
                continue
        if setting.validate is not None:
            message = setting.validate(value)
            if message:
                problems.append(f"{key}={value!r} {message}")
        values[key] = value
    problems += _shared_secret(values)
    if problems:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(problems))
    instance = Path(values["SYNDICATE_INSTANCE_PATH"])
    if not values["SYNDICATE_DATABASE_URL"]:
        values["SYNDICATE_DATABASE_URL"] = f"sqlite:///{instance / 'syndicate.db'}"
    if not values["SYNDICATE_QUEUE_URL"]:
        values["SYNDICATE_QUEUE_URL"] = f"sqlite:///{instance / 'queue.db'}"
    if not values["SYNDICATE_MEDIA_DIR"]:
        values["SYNDICATE_MEDIA_DIR"] = str(instance / "media")
    if not values["SYNDICATE_ARGOS_PACKAGES_DIR"]:
        values["SYNDICATE_ARGOS_PACKAGES_DIR"] = str(instance / "argos-packages")
    values.update(overrides)  # Flask keys such as TESTING pass through untouched
    return values
