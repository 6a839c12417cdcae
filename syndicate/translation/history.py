"""Restoring an editor's translation: a new revision of the translation with the content of an
old one, through the same optimistic check as an edit of the original (the editor names the
revision they saw as the newest; another one saved meanwhile is a 409 and nothing changes)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from syndicate.errors import Conflict, NotFound
from syndicate.storage import revisions as revision_store
from syndicate.storage.models import Article, ArticleVariant
from syndicate.translation import service


def current_revision(session: Session, article: Article, language: str) -> int | None:
    """The newest saved revision of the editor's translation (None: never saved by an editor).

    A forced machine refresh after it replaces the text without a revision: the number stays,
    so restoring the editor's newest text over the machine's is possible and checked alike."""
    row = revision_store.latest(session, article, language)
    return row.revision if row is not None else None


def _stale(session: Session, article: Article, language: str, expected: int | None):
    newest = current_revision(session, article, language)
    variant = article.variant(language)
    content = revision_store.translation_content(variant) if variant is not None else {}
    return Conflict(
        f"the {language} translation of article {article.public_id!r} is at revision "
        f"{newest}, the change was made on revision {expected}: reload, merge and send it again",
        current={"revision": newest, **content},
    )


def save_translation(
    app: Flask,
    session: Session,
    public_id: str,
    language: str,
    fields: dict[str, Any],
    *,
    expected_revision: int | None,
    editor: str = "",
    source_revision: int | None = None,
) -> tuple[Article, ArticleVariant]:
    """Store an editor's translation made on ``expected_revision`` (None: no editor had saved
    one yet) as the next revision; another revision saved meanwhile is a 409 and nothing
    changes (the revision number is unique: a save racing this one loses, it does not merge)."""
    article = service.translatable(session, public_id, language)
    if current_revision(session, article, language) != expected_revision:
        raise _stale(session, article, language, expected_revision)
    try:
        return service.put_translation(
            app,
            session,
            public_id,
            language,
            fields,
            editor=editor,
            revision=(expected_revision or 0) + 1,
            source_revision=source_revision,
        )
    except Conflict:
        session.rollback()
        article = service.translatable(session, public_id, language)
        raise _stale(session, article, language, expected_revision) from None


def restore_translation(
    app: Flask,
    session: Session,
    public_id: str,
    language: str,
    number: int,
    *,
    expected_revision: int,
    editor: str = "",
) -> tuple[Article, ArticleVariant, int]:
    """Store revision ``number``'s content as the editor's translation, as revision
    ``expected_revision + 1``; returns the article, the variant and that new number."""
    article, variant = service.get_translation(session, public_id, language)
    row = revision_store.get(session, article, language, number)
    if row is None:
        raise NotFound(f"the {language} translation of {public_id!r} has no revision {number}")
    fields: dict[str, Any] = {
        name: row.content.get(name) or "" for name in revision_store.TRANSLATION_CONTENT
    }
    article, variant = save_translation(
        app,
        session,
        public_id,
        language,
        fields,
        expected_revision=expected_revision,
        editor=editor,
        # Older revisions did not keep it: then the text counts as of the current original.
        source_revision=row.content.get(revision_store.TRANSLATION_SOURCE),
    )
    return article, variant, expected_revision + 1
