"""The translation memory: the pipeline's segment cache (``get_many``/``put_many``) in the database.

Keys are anything with ``segment`` (normalised), ``src``, ``tgt``, ``model_id`` and
``glossary_version`` attributes (``syndicate.translation.pipeline.CacheKey``). Each call uses its
own short transaction and commits at once: entries are only a cache, so a job that dies later
still leaves its finished segments for the retry, and no lock is held while the model runs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, TypeVar

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from syndicate.storage.db import Database
from syndicate.storage.models import TranslationMemoryEntry, utcnow

# Bound parameters per statement stay well under SQLite's and PostgreSQL's limits.
_CHUNK = 200


class SegmentKey(Protocol):
    segment: str
    src: str
    tgt: str
    model_id: str
    glossary_version: str


K = TypeVar("K", bound=SegmentKey)


def segment_hash(segment: str) -> str:
    return hashlib.sha256(segment.encode("utf-8")).hexdigest()


def _identity(key: SegmentKey) -> tuple[str, str, str, str, str]:
    return (segment_hash(key.segment), key.src, key.tgt, key.model_id, key.glossary_version)


_COLUMNS = (
    TranslationMemoryEntry.segment_hash,
    TranslationMemoryEntry.src,
    TranslationMemoryEntry.tgt,
    TranslationMemoryEntry.model_id,
    TranslationMemoryEntry.glossary_version,
)


class TranslationMemory:
    """``TranslationCache`` on the database. ``hits``/``misses`` count lookups (diagnostics)."""

    def __init__(self, database: Database):
        self.database = database
        self.hits = 0
        self.misses = 0

    def get_many(self, keys: Sequence[K]) -> dict[K, str]:
        wanted: dict[tuple[str, ...], list[K]] = {}
        for key in keys:
            wanted.setdefault(_identity(key), []).append(key)
        found: dict[K, str] = {}
        identities = list(wanted)
        with self.database.session() as session:
            for start in range(0, len(identities), _CHUNK):
                chunk = identities[start : start + _CHUNK]
                rows = session.execute(
                    select(*_COLUMNS, TranslationMemoryEntry.translation).where(
                        tuple_(*_COLUMNS).in_(chunk)
                    )
                )
                for *identity, translation in rows:
                    for key in wanted.get(tuple(identity), ()):
                        found[key] = translation
        hits = sum(1 for key in keys if key in found)
        self.hits += hits
        self.misses += len(keys) - hits
        return found

    def put_many(self, items: Mapping[SegmentKey, str]) -> None:
        rows: dict[tuple[str, ...], dict[str, Any]] = {}
        now = utcnow()
        for key, translation in items.items():
            identity = _identity(key)
            rows[identity] = {
                "segment_hash": identity[0],
                "src": key.src,
                "tgt": key.tgt,
                "model_id": key.model_id,
                "glossary_version": key.glossary_version,
                "source": key.segment,
                "translation": translation,
                "created_at": now,
            }
        if not rows:
            return
        values = list(rows.values())
        with self.database.session() as session:
            insert = _insert_ignoring_duplicates(session)
            for start in range(0, len(values), _CHUNK):
                session.execute(insert, values[start : start + _CHUNK])


def _insert_ignoring_duplicates(session: Session):
    """Two workers translating the same sentence both store it; the first one wins."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(TranslationMemoryEntry).on_conflict_do_nothing(
        index_elements=[c.key for c in _COLUMNS]
    )


def count(session: Session, *, model_id: str | None = None) -> int:
    query = select(func.count()).select_from(TranslationMemoryEntry)
    if model_id is not None:
        query = query.where(TranslationMemoryEntry.model_id == model_id)
    return session.scalar(query) or 0
