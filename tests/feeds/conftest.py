"""The demo newsroom, with translations written straight to storage (the translation engine is
another layer): machine translations both ways, an editor's translation and a failed one."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from syndicate import publication
from syndicate.editorial import demo
from syndicate.storage import articles as article_store
from syndicate.storage import db
from syndicate.storage.models import Article
from tests.conftest import make_app

BASE = "https://news.example.com"
ENGINE = {"zh": "argos:translate-en_zh@1.0", "en": "argos:translate-zh_en@1.0"}

#: public id -> (language translated into, origin, status)
TRANSLATIONS = {
    "2023-06-01-hongqiao-yrd-forum-links": ("zh", "machine", "ready"),
    "2023-07-03-hongqiao-livestream-trade-pavilion": ("zh", "machine", "ready"),
    "2023-07-10-hongqiao-ip-service-center": ("zh", "machine", "ready"),
    "2023-07-17-hongqiao-hq-economy-h1": ("en", "machine", "ready"),
    "2023-07-14-hongqiao-hub-summer-peak": ("en", "machine", "ready"),
    "2023-06-26-kingdom-coffee-yrd-roastery": ("en", "editor", "ready"),
    "2023-06-08-hongqiao-near-zero-carbon-tower": ("zh", "machine", "failed"),
}
DEMO_SECTIONS = (
    "top-news",
    "hongqiao-yrd",
    "industrial-cooperation",
    "yrd-integration",
    "business",
    "transportation",
)
DRAFT = "2023-07-20-hongqiao-autumn-exhibition-calendar"
#: Published 2023-07-16T23:30Z: July 16 in UTC, July 17 in Shanghai.
MIDNIGHT = "2023-07-17-hongqiao-hq-economy-h1"


def translated_title(title: str, language: str) -> str:
    return f"{title}（译文）" if language == "zh" else f"{title} (translated)"


def translate(session: Session, public_id: str, language: str, origin: str = "machine", **extra):
    """Store a translation as the translation layer would (storage, not a mock)."""
    article = article_store.get(session, public_id)
    source = article.original
    fields = {
        "title": translated_title(source.title, language),
        "summary": f"[{language}] {source.summary}",
        "body_html": source.body_html,  # keeps the original's links, relative ones included
        "image_caption": f"[{language}] {source.image_caption}",
        "image_alt": f"[{language}] {source.image_alt}",
        "origin": origin,
        "source_revision": article.revision,
        "engine": ENGINE[language] if origin == "machine" else None,
        "status": "ready",
        # Translations arrive after the edit they translate.
        "created_at": article.updated_at + timedelta(hours=1),
        "updated_at": article.updated_at + timedelta(hours=1),
    }
    fields.update(extra)
    return article_store.set_variant(session, article, language, **fields)


@contextmanager
def session_of(app: Flask) -> Iterator[Session]:
    with app.app_context(), db.database(app).session() as session:
        yield session


def published_articles(session: Session) -> list[Article]:
    """Every published article as ORM objects, oldest first: what sitemaps must list, read
    independently of the sitemaps' own query."""
    query = select(Article).where(Article.status == "published")
    return list(session.scalars(query.order_by(Article.published_at, Article.id)))


def load_demo(app: Flask) -> None:
    with session_of(app) as session, publication.deferred(app):
        # This module's own translations only (the demo's editor translations would add to them).
        _created, report = demo.load(session, translations=False)
        assert report.ok, report.errors
    with session_of(app) as session:
        for public_id, (language, origin, status) in TRANSLATIONS.items():
            error = "model crashed" if status == "failed" else None
            translate(session, public_id, language, origin, status=status, error=error)


@pytest.fixture
def make_demo_app(tmp_path) -> Iterator[Callable[..., Flask]]:
    """``make_demo_app(url, **settings)``: an app on ``url`` with the demo and translations,
    loaded by the first app on that database; later ones (other settings) share the content."""
    apps: list[Flask] = []
    loaded: set[str] = set()

    def factory(database_url: str, **settings) -> Flask:
        overrides = {"SYNDICATE_BASE_URL": BASE, "SYNDICATE_AUTO_TRANSLATE": False, **settings}
        app = make_app(tmp_path / f"app{len(apps)}", database_url, **overrides)
        apps.append(app)
        if database_url not in loaded:
            load_demo(app)
            loaded.add(database_url)
        return app

    yield factory
    for app in apps:
        db.database(app).dispose()


@pytest.fixture
def demo_app(make_demo_app, sqlite_url) -> Flask:
    """The demo on SQLite, default settings (untranslated articles hidden)."""
    return make_demo_app(sqlite_url)
