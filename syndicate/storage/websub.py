"""Queries of WebSub deliveries: one row per (hub, feed), the state of its latest ping.

Every state change is a conditional UPDATE, so two workers holding messages for the same pair
(a change that arrived while a ping was being sent) never both count a failure for one try.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from syndicate.storage.models import WebSubDelivery, utcnow

QUEUED, SENDING, OK, FAILED = "queued", "sending", "ok", "failed"
#: A delivery queued (or being sent) this long ago has lost its message (a flushed queue, a
#: worker killed mid-send): the next change sends a new one rather than coalescing into it.
#: Longer than the longest retry delay.
LOST_AFTER = timedelta(minutes=15)


def request(session: Session, hub_url: str, topic_url: str) -> tuple[int, bool]:
    """Ask for a ping of ``topic_url`` to ``hub_url``. Returns the delivery id and whether a
    message must be sent: not when one is already waiting (the change is coalesced into it)."""
    now = utcnow()
    row = session.scalar(
        select(WebSubDelivery).where(
            WebSubDelivery.hub_url == hub_url, WebSubDelivery.topic_url == topic_url
        )
    )
    if row is None:
        row = WebSubDelivery(
            hub_url=hub_url, topic_url=topic_url, status=QUEUED, attempts=0, requested_at=now
        )
        row.updated_at = now
        session.add(row)
        session.flush()
        return row.id, True
    if row.status == QUEUED and row.updated_at > now - LOST_AFTER:
        return row.id, False
    # ok, failed, or being sent (the hub must hear about this newer change too): start over.
    row.status, row.attempts, row.requested_at, row.updated_at = QUEUED, 0, now, now
    session.flush()
    return row.id, True


def claim(session: Session, delivery_id: int) -> WebSubDelivery | None:
    """Take a queued delivery for sending; ``None`` if another worker has it or it is done."""
    result = session.execute(
        update(WebSubDelivery)
        .where(WebSubDelivery.id == delivery_id, WebSubDelivery.status == QUEUED)
        .values(status=SENDING, attempts=WebSubDelivery.attempts + 1, updated_at=utcnow())
    )
    session.commit()
    if result.rowcount != 1:
        return None
    return session.get(WebSubDelivery, delivery_id, populate_existing=True)


def finish(session: Session, delivery_id: int, *, error: str | None, retry: bool) -> bool:
    """Record the outcome of a send: delivered (``error`` None), to be retried, or failed.
    Returns False when a newer change queued the pair again meanwhile (its own message sends
    it), so the caller must not schedule a retry."""
    now = utcnow()
    if error is None:
        values = {"status": OK, "delivered_at": now}
    else:
        values = {"status": QUEUED if retry else FAILED, "error": error}
    result = session.execute(
        update(WebSubDelivery)
        .where(WebSubDelivery.id == delivery_id, WebSubDelivery.status == SENDING)
        .values(updated_at=now, **values)
    )
    session.commit()
    return result.rowcount == 1


def failures(session: Session, limit: int = 20) -> Sequence[WebSubDelivery]:
    """Deliveries that gave up, and those failing now (retrying after an error)."""
    query = (
        select(WebSubDelivery)
        .where(
            (WebSubDelivery.status == FAILED)
            | ((WebSubDelivery.status == QUEUED) & (WebSubDelivery.attempts > 0))
        )
        .order_by(WebSubDelivery.updated_at.desc(), WebSubDelivery.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def last_delivered(session: Session) -> datetime | None:
    return session.scalar(
        select(WebSubDelivery.delivered_at)
        .where(WebSubDelivery.delivered_at.is_not(None))
        .order_by(WebSubDelivery.delivered_at.desc())
        .limit(1)
    )


def get(session: Session, delivery_id: int) -> WebSubDelivery | None:
    return session.get(WebSubDelivery, delivery_id)
