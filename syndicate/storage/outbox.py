"""Queries of the publication outbox: documents a committed change made dirty.

A change writes its targets in its own transaction (``mark``), so a crash right after the commit
loses nothing. Publishers ``claim`` targets with a lease (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL: several publishers on several machines take different targets, no global lock),
render them, and ``finish`` them in the transaction that stores the documents: a target marked
again while it was being rendered (its ``version`` moved) stays dirty and is rendered again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from syndicate.storage.models import OutboxEntry, utcnow


@dataclass(frozen=True, slots=True)
class Claim:
    id: int
    target: str
    version: int
    attempts: int
    priority: int


#: ``claimed_by`` of a target that gathers changes before it is rendered (``mark``'s
#: ``gather``): claimable once ``claimed_until`` has passed, or at once by a drain.
GATHERING = "gathering"


def mark(
    session: Session,
    targets: Iterable[tuple[str, int]],
    *,
    gather: Mapping[int, float] | None = None,
) -> int:
    """Record ``(target, priority)`` pairs as dirty; a target already waiting is bumped.

    ``gather``: seconds, by priority, that a target newly dirty waits for more changes before
    publishers may claim it (a target already waiting keeps its time): what is read rarely
    (sitemaps) is rendered once per burst of changes, not once per change."""
    now = utcnow()
    rows = []
    for t, p in sorted(set(targets)):
        wait = (gather or {}).get(p, 0)
        rows.append(
            {
                "target": t,
                "priority": p,
                "version": 1,
                "dirtied_at": now,
                "attempts": 0,
                "claimed_by": GATHERING if wait > 0 else None,
                "claimed_until": now + timedelta(seconds=wait) if wait > 0 else None,
            }
        )
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = (postgresql if dialect == "postgresql" else sqlite).insert
    statement = insert(OutboxEntry).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=[OutboxEntry.target],
        set_={
            "version": OutboxEntry.version + 1,
            "priority": func.min(OutboxEntry.priority, statement.excluded.priority)
            if dialect == "sqlite"
            else func.least(OutboxEntry.priority, statement.excluded.priority),
        },
    )
    session.execute(statement)
    return len(rows)


def _claimable(now: datetime):
    return or_(OutboxEntry.claimed_until.is_(None), OutboxEntry.claimed_until < now)


def claim(
    session: Session, owner: str, *, limit: int, lease: float, gathering: bool = False
) -> list[Claim]:
    """Take up to ``limit`` dirty targets, most urgent first, for ``lease`` seconds
    (``gathering``: also those still gathering changes)."""
    now = utcnow()
    claimable = _claimable(now)
    if gathering:
        claimable = or_(claimable, OutboxEntry.claimed_by == GATHERING)
    candidates = (
        select(OutboxEntry.id)
        .where(claimable)
        .order_by(OutboxEntry.priority, OutboxEntry.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list(session.scalars(candidates))
    if not ids:
        return []
    rows = session.execute(
        update(OutboxEntry)
        .where(OutboxEntry.id.in_(ids), claimable)
        .values(
            claimed_by=owner,
            claimed_until=now + timedelta(seconds=lease),
            attempts=OutboxEntry.attempts + 1,
        )
        .returning(
            OutboxEntry.id,
            OutboxEntry.target,
            OutboxEntry.version,
            OutboxEntry.attempts,
            OutboxEntry.priority,
        )
    )
    order = {row_id: index for index, row_id in enumerate(ids)}
    # Most urgent first (page 1 before archive pages), as they were chosen.
    return sorted((Claim(*row) for row in rows), key=lambda c: order[c.id])


def owned(session: Session, ids: list[int], owner: str) -> set[int]:
    """Which of these claims ``owner`` still holds (no lock: ``finish`` re-checks)."""
    return set(
        session.scalars(
            select(OutboxEntry.id).where(OutboxEntry.id.in_(ids), OutboxEntry.claimed_by == owner)
        )
    )


def finish(session: Session, claim: Claim, owner: str, *, gather: float = 0) -> bool:
    """Done with ``claim``: remove it, unless it was marked again meanwhile (then release it
    for the next round, after ``gather`` seconds of gathering changes). Returns whether it was
    removed."""
    removed = session.execute(
        delete(OutboxEntry).where(
            OutboxEntry.id == claim.id,
            OutboxEntry.version == claim.version,
            OutboxEntry.claimed_by == owner,
        )
    ).rowcount
    if not removed:
        # What waits now is what changed during the render: the change before it is published.
        # (Left as it was, a target marked during each of its renders would look older and
        # older under a steady stream of changes, and /healthz would call the outbox stuck.)
        # Its render succeeded: failures count from zero again (else a feed re-marked at every
        # render would reach a long backoff at its first failure).
        session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.id == claim.id, OutboxEntry.claimed_by == owner)
            .values(dirtied_at=utcnow(), attempts=0)
        )
        release(session, claim, owner, retry_in=gather, gathering=True)
    return bool(removed)


def release(
    session: Session,
    claim: Claim,
    owner: str,
    *,
    error: str | None = None,
    retry_in: float = 0,
    gathering: bool = False,
) -> None:
    """Give ``claim`` back, claimable again after ``retry_in`` seconds (a failed target's
    backoff, or ``gathering`` changes)."""
    until = utcnow() + timedelta(seconds=retry_in) if retry_in > 0 else None
    waiting = GATHERING if gathering else "backoff"
    session.execute(
        update(OutboxEntry)
        .where(OutboxEntry.id == claim.id, OutboxEntry.claimed_by == owner)
        # A target that waits does it as a "claim" of nobody.
        .values(claimed_by=None if until is None else waiting, claimed_until=until, error=error)
    )


def pending(session: Session) -> tuple[int, datetime | None]:
    """How many targets wait, and since when the oldest."""
    row = session.execute(select(func.count(), func.min(OutboxEntry.dirtied_at))).first()
    return (row[0] or 0, row[1]) if row else (0, None)


def next_due(session: Session) -> datetime | None:
    """When the next waiting target becomes claimable (gathering changes, backing off after a
    failure, or claimed by a publisher whose lease may run out); ``None``: none waits."""
    now = utcnow()
    return session.scalar(
        select(func.min(OutboxEntry.claimed_until)).where(OutboxEntry.claimed_until > now)
    )
