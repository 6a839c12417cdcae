"""``Idempotency-Key`` on creates: a client that retries a create (its connection dropped, it
saw a timeout) with the same key and body gets the first answer again, and one article.

The answer is stored in the create's own transaction (``articles.create(before_commit=…)``), so
it exists exactly when the article does; two concurrent twins meet at the unique keys, and the
loser answers with the winner's stored answer.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import orjson
from sqlalchemy.orm import Session

from syndicate.errors import BadRequest, FieldError, ValidationFailed
from syndicate.storage import idempotency as store
from syndicate.storage.models import Article, IdempotencyKey, utcnow

HEADER = "Idempotency-Key"
RETENTION = timedelta(hours=24)
# Printable ASCII without spaces (a UUID, a hash, a client's own request id).
_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: bytes
    headers: dict[str, str]


def parse_key(raw: str | None) -> str | None:
    if raw is None:
        return None
    key = raw.strip().strip('"')  # the draft standard sends it as a quoted string
    if not _KEY.match(key):
        raise BadRequest(f"the {HEADER} header must be 1–200 printable ASCII characters")
    return key


def fingerprint(payload: Any) -> str:
    """The body's identity, independent of key order and white space."""
    return hashlib.sha256(orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)).hexdigest()


def stored_answer(session: Session, token_id: int, key: str, print_: str) -> Answer | None:
    """The answer given to this key within the retention period, if any; the same key with
    another body is the client's mistake (422, as the IETF draft says)."""
    row = store.find(session, token_id, key, utcnow() - RETENTION)
    if row is None:
        return None
    if row.fingerprint != print_:
        raise ValidationFailed(
            FieldError(HEADER, "was already used with a different body; use a new key")
        )
    return Answer(row.status, row.body.encode(), dict(row.headers))


def recorder(
    token_id: int, key: str, print_: str, answer: Callable[[Article], Answer]
) -> Callable[[Session, Article], None]:
    """A ``before_commit`` hook storing the answer to the create in its transaction."""

    def record(session: Session, article: Article) -> None:
        now = utcnow()
        store.purge(session, now - RETENTION)
        result = answer(article)
        store.add(
            session,
            IdempotencyKey(
                token_id=token_id,
                key=key,
                fingerprint=print_,
                status=result.status,
                body=result.body.decode(),
                headers=result.headers,
                created_at=now,
            ),
        )

    return record
