"""Editor API for translation, under /api/v1: editors' translations, refreshes, jobs, glossary.

Nothing here translates: refreshes only queue jobs (202) for the worker.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, g, request

from syndicate.editorial import payloads
from syndicate.editorial.representation import rfc3339
from syndicate.errors import FieldError, NotFound, ValidationFailed
from syndicate.languages import CODES
from syndicate.storage import db
from syndicate.storage import glossary as glossary_store
from syndicate.storage import jobs as job_store
from syndicate.storage.models import Article, ArticleVariant, TranslationJob
from syndicate.translation import history, jobs, service, terms
from syndicate.web.api import expected_revision, json_response, read_json
from syndicate.web.auth import require
from syndicate.web.operations_api import accepted

blueprint = Blueprint("translation_api", __name__, url_prefix="/api/v1")
# Only language codes match: PUT …/translations/refresh is then a 405 (refresh is POST), not an
# attempt to store a translation into a language called "refresh".
_TRANSLATION = "/articles/<public_id>/translations/<any({}):language>".format(", ".join(CODES))


def _optional_json() -> dict[str, Any]:
    """A refresh's body is optional: none (even with a JSON content type), or a JSON object."""
    if not request.content_length and "Transfer-Encoding" not in request.headers:
        return {}
    body = read_json()
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise ValidationFailed(FieldError("body", "must be a JSON object"))
    return body


def _flag(body: dict[str, Any], name: str) -> bool:
    value = body.get(name, False)
    if not isinstance(value, bool):
        raise ValidationFailed(FieldError(name, "must be true or false"))
    return value


def _language(body: dict[str, Any]) -> str | None:
    value = body.get("language")
    if value is not None and not isinstance(value, str):
        raise ValidationFailed(FieldError("language", "must be a language code"))
    return value


def _accepted(job_ids: list[int]) -> Response:
    return json_response({"jobs": job_ids}, 202)


def translation_json(
    article: Article, variant: ArticleVariant, revision: int | None
) -> dict[str, Any]:
    """``revision``: the newest saved revision of the editor's translation (None: none yet)."""
    return {
        "language": variant.language,
        "revision": revision,
        "origin": variant.origin,
        "status": variant.status,
        "model": variant.engine,
        "source_revision": variant.source_revision,
        "stale": variant.behind,
        "title": variant.title,
        "summary": variant.summary,
        "body_html": variant.body_html,
        "image": {"caption": variant.image_caption, "alt": variant.image_alt},
        "error": variant.error,
        "updated_at": rfc3339(variant.updated_at),
    }


def job_json(job: TranslationJob) -> dict[str, Any]:
    return {
        "id": job.id,
        "article": job.article.public_id,
        "language": job.language,
        "source_revision": job.source_revision,
        "status": job.status,
        "progress": job.progress,
        "attempts": job.attempts,
        "error": job.error,
        "detail": job.detail,
        "force": job.force,
        "reason": job.reason,
        "created_at": rfc3339(job.created_at),
        "started_at": rfc3339(job.started_at),
        "finished_at": rfc3339(job.finished_at),
    }


# Translations of an article ------------------------------------------------------------------


def translation_etag(article: Article, language: str, revision: int) -> str:
    return f'"{article.public_id}.{language}.r{revision}"'


def translation_response(article: Article, variant: ArticleVariant) -> Response:
    revision = history.current_revision(db.session(), article, variant.language)
    headers = None
    if revision is not None:  # what a restore's If-Match names
        headers = {"ETag": translation_etag(article, variant.language, revision)}
    return json_response(translation_json(article, variant, revision), headers=headers)


@blueprint.get(_TRANSLATION)
@require("editor")
def get_translation(public_id: str, language: str):
    article, variant = service.get_translation(db.session(), public_id, language)
    return translation_response(article, variant)


@blueprint.put(_TRANSLATION)
@require("editor")
def put_translation(public_id: str, language: str):
    """With ``revision`` (as GET said it) or ``If-Match``, a translation another editor saved
    meanwhile is a 409 and nothing changes; without either, the save stands as it is."""
    body = read_json()
    fields = service.parse_translation(body)
    app, session = current_app._get_current_object(), db.session()
    if "revision" in body or request.if_match:
        article, variant = history.save_translation(
            app,
            session,
            public_id,
            language,
            fields,
            expected_revision=_seen_revision(body, f"{public_id}.{language}"),
            editor=g.token.label,
        )
    else:
        article, variant = service.put_translation(
            app, session, public_id, language, fields, editor=g.token.label
        )
    return translation_response(article, variant)


def _seen_revision(body: dict[str, Any], stem: str) -> int | None:
    """The editor's translation's revision the client saw: ``revision`` in the body (``null``:
    no editor had saved one) or the ``If-Match`` ETag."""
    if "revision" in body and body["revision"] is None:
        return None
    seen = {}
    if "revision" in body:
        seen = {
            "revision": payloads.parse_article({"revision": body["revision"]}, partial=True)[
                "revision"
            ]
        }
    return expected_revision(seen, stem)


@blueprint.post("/articles/<public_id>/translations/refresh")
@require("editor")
def refresh_article(public_id: str):
    body = _optional_json()
    job_ids = jobs.refresh_article(
        current_app._get_current_object(),
        public_id,
        language=_language(body),
        force=_flag(body, "force"),
    )
    return _accepted(job_ids)


@blueprint.post("/sections/<slug>/translations/refresh")
@require("editor")
def refresh_section(slug: str):
    body = _optional_json()
    job_ids = jobs.refresh_many(
        current_app._get_current_object(),
        section=slug,
        only_stale=_flag(body, "only_stale"),
        language=_language(body),
        force=_flag(body, "force"),
    )
    return _accepted(job_ids)


@blueprint.get("/jobs/<int:job_id>")
@require("editor")
def get_job(job_id: int):
    job = job_store.get(db.session(), job_id)
    if job is None:
        raise NotFound(f"no translation job {job_id}")
    return json_response(job_json(job))


# Glossary ------------------------------------------------------------------------------------


@blueprint.get("/glossary")
@require("editor")
def list_glossary():
    directions = {}
    for name in ("source_language", "target_language"):
        value = request.args.get(name)
        if value is not None and value not in CODES:
            raise ValidationFailed(FieldError(name, f"must be one of {', '.join(CODES)}"))
        directions[name] = value
    found = glossary_store.list_terms(
        db.session(), directions["source_language"], directions["target_language"]
    )
    return json_response({"items": [terms.term_json(t) for t in found]})


# A change answers 202 at once: marking the translations it makes stale is an operation.


@blueprint.post("/glossary")
@require("editor")
def add_term():
    fields = terms.parse_term(read_json(), partial=False)
    term, operation = terms.add_term(current_app._get_current_object(), db.session(), fields)
    return accepted(terms.term_json(term), operation)


@blueprint.patch("/glossary/<int:term_id>")
@require("editor")
def update_term(term_id: int):
    fields = terms.parse_term(read_json(), partial=True)
    app = current_app._get_current_object()
    term, operation = terms.update_term(app, db.session(), term_id, fields)
    if operation is None:  # nothing changed, nothing to mark
        return json_response({**terms.term_json(term), "operation": None})
    return accepted(terms.term_json(term), operation)


@blueprint.delete("/glossary/<int:term_id>")
@require("editor")
def delete_term(term_id: int):
    app = current_app._get_current_object()
    term, operation = terms.delete_term(app, db.session(), term_id)
    return accepted(terms.term_json(term), operation)
