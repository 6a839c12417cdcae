"""Translation services: translate one article for a job, editors' own translations, glossary edits.

A job's translation happens outside any transaction (the model may run for seconds) and is
stored in ONE transaction at the end, together with the job's ``done``: readers see the old
variant or the new one, never half of one. The segments themselves go through the translation
memory, committed as they are translated, so a retry after a crash redoes only what was lost.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from syndicate import events
from syndicate.content.sanitize import clean_html, plain_text
from syndicate.errors import Conflict, FieldError, FieldErrors, NotFound, ValidationFailed
from syndicate.languages import CODES
from syndicate.storage import articles as article_store
from syndicate.storage import db
from syndicate.storage import glossary as glossary_store
from syndicate.storage import jobs as job_store
from syndicate.storage import revisions as revision_store
from syndicate.storage.models import Article, ArticleVariant, utcnow
from syndicate.storage.translation_memory import TranslationMemory
from syndicate.translation import htmldoc
from syndicate.translation.glossary import Glossary

log = logging.getLogger(__name__)

ENGINE_EXTENSION = "syndicate.translation.engine"
TEXT_FIELDS = ("title", "summary", "image_caption", "image_alt")
FIELDS = ("title", "summary", "body_html", "image_caption", "image_alt")
_engine_lock = threading.Lock()


class JobLost(Exception):
    """The job was taken over (its lease ran out): this run's result must not be stored."""


def engine_for(app: Flask):
    """The app's engine, made on first use: importing and loading models costs seconds and
    hundreds of MB, which only a worker should pay."""
    engine = app.extensions.get(ENGINE_EXTENSION)
    if engine is None:
        with _engine_lock:
            engine = app.extensions.get(ENGINE_EXTENSION)
            if engine is None:
                from syndicate.translation.engine import Engine

                config = app.config
                engine = Engine(
                    config["SYNDICATE_ARGOS_PACKAGES_DIR"],
                    beam_size=config["SYNDICATE_TRANSLATION_BEAM_SIZE"],
                    intra_threads=config["SYNDICATE_TRANSLATION_THREADS"],
                    compute_type=config["SYNDICATE_TRANSLATION_COMPUTE_TYPE"],
                    max_batch_size=config["SYNDICATE_TRANSLATION_BATCH_SIZE"],
                )
                app.extensions[ENGINE_EXTENSION] = engine
    return engine


def is_stale(article: Article, variant: ArticleVariant | None) -> bool:
    """Worth refreshing: missing, failed, older than the original, or hit by a glossary edit."""
    return variant is None or variant.status != "ready" or variant.behind


# One article, for a job ------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """What a job translates, read once before the model runs."""

    article_id: int
    public_id: str
    section: str
    src: str
    tgt: str
    revision: int
    fields: dict[str, str]


@dataclass
class Outcome:
    status: str  # done | superseded
    detail: str
    translated: dict[str, str] = field(default_factory=dict)


def _decide(job, model_id: Callable[[str, str], str]) -> Source | Outcome:
    """Whether the job has anything to do, and if so the source it translates."""
    article = job.article
    if article.revision != job.source_revision:
        return Outcome(
            job_store.SUPERSEDED,
            f"article is at revision {article.revision}; this job was for {job.source_revision}",
        )
    target = article.variant(job.language)
    if target is not None and target.origin == "editor" and not job.force:
        return Outcome(job_store.DONE, "kept the editor's translation (force replaces it)")
    if (
        target is not None
        and target.origin == "machine"
        and not job.force
        and not is_stale(article, target)
        and target.engine == model_id(article.language, job.language)
    ):
        return Outcome(job_store.DONE, "already up to date")
    original = article.original
    return Source(
        article_id=article.id,
        public_id=article.public_id,
        section=article.section.slug,
        src=article.language,
        tgt=job.language,
        revision=article.revision,
        fields={name: getattr(original, name) or "" for name in FIELDS},
    )


def translate_job(app: Flask, job_id: int, worker: str) -> Outcome:
    """Do the work of a job ``worker`` has claimed; store the result and finish the job.

    Raises ``MissingModelError`` (permanent), ``JobLost``, or whatever went wrong (the caller
    decides about retries)."""
    database = db.database(app)
    engine = engine_for(app)
    if hasattr(engine, "refresh"):
        engine.refresh()  # a package installed since the last job replaces the loaded model
    with database.session() as session:
        job = job_store.get(session, job_id)
        if job is None:
            raise JobLost(job_id)  # its article was deleted
        decision = _decide(job, engine.model_id)
        if isinstance(decision, Outcome):
            if not job_store.finish(
                session, job_id, worker, decision.status, detail=decision.detail
            ):
                raise JobLost(job_id)
            return decision
        source = decision
        terms = glossary_store.direction_terms(session, source.src, source.tgt)

    from syndicate.translation.pipeline import JobCache, Translator

    glossary = Glossary(terms, source.src)
    translator = Translator(
        engine,
        source.src,
        source.tgt,
        glossary=glossary,
        cache=JobCache(TranslationMemory(database)),
    )
    lease = timedelta(seconds=app.config["SYNDICATE_TRANSLATION_LEASE"])
    test_delay = app.config["SYNDICATE_TRANSLATION_TEST_DELAY"]

    def on_batch(progress: float) -> None:
        if test_delay:
            time.sleep(test_delay)  # test hook: a slow job, killable before the final write
        with database.session() as session:
            if not job_store.heartbeat(session, job_id, worker, round(progress, 3), lease):
                raise JobLost(job_id)

    translated = translate_fields(
        translator,
        source.fields,
        batch_size=app.config["SYNDICATE_TRANSLATION_BATCH_SIZE"],
        on_batch=on_batch,
    )
    detail = "translated" + _guard_note(translator.stats.guarded)
    outcome = _store(app, job_id, worker, source, translator.model_id, glossary, translated, detail)
    if outcome.status == job_store.DONE and outcome.translated:
        events.notify(
            events.variant_changed,
            app,
            article_id=source.public_id,
            language=source.tgt,
            sections=[source.section],
        )
    return outcome


