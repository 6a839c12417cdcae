"""The baseline: feeds served the way a typical Flask + feedgen tutorial does it.

Every request queries the database and renders the feed with feedgen; a gzip ``after_request``
hook compresses per request, and ``make_conditional`` answers If-None-Match with a 304 only
after rendering (the ETag is a hash of the rendered bytes). No caching anywhere. It reads the
same database as syndicate (``NAIVE_DATABASE_URL``, default ``SYNDICATE_DATABASE_URL``), with
syndicate's models.

    NAIVE_DATABASE_URL=sqlite:////tmp/bench.db gunicorn -w 2 benchmarks.naive_app:app
"""

from __future__ import annotations

import gzip
import json
import os

from feedgen.feed import FeedGenerator
from flask import Flask, Response, abort, request
from sqlalchemy import create_engine, select
from sqlalchemy.orm import sessionmaker

from syndicate.storage.models import Article, Section

BASE_URL = os.environ.get("SYNDICATE_BASE_URL", "https://news.example.com").rstrip("/")
DATABASE_URL = os.environ.get("NAIVE_DATABASE_URL") or os.environ["SYNDICATE_DATABASE_URL"]
PAGE_SIZE = int(os.environ.get("SYNDICATE_PAGE_SIZE", "50"))

app = Flask(__name__)
engine = create_engine(DATABASE_URL)
Session = sessionmaker(engine)


@app.after_request
def compress(response: Response) -> Response:
    if (
        "gzip" in request.headers.get("Accept-Encoding", "")
        and response.status_code == 200
        and not response.direct_passthrough
    ):
        response.set_data(gzip.compress(response.get_data(), 6))
        response.headers["Content-Encoding"] = "gzip"
        response.headers["Vary"] = "Accept-Encoding"
    return response


def build_feed(language: str, slug: str) -> FeedGenerator:
    with Session() as session:
        section = session.scalar(select(Section).where(Section.slug == slug))
        if section is None:
            abort(404)
        articles = session.scalars(
            select(Article)
            .where(Article.section_id == section.id, Article.status == "published")
            .order_by(Article.published_at.desc())
            .limit(PAGE_SIZE)
        ).all()
        fg = FeedGenerator()
        fg.load_extension("dc")
        fg.id(f"{BASE_URL}/feeds/{language}/{slug}")
        fg.title(getattr(section, f"name_{language}") or section.name_en)
        fg.description(getattr(section, f"description_{language}") or section.name_en)
        fg.link(href=f"{BASE_URL}/{language}/{slug}/", rel="alternate")
        fg.language(language)
        if articles:
            fg.updated(max(article.updated_at for article in articles))
        for article in articles:
            variant = article.variant(language) or article.original
            url = f"{BASE_URL}/{language}/articles/{article.public_id}"
            entry = fg.add_entry(order="append")
            entry.id(url)
            entry.guid(url, permalink=True)
            entry.title(variant.title)
            entry.link(href=url)
            entry.description(variant.summary or variant.title)
            entry.content(variant.body_html, type="CDATA")
            entry.published(article.published_at)
            entry.updated(article.updated_at)
            entry.dc.dc_creator(article.author)
            for tag in article.tags:
                entry.category(term=tag)
            if article.image_url:
                entry.enclosure(BASE_URL + article.image_url, "0", "image/jpeg")
        return fg


def json_feed(fg: FeedGenerator, language: str, slug: str) -> bytes:
    items = [
        {
            "id": entry.id(),
            "url": entry.link()[0]["href"],
            "title": entry.title(),
            "summary": entry.description(),
            "content_html": entry.content()["content"],
            "date_published": entry.published().isoformat(),
            "date_modified": entry.updated().isoformat(),
        }
        for entry in fg.entry()
    ]
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": fg.title(),
        "home_page_url": f"{BASE_URL}/{language}/{slug}/",
        "feed_url": f"{BASE_URL}/feeds/{language}/{slug}.json",
        "language": language,
        "items": items,
    }
    return json.dumps(feed, ensure_ascii=False).encode()


@app.route("/feeds/<language>/<slug>.<fmt>")
def feed(language: str, slug: str, fmt: str):
    if language not in ("en", "zh") or fmt not in ("rss", "atom", "json"):
        abort(404)
    fg = build_feed(language, slug)
    if fmt == "rss":
        response = Response(fg.rss_str(pretty=True), mimetype="application/rss+xml")
    elif fmt == "atom":
        response = Response(fg.atom_str(pretty=True), mimetype="application/atom+xml")
    else:
        response = Response(json_feed(fg, language, slug), mimetype="application/feed+json")
    response.add_etag()
    return response.make_conditional(request)
