"""Queries of API tokens. Only SHA-256 hashes are stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from syndicate.storage.models import ApiToken, utcnow

ROLES = ("editor", "admin")
TOKEN_PREFIX = "syn_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(session: Session, *, role: str, label: str) -> tuple[ApiToken, str]:
    """Return the stored row and the token itself, which is never stored nor shown again."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(label=label, role=role, token_hash=hash_token(token), prefix=token[:10])
    session.add(row)
    session.flush()
    return row, token


def authenticate(session: Session, token: str) -> ApiToken | None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or row.revoked_at is not None:
        return None
    return row


def get(session: Session, token_id: int) -> ApiToken | None:
    return session.get(ApiToken, token_id)


def touch(row: ApiToken, when: datetime | None = None) -> None:
    row.last_used_at = when or utcnow()


def end_desk_sessions(session: Session, row: ApiToken) -> None:
    """Void every desk session of this token (their cookies carry the old generation)."""
    row.desk_generation = (row.desk_generation or 0) + 1
    session.flush()


def list_all(session: Session) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.id)))


def find(session: Session, ref: str) -> list[ApiToken]:
    """Tokens matching an id, a label or a token prefix (as shown by ``tokens list``)."""
    conditions = [ApiToken.label == ref, ApiToken.prefix == ref]
    if ref.isascii() and ref.isdigit() and len(ref) < 10:
        conditions.append(ApiToken.id == int(ref))
    if ref.startswith(TOKEN_PREFIX) and len(ref) > 20:
        conditions.append(ApiToken.token_hash == hash_token(ref))
    return list(session.scalars(select(ApiToken).where(or_(*conditions))))


def revoke(row: ApiToken) -> None:
    if row.revoked_at is None:
        row.revoked_at = utcnow()
