"""Glossary edits. A term added, changed or removed makes the machine translations whose
original contains it stale; at 100k articles that is tens of thousands of rows to read and match
(41 s), so it runs as a background operation (``glossary-stale``, see ``syndicate.operations``)
recorded in the same transaction as the edit: the editor gets 202 and the operation at once.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from syndicate import operations
from syndicate.content.sanitize import plain_text
from syndicate.errors import Conflict, FieldErrors, NotFound
from syndicate.languages import CODES
from syndicate.storage import db
from syndicate.storage import glossary as glossary_store
from syndicate.storage.models import ArticleVariant, GlossaryTerm, Operation, utcnow
from syndicate.translation import htmldoc
from syndicate.translation.glossary import Glossary

KIND = "glossary-stale"
BATCH = 1000  # machine translations read per transaction (and per progress report)
TERM_FIELDS = ("source_language", "target_language", "source_term", "target_term")
TEXT_FIELDS = ("title", "summary", "body_html", "image_caption", "image_alt")


def parse_term(payload: Any, *, partial: bool) -> dict[str, str]:
    errors = FieldErrors()
    if not isinstance(payload, dict):
        errors.add("body", "must be a JSON object")
        errors.raise_if_any()
    for name in sorted(set(payload) - set(TERM_FIELDS) - {"id"}):
        errors.add(name, "unknown field")
    out: dict[str, str] = {}
    for name in TERM_FIELDS:
        if name not in payload:
            if not partial and name != "target_term":
                errors.add(name, "is required")
            continue
        value = payload[name]
        if name.endswith("_language"):
            if value not in CODES:
                errors.add(name, f"must be one of {', '.join(CODES)}")
            else:
                out[name] = value
            continue
        if not isinstance(value, str):
            errors.add(name, "must be a string")
            continue
        clean = " ".join(plain_text(value).split())
        if name == "source_term" and not clean:
            errors.add(name, "must not be empty")
        elif len(clean) > 200:
            errors.add(name, "must be at most 200 characters")
        out[name] = clean
    errors.raise_if_any()
    return out


def term_json(term: GlossaryTerm) -> dict[str, Any]:
    return {
        "id": term.id,
        "source_language": term.source_language,
        "target_language": term.target_language,
        "source_term": term.source_term,
        "target_term": term.target_term,
    }


def _check_term(session: Session, term: GlossaryTerm) -> None:
    errors = FieldErrors()
    if term.source_language == term.target_language:
        errors.add("target_language", "must differ from source_language")
    if not term.target_term:
        term.target_term = term.source_term  # no target: keep the term as it is (brand names)
    other = glossary_store.find(
        session, term.source_language, term.target_language, term.source_term
    )
    if other is not None and other.id != term.id:
        raise Conflict(
            f"the {term.source_language}→{term.target_language} glossary already has "
            f"{other.source_term!r} (id {other.id})"
        )
    errors.raise_if_any()
    term.source_key = glossary_store.term_key(term.source_term)


# Edits ---------------------------------------------------------------------------------------


def _stale_operation(
    app: Flask, session: Session, touched: set[tuple[str, str, str]], send: bool
) -> Operation:
    params = {"touched": [list(t) for t in sorted(touched)]}
    return operations.submit(app, session, KIND, params, send=send)


def add_term(
    app: Flask, session: Session, fields: dict[str, str], *, send: bool = True
) -> tuple[GlossaryTerm, Operation]:
    now = utcnow()
    term = GlossaryTerm(**{"target_term": "", **fields}, created_at=now, updated_at=now)
    _check_term(session, term)
    touched = {(term.source_language, term.target_language, term.source_term)}
    try:
        with db.race_guard(session):
            glossary_store.add(session, term)
            operation = _stale_operation(app, session, touched, send)
    except db.LostRace:
        raise _term_conflict(fields) from None
    return term, operation


def _term_conflict(fields: dict[str, str]) -> Conflict:
    # Another request stored the same term (or removed this one) between the check and the
    # write: the unique key refused ours.
    return Conflict(
        f"the {fields.get('source_language', '')}→{fields.get('target_language', '')} glossary "
        f"changed meanwhile (term {fields.get('source_term', '')!r}); reload and try again"
    )


def _term(session: Session, term_id: int) -> GlossaryTerm:
    term = glossary_store.get(session, term_id)
    if term is None:
        raise NotFound(f"no glossary term {term_id}")
    return term


def update_term(
    app: Flask, session: Session, term_id: int, fields: dict[str, str], *, send: bool = True
) -> tuple[GlossaryTerm, Operation | None]:
    """The operation is None when nothing changed (nothing becomes stale)."""
    term = _term(session, term_id)
    before = (term.source_language, term.target_language, term.source_term, term.target_term)
    # No autoflush: the duplicate check must not flush the half-changed term (its old key with
    # the new direction would hit the unique key before we can answer 409).
    with session.no_autoflush:
        for name, value in fields.items():
            setattr(term, name, value)
        _check_term(session, term)
    after = (term.source_language, term.target_language, term.source_term, term.target_term)
    try:
        with db.race_guard(session):
            if after == before:
                session.commit()
                return term, None
            term.updated_at = utcnow()
            session.flush()
            return term, _stale_operation(app, session, {before[:3], after[:3]}, send)
    except db.LostRace:
        raise _term_conflict(fields) from None


def delete_term(
    app: Flask, session: Session, term_id: int, *, send: bool = True
) -> tuple[GlossaryTerm, Operation]:
    term = _term(session, term_id)
    touched = {(term.source_language, term.target_language, term.source_term)}
    try:
        with db.race_guard(session):
            glossary_store.delete(session, term)
            return term, _stale_operation(app, session, touched, send)
    except db.LostRace:
        raise NotFound(f"no glossary term {term_id}") from None


# The operation -------------------------------------------------------------------------------


def mark_stale(app: Flask, operation: Operation, report_progress) -> dict[str, int]:
    """Flag the machine translations whose original contains a touched term, a batch of
    machine translations per transaction; returns how many were flagged. Progress counts the
    machine translations of the touched directions read so far. Running it again flags the
    same rows: safe after a crash."""
    touched = [tuple(t) for t in operation.params["touched"]]
    directions = sorted({(src, tgt) for src, tgt, _ in touched})
    with db.database(app).session() as session:
        total = sum(glossary_store.machine_translation_count(session, *d) for d in directions)
    report_progress(0, total)
    done = stale = 0
    for src, tgt in directions:
        terms = [term for s, t, term in touched if (s, t) == (src, tgt)]
        matcher = Glossary({term: term for term in terms}, src)
        after = 0
        while True:
            with db.database(app).session() as session:
                window = glossary_store.machine_translation_window(session, src, tgt, after, BATCH)
                if window is None:
                    break
                upto, count = window
                pairs = glossary_store.machine_translations_mentioning(
                    session, src, tgt, terms, after=after, upto=upto
                )
                ids = [t.id for t, original in pairs if _mentions(matcher, original, src)]
                glossary_store.mark_glossary_stale(session, ids)
            after, done, stale = upto, done + count, stale + len(ids)
            report_progress(done, total)
    return {"stale_translations": stale}


def _mentions(matcher: Glossary, original: ArticleVariant, src: str) -> bool:
    """A term counts where the glossary would match it, so in text outside code and markup."""
    for name in TEXT_FIELDS:
        value = getattr(original, name) or ""
        if name == "body_html":
            _template, segments = htmldoc.extract(value, src)
        else:
            _template, segments = htmldoc.extract_text(value, src)
        if any(matcher.matches(segment) for segment in segments):
            return True
    return False


def stale_count(operation: Operation | None) -> int | None:
    """How many translations a finished glossary operation made stale (None while it runs)."""
    if operation is None:
        return 0
    return (operation.result or {}).get("stale_translations")
