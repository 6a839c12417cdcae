"""Queries of stored answers to creates sent with an ``Idempotency-Key``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from syndicate.storage.models import IdempotencyKey


def find(session: Session, token_id: int, key: str, since: datetime) -> IdempotencyKey | None:
    """The answer stored for this token's ``key`` at or after ``since`` (older ones expired)."""
    return session.scalar(
        select(IdempotencyKey).where(
            IdempotencyKey.token_id == token_id,
            IdempotencyKey.key == key,
            IdempotencyKey.created_at >= since,
        )
    )


def add(session: Session, row: IdempotencyKey) -> None:
    session.add(row)
    session.flush()


def purge(session: Session, before: datetime) -> None:
    """Drop expired answers (their keys may then be used again)."""
    session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < before))