def translate_fields(
    translator,
    fields: Mapping[str, str],
    *,
    batch_size: int,
    on_batch: Callable[[float], None] | None = None,
) -> dict[str, str]:
    """Translate an article's fields with one pipeline: the body as HTML, the rest as plain
    text. Segments the memory lacks go to the model in batches of ``batch_size`` (progress,
    and a crash loses at most a batch); the fields are then rebuilt from the memory."""
    src, tgt = translator.src, translator.tgt
    parts: list[tuple[str, Any, int, int]] = []
    segments: list[str] = []
    for name, value in fields.items():
        if name == "body_html":
            template, found = htmldoc.extract(value, src)
        else:
            template, found = htmldoc.extract_text(value, src)
        parts.append((name, template, len(segments), len(found)))
        segments.extend(found)
    missing = _missing(translator, segments)
    for start in range(0, len(missing), batch_size):
        translator.translate_many(missing[start : start + batch_size])
        if on_batch is not None:
            on_batch(0.05 + 0.9 * min(start + batch_size, len(missing)) / len(missing))
    translations = translator.translate_many(segments) if segments else []
    out = {}
    for name, template, start, count in parts:
        text = htmldoc.rebuild(template, translations[start : start + count], tgt)
        out[name] = clean_html(text) if name == "body_html" else text
    return out


def _missing(translator, segments: list[str]) -> list[str]:
    """The unique translatable segments the translation memory does not have."""
    unique = [
        s
        for s in dict.fromkeys(htmldoc.normalize_segment(s) for s in segments)
        if htmldoc.translatable(s)
    ]
    if not unique or translator.cache is None:
        return unique
    model_id = translator.model_id  # MissingModelError here, before anything is looked up
    keys = {s: translator.key(s, model_id) for s in unique}
    found = translator.cache.get_many(list(keys.values()))
    return [s for s in unique if keys[s] not in found]


def _store(
    app: Flask,
    job_id: int,
    worker: str,
    source: Source,
    model_id: str,
    glossary: Glossary,
    translated: dict[str, str],
    detail: str = "translated",
) -> Outcome:
    """The one transaction that makes a translation visible, with its job's ``done``."""
    with db.database(app).session() as session:
        article = session.get(Article, source.article_id)
        job = job_store.get(session, job_id)
        if article is None or job is None:
            raise JobLost(job_id)  # deleted meanwhile (the job row goes with the article)
        # Checked again inside the writing transaction; no model id matches "", so a job never
        # turns "up to date" here once it has translated.
        outcome = _decide(job, lambda _src, _tgt: "")
        if isinstance(outcome, Outcome):
            # The article moved on, or an editor stored a translation, while the model ran.
            if not job_store.finish(session, job_id, worker, outcome.status, detail=outcome.detail):
                raise JobLost(job_id)
            return outcome
        now = utcnow()
        current = Glossary(
            glossary_store.direction_terms(session, source.src, source.tgt), source.src
        )
        article_store.set_variant(
            session,
            article,
            source.tgt,
            **translated,
            origin="machine",
            source_revision=source.revision,
            engine=model_id,
            status="ready",
            error=None,
            # A glossary edit that landed while the model ran is not in this translation.
            glossary_stale=current.version != glossary.version,
            updated_at=now,
        )
        if not job_store.finish(session, job_id, worker, job_store.DONE, detail=detail):
            raise JobLost(job_id)  # taken over meanwhile: leaving rolls the variant back
    return Outcome(job_store.DONE, detail, translated)


_GUARD_NOTES = {
    "runaway_retried": "{} looping segment(s) retried",
    "runaway_kept_source": "{} left untranslated (still looping)",
    "unknowns_restored": "{} <unk> restored from the source",
    "unknowns_kept_source": "{} <unk> segment(s) left untranslated",
}


def _guard_note(guarded: Mapping[str, int]) -> str:
    """What the output guards did, for the job's detail (the desk and the API show it)."""
    notes = [text.format(guarded[name]) for name, text in _GUARD_NOTES.items() if guarded.get(name)]
    return f" ({'; '.join(notes)})"[:180] if notes else ""  # the column holds 200


