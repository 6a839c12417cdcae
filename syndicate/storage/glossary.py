"""Queries of the glossary (terms per direction) and of the translations a term can affect."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from syndicate.numbers import MAX_ID
from syndicate.storage.models import Article, ArticleVariant, GlossaryTerm


def term_key(term: str) -> str:
    """Terms match case-insensitively across any white space; this is the form that must be
    unique per direction."""
    return " ".join(term.split()).casefold()


def list_terms(
    session: Session, source_language: str | None = None, target_language: str | None = None
) -> list[GlossaryTerm]:
    query = select(GlossaryTerm)
    if source_language:
        query = query.where(GlossaryTerm.source_language == source_language)
    if target_language:
        query = query.where(GlossaryTerm.target_language == target_language)
    order = (GlossaryTerm.source_language, GlossaryTerm.target_language, GlossaryTerm.source_key)
    return list(session.scalars(query.order_by(*order)))


def get(session: Session, term_id: int) -> GlossaryTerm | None:
    if not 0 < term_id <= MAX_ID:  # PostgreSQL refuses a parameter beyond INTEGER
        return None
    return session.get(GlossaryTerm, term_id)


def find(session: Session, source_language: str, target_language: str, source_term: str):
    return session.scalar(
        select(GlossaryTerm).where(
            GlossaryTerm.source_language == source_language,
            GlossaryTerm.target_language == target_language,
            GlossaryTerm.source_key == term_key(source_term),
        )
    )


def add(session: Session, term: GlossaryTerm) -> GlossaryTerm:
    session.add(term)
    session.flush()
    return term


def delete(session: Session, term: GlossaryTerm) -> None:
    session.delete(term)
    session.flush()


def direction_terms(session: Session, src: str, tgt: str) -> dict[str, str]:
    """``{source term: target term}`` of one direction, what ``Glossary`` is built from."""
    rows = session.execute(
        select(GlossaryTerm.source_term, GlossaryTerm.target_term)
        .where(GlossaryTerm.source_language == src, GlossaryTerm.target_language == tgt)
        .order_by(GlossaryTerm.source_key)
    )
    return {source: target for source, target in rows}


def _machine_translations(src: str, tgt: str):
    return (
        select(ArticleVariant.id)
        .join(Article, Article.id == ArticleVariant.article_id)
        .where(
            Article.language == src,
            ArticleVariant.language == tgt,
            ArticleVariant.origin == "machine",
        )
    )


def machine_translation_count(session: Session, src: str, tgt: str) -> int:
    query = select(func.count()).select_from(_machine_translations(src, tgt).subquery())
    return session.scalar(query) or 0


def machine_translation_window(
    session: Session, src: str, tgt: str, after: int, limit: int
) -> tuple[int, int] | None:
    """The next ``limit`` machine translations src→tgt by id after ``after``: ``(last id,
    how many)``, or None past the end. Batches by id range, so each is one short query."""
    ids = _machine_translations(src, tgt).where(ArticleVariant.id > after)
    window = ids.order_by(ArticleVariant.id).limit(limit).subquery()
    last, count = session.execute(select(func.max(window.c.id), func.count())).one()
    return None if not count else (last, count)


def machine_translations_mentioning(
    session: Session,
    src: str,
    tgt: str,
    terms: Iterable[str],
    *,
    after: int | None = None,
    upto: int | None = None,
) -> list[tuple[ArticleVariant, ArticleVariant]]:
    """``(machine translation into tgt, original in src)`` pairs whose original may contain one
    of ``terms``: every word of the term occurs somewhere in the text (a cheap SQL filter; the
    caller matches exactly, as the glossary does). ``after``/``upto`` bound translation ids."""
    original = aliased(ArticleVariant)
    translation = aliased(ArticleVariant)
    text = (
        original.title
        + " "
        + original.summary
        + " "
        + original.body_html
        + " "
        + original.image_caption
        + " "
        + original.image_alt
    )
    conditions = [
        and_(*(text.ilike(f"%{_escape_like(word)}%", escape="\\") for word in term.split()))
        for term in terms
        if term.split()
    ]
    if not conditions:
        return []
    query = (
        select(translation, original)
        .join(Article, Article.id == translation.article_id)
        .join(
            original,
            and_(original.article_id == Article.id, original.language == Article.language),
        )
        .where(
            Article.language == src,
            translation.language == tgt,
            translation.origin == "machine",
            or_(*conditions),
        )
        .order_by(translation.id)
    )
    if after is not None:
        query = query.where(translation.id > after)
    if upto is not None:
        query = query.where(translation.id <= upto)
    return [(t, o) for t, o in session.execute(query).tuples()]


def mark_glossary_stale(session: Session, variant_ids: Iterable[int]) -> None:
    ids = sorted(set(variant_ids))
    if ids:
        session.execute(
            update(ArticleVariant).where(ArticleVariant.id.in_(ids)).values(glossary_stale=True)
        )


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
