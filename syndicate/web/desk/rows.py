"""What the desk shows of articles, translations and jobs: plain values, ready for templates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, g, url_for
from sqlalchemy.orm import Session

from syndicate.feed import labels as feed_labels
from syndicate.feed.urls import article_url
from syndicate.i18n.dates import local_datetime
from syndicate.languages import CODES, LANGUAGES, tag
from syndicate.storage import jobs as job_store
from syndicate.storage.models import Article, ArticleVariant, TranslationJob
from syndicate.translation.service import is_stale
from syndicate.web.desk import labels
from syndicate.web.desk.messages import localize


def when(value: datetime | None) -> str:
    if value is None:
        return ""
    return local_datetime(value, g.language, current_app.config["SYNDICATE_TIMEZONE"])


@dataclass(frozen=True, slots=True)
class JobView:
    id: int
    status: str
    status_label: str
    progress: float
    error: str | None
    detail: str | None
    finished: bool
    article_id: str
    article_title: str
    article_tag: str
    language: str
    language_name: str
    language_tag: str

    @property
    def percent(self) -> int:
        return round(100 * (1.0 if self.status == job_store.DONE else self.progress))

    def json(self) -> dict:
        return {
            "id": self.id,
            "status": self.status,
            "status_label": self.status_label,
            "progress": self.progress,
            "percent": self.percent,
            "error": self.error if self.status == job_store.FAILED else None,
            "detail": self.detail,
            "finished": self.finished,
            "article": self.article_id,
            "language": self.language,
        }


def job_view(job: TranslationJob) -> JobView:
    article = job.article
    return JobView(
        id=job.id,
        status=job.status,
        status_label=labels.label(labels.JOB_STATUSES, job.status),
        progress=float(job.progress or 0.0),
        error=localize(job.error),
        detail=job.detail,
        finished=job.status in job_store.FINISHED,
        article_id=article.public_id,
        article_title=article.original.title,
        article_tag=tag(article.language),
        language=job.language,
        language_name=feed_labels.language_name(g.language, job.language),
        language_tag=tag(job.language),
    )


@dataclass(frozen=True, slots=True)
class VariantView:
    language: str
    language_name: str  # in its own words ("中文"), marked with its lang
    ui_name: str  # in the desk's language, for sentences ("Chinese")
    tag: str
    is_original: bool
    origin: str
    origin_label: str
    status: str
    status_label: str
    stale: bool
    model: str
    updated: str
    error: str | None
    edit_url: str | None
    job: JobView | None


@dataclass(frozen=True, slots=True)
class ArticleRow:
    public_id: str
    title: str
    tag: str
    language_name: str
    section: str
    status: str
    status_label: str
    revision: int
    updated: str
    published: str  # when it went (or goes, if scheduled) live, in the site's zone
    edit_url: str
    history_url: str
    preview_url: str
    public_url: str | None
    variants: list[VariantView]

    @property
    def jobs(self) -> list[JobView]:
        return [v.job for v in self.variants if v.job is not None]


def _job_shown(job: TranslationJob | None, variant: ArticleVariant | None) -> bool:
    """Running jobs, and a failure the translation shown does not already answer."""
    if job is None or job.status in (job_store.DONE, job_store.SUPERSEDED):
        return False
    if job.status != job_store.FAILED:
        return True
    if variant is None or variant.status == "failed":
        return True
    return job.finished_at is not None and job.finished_at > variant.updated_at


def _variant_view(article: Article, code: str, job: TranslationJob | None) -> VariantView:
    variant = article.variant(code)
    is_original = code == article.language
    status = variant.status if variant is not None else "missing"
    return VariantView(
        language=code,
        language_name=LANGUAGES[code].native_name,
        ui_name=feed_labels.language_name(g.language, code),
        tag=tag(code),
        is_original=is_original,
        origin=variant.origin if variant else "",
        origin_label=labels.label(labels.ORIGINS, variant.origin) if variant else "",
        status=status,
        status_label=labels.label(labels.TRANSLATION_STATUSES, status),
        stale=not is_original and variant is not None and is_stale(article, variant),
        model=(variant.engine or "") if variant else "",
        updated=when(variant.updated_at) if variant else "",
        error=localize(variant.error)
        if variant is not None and variant.status == "failed"
        else None,
        edit_url=None
        if is_original
        else url_for("desk.edit_translation", public_id=article.public_id, language=code),
        job=job_view(job) if _job_shown(job, variant) else None,
    )


def article_rows(session: Session, articles: Sequence[Article]) -> list[ArticleRow]:
    base_url = current_app.config["SYNDICATE_BASE_URL"]
    latest = job_store.latest_for_articles(session, [a.id for a in articles])
    rows = []
    for article in articles:
        original = article.original
        rows.append(
            ArticleRow(
                public_id=article.public_id,
                title=original.title,
                tag=tag(article.language),
                language_name=feed_labels.language_name(g.language, article.language),
                section=feed_labels.section_name(article.section, g.language),
                status=article.status,
                status_label=labels.label(labels.ARTICLE_STATUSES, article.status),
                revision=article.revision,
                updated=when(article.updated_at),
                published=when(article.published_at) if article.status != "draft" else "",
                edit_url=url_for("desk.edit_article", public_id=article.public_id),
                history_url=url_for("desk.article_history", public_id=article.public_id),
                preview_url=url_for("desk.preview_article", public_id=article.public_id),
                public_url=article_url(base_url, article.language, article.public_id)
                if article.status == "published"
                else None,
                variants=[
                    _variant_view(article, code, latest.get((article.id, code)))
                    for code in (article.language, *(c for c in CODES if c != article.language))
                ],
            )
        )
    return rows
