"""Revision history of articles under /api/v1: list, read one, restore one."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, request

from syndicate.editorial import articles, payloads, revisions
from syndicate.editorial.representation import article_etag, article_json, rfc3339
from syndicate.storage import db
from syndicate.storage.models import Article, ArticleRevision
from syndicate.translation import history
from syndicate.web.api import blueprint, expected_revision, json_response, read_json
from syndicate.web.auth import require
from syndicate.web.translation_api import translation_response


def revision_summary(row: ArticleRevision) -> dict[str, Any]:
    return {
        "revision": row.revision,
        "updated_at": rfc3339(row.created_at),
        "editor": row.editor,
        "fields_changed": list(row.fields_changed or []),
    }


def revision_json(article: Article, row: ArticleRevision) -> dict[str, Any]:
    """The article as it was at that revision (its content; ids and language as now)."""
    return {
        "id": article.public_id,
        "language": row.language,
        **revision_summary(row),
        **row.content,
    }


@blueprint.get("/articles/<public_id>/revisions")
@require("editor")
def list_revisions(public_id: str):
    session = db.session()
    article = articles.get(session, public_id)
    rows = revisions.history(session, article, request.args.get("language"))
    return json_response({"items": [revision_summary(row) for row in rows]})


@blueprint.get("/articles/<public_id>/revisions/<int:number>")
@require("editor")
def get_revision(public_id: str, number: int):
    session = db.session()
    article = articles.get(session, public_id)
    row = revisions.get(session, article, number, request.args.get("language"))
    return json_response(revision_json(article, row))


@blueprint.post("/articles/<public_id>/revisions/<int:number>/restore")
@require("editor")
def restore_revision(public_id: str, number: int):
    """Body ``{"revision": <the current one you saw>}`` (or ``If-Match``): a restore is an edit.
    With ``?language=`` of a translation: the editor's translation's revision ``number`` comes
    back, checked against the translation's newest revision (its ETag names it)."""
    body = read_json() if request.content_length else {}
    fields = {}
    if isinstance(body, dict) and "revision" in body:
        fields = {"revision": payloads.parse_article(body, partial=True)["revision"]}
    session = db.session()
    language = request.args.get("language")
    if language is not None and language != articles.get(session, public_id).language:
        return _restore_translation(public_id, revisions.language(language), number, fields)
    expected = expected_revision(fields, public_id)
    article = articles.restore(
        session, public_id, number, expected_revision=expected, editor=g.token.label
    )
    return json_response(article_json(article), headers={"ETag": article_etag(article)})


def _restore_translation(public_id: str, language: str, number: int, fields: dict[str, Any]):
    expected = expected_revision(fields, f"{public_id}.{language}")
    article, variant, _number = history.restore_translation(
        current_app._get_current_object(),
        db.session(),
        public_id,
        language,
        number,
        expected_revision=expected,
        editor=g.token.label,
    )
    return translation_response(article, variant)
