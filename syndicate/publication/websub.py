"""WebSub publishing (W3C Recommendation, section 7.1 "Publishing"): when a feed changes, each
hub of ``SYNDICATE_WEBSUB_HUBS`` gets ``hub.mode=publish&hub.url=<feed URL>``, form-encoded.

``notify_hubs(app, feed_urls)`` is called after the feeds are written, with the URLs whose bytes
changed. It records one delivery per (hub, feed) and puts its id on the task queue; the ping is
sent by a background job (the translation worker's consumer), never in the editor's request.
A pair already waiting for its job is not queued twice, so a burst of edits makes one ping.
A failed ping (network error, non-2xx answer) is retried after ``WEBSUB_RETRY_DELAY`` seconds,
doubling, up to ``WEBSUB_MAX_ATTEMPTS`` tries; failures show in ``/healthz`` and on the desk's
models page until a later ping of the same pair gets through.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from flask import Flask
from sqlalchemy.exc import IntegrityError

from syndicate.storage import db
from syndicate.storage import websub as delivery_store
from syndicate.translation import jobs

log = logging.getLogger(__name__)

TASK = "websub_publish"
TIMEOUT = 10.0  # seconds: a hub that does not answer by then is retried later
USER_AGENT = "syndicate-websub/1.0"


@dataclass(frozen=True, slots=True)
class Failure:
    hub_url: str
    topic_url: str
    attempts: int
    error: str
    at: datetime
    gave_up: bool


def hubs(app: Flask) -> tuple[str, ...]:
    return tuple(app.config["SYNDICATE_WEBSUB_HUBS"])


def notify_hubs(app: Flask, feed_urls: Iterable[str]) -> list[int]:
    """Queue a ping of every hub for each of ``feed_urls``; returns the deliveries queued
    (none when no hub is configured, or when each pair already waits for a job)."""
    hub_urls = hubs(app)
    topics = list(dict.fromkeys(feed_urls))
    if not hub_urls or not topics:
        return []
    try:
        queued = _request(app, hub_urls, topics)
    except IntegrityError:
        # Another process made the same (hub, feed) row at the same moment: it exists now.
        queued = _request(app, hub_urls, topics)
    _send(app, queued)
    return queued


def _request(app: Flask, hub_urls: tuple[str, ...], topics: list[str]) -> list[int]:
    queued = []
    with db.database(app).session() as session:
        for topic in topics:
            for hub in hub_urls:
                delivery_id, new = delivery_store.request(session, hub, topic)
                if new:
                    queued.append(delivery_id)
    return queued


def _send(app: Flask, delivery_ids: list[int], delay: float = 0) -> None:
    task = jobs.queue_for(app).tasks[TASK]
    for delivery_id in delivery_ids:
        try:
            if delay > 0:
                task.schedule((delivery_id,), delay=delay)
            else:
                task(delivery_id)
        except Exception:  # the feeds are written; a ping that cannot be queued is only logged
            log.exception("could not queue WebSub delivery %s", delivery_id)


def post_publish(hub_url: str, topic_url: str, timeout: float = TIMEOUT) -> str | None:
    """POST the publish notification; ``None`` on a 2xx answer, else what went wrong."""
    body = urlencode({"hub.mode": "publish", "hub.url": topic_url}).encode()
    request = urllib.request.Request(
        hub_url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "User-Agent": USER_AGENT},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as exc:  # 4xx/5xx arrive as exceptions
        return f"HTTP {exc.code} {exc.reason}"
    except (OSError, ValueError) as exc:  # refused, timed out, DNS, malformed URL
        return f"{exc.__class__.__name__}: {exc}"
    return None if 200 <= status < 300 else f"HTTP {status}"


def deliver(app: Flask, delivery_id: int) -> None:
    """The job: send one queued delivery, then record the outcome or schedule a retry."""
    with db.database(app).session() as session:
        row = delivery_store.claim(session, delivery_id)
        if row is None:
            return  # sent by another message already, or queued again by a newer change
        hub_url, topic_url, attempts = row.hub_url, row.topic_url, row.attempts
    error = post_publish(hub_url, topic_url)
    retry = error is not None and attempts < app.config["SYNDICATE_WEBSUB_MAX_ATTEMPTS"]
    with db.database(app).session() as session:
        ours = delivery_store.finish(session, delivery_id, error=error, retry=retry)
    if error is None:
        log.info("WebSub: %s told about %s", hub_url, topic_url)
        return
    log.warning(
        "WebSub: ping of %s about %s failed (try %d): %s", hub_url, topic_url, attempts, error
    )
    if retry and ours:
        delay = app.config["SYNDICATE_WEBSUB_RETRY_DELAY"] * 2 ** (attempts - 1)
        _send(app, [delivery_id], delay=delay)


def failures(app: Flask) -> list[Failure]:
    """Pings that gave up, and those failing now (waiting for a retry), newest first."""
    with db.database(app).session() as session:
        return [
            Failure(
                row.hub_url,
                row.topic_url,
                row.attempts,
                row.error or "",
                row.updated_at,
                row.status == delivery_store.FAILED,
            )
            for row in delivery_store.failures(session)
        ]


def _health(app: Flask) -> tuple[str, dict[str, Any], bool]:
    hub_urls = hubs(app)
    if not hub_urls:
        return "websub", {"status": "off", "hubs": []}, True
    found = failures(app)
    result: dict[str, Any] = {
        "status": "ok" if not found else f"{len(found)} failing",
        "hubs": list(hub_urls),
        "failures": [
            {
                "hub": failure.hub_url,
                "feed": failure.topic_url,
                "attempts": failure.attempts,
                "error": failure.error,
                "at": failure.at.isoformat(),
                "gave_up": failure.gave_up,
            }
            for failure in found
        ],
    }
    return "websub", result, not found


def _register(app: Flask):
    def register(huey) -> dict[str, Any]:
        @huey.task(name=TASK)
        def publish(delivery_id: int) -> None:
            deliver(app, delivery_id)

        return {TASK: publish}

    return register


def init_app(app: Flask) -> None:
    from syndicate.web import health

    jobs.add_tasks(app, _register(app))
    health.add_check(app, _health)