def record_failure(app: Flask, job_id: int, worker: str | None, message: str) -> bool:
    """Fail a job. An article with no translation yet gets a ``failed`` one carrying the
    message (feeds skip it, the API shows why); an existing translation stays as it was."""
    with db.database(app).session() as session:
        job = job_store.get(session, job_id)
        if job is None:
            return False
        if worker is not None and not job_store.finish(
            session, job_id, worker, job_store.FAILED, error=message
        ):
            return False
        article = job.article
        if article.variant(job.language) is None:
            article_store.set_variant(
                session,
                article,
                job.language,
                origin="machine",
                source_revision=job.source_revision,
                engine=None,
                status="failed",
                error=message,
                updated_at=utcnow(),
            )
    return True


# Editors' translations ---------------------------------------------------------------------


def _article(session: Session, public_id: str) -> Article:
    article = article_store.get(session, public_id)
    if article is None:
        raise NotFound(f"no article with id {public_id!r}")
    return article


def _translation_language(article: Article, language: str) -> str:
    if language not in CODES:
        raise NotFound(f"no language {language!r}; languages are {', '.join(CODES)}")
    if language == article.language:
        raise ValidationFailed(
            FieldError("language", f"{language} is the article's own language: edit the article")
        )
    return language


def translatable(session: Session, public_id: str, language: str) -> Article:
    """The article, if ``language`` is one it can be translated into (404 / 422 otherwise)."""
    article = _article(session, public_id)
    _translation_language(article, language)
    return article


def get_translation(session: Session, public_id: str, language: str) -> tuple[Article, Any]:
    article = translatable(session, public_id, language)
    variant = article.variant(language)
    if variant is None:
        raise NotFound(f"article {public_id!r} has no {language} translation yet")
    return article, variant


def parse_translation(payload: Any) -> dict[str, str]:
    """An editor's translation: ``{title, summary, body_html, image: {caption, alt}}``."""
    errors = FieldErrors()
    if not isinstance(payload, dict):
        errors.add("body", "must be a JSON object")
        errors.raise_if_any()
    # What GET answers may be sent back as it came; ``revision`` is the caller's to check.
    allowed = {
        "title", "summary", "body_html", "image", "language", "origin", "source_revision",
        "revision",
    }  # fmt: skip
    for name in sorted(set(payload) - allowed):
        errors.add(name, "unknown field")
    out: dict[str, str] = {}

    def text(name: str, value: Any, maximum: int, required: bool = False) -> str:
        if not isinstance(value, str):
            errors.add(name, "must be a string")
            return ""
        clean = plain_text(value)
        if required and not clean:
            errors.add(name, "must not be empty")
        if len(clean) > maximum:
            errors.add(name, f"must be at most {maximum} characters")
        return clean

    out["title"] = text("title", payload.get("title", ""), 1000, required=True)
    out["summary"] = text("summary", payload.get("summary", ""), 10_000)
    body = payload.get("body_html", "")
    if not isinstance(body, str) or len(body) > 500_000:
        errors.add("body_html", "must be an HTML string of at most 500000 characters")
        body = ""
    out["body_html"] = clean_html(body)
    image = payload.get("image") or {}
    if not isinstance(image, dict) or set(image) - {"caption", "alt", "url"}:
        errors.add("image", "must be an object {caption, alt}")
        image = {}
    out["image_caption"] = text("image.caption", image.get("caption", ""), 1000)
    out["image_alt"] = text("image.alt", image.get("alt", ""), 1000)
    errors.raise_if_any()
    return out


def put_translation(
    app: Flask,
    session: Session,
    public_id: str,
    language: str,
    fields: dict[str, str],
    *,
    editor: str = "",
    revision: int | None = None,
    source_revision: int | None = None,
) -> tuple[Article, ArticleVariant]:
    """Store an editor's translation of the article's current revision (origin ``editor``):
    machine refreshes leave it alone unless forced. A restore passes ``revision``, the number
    its history entry must get (the optimistic check), and ``source_revision``, the original's
    revision the restored text was made for (else the current one)."""
    article = _article(session, public_id)
    language = _translation_language(article, language)
    try:
        with db.race_guard(session):
            variant = article_store.set_variant(
                session,
                article,
                language,
                **fields,
                origin="editor",
                source_revision=min(source_revision or article.revision, article.revision),
                engine=None,
                status="ready",
                error=None,
                glossary_stale=False,
                updated_at=utcnow(),
            )
            revision_store.record(
                session,
                article,
                language,
                revision_store.translation_record(variant),
                editor,
                number=revision,
            )
            session.commit()
    except db.LostRace:
        _article(session, public_id)  # 404 when it was deleted meanwhile
        raise Conflict(
            f"article {public_id!r} changed while its {language} translation was stored; "
            "nothing was stored: try again"
        ) from None
    events.notify(
        events.variant_changed,
        app,
        article_id=article.public_id,
        language=language,
        sections=[article.section.slug],
    )
    return article, variant
