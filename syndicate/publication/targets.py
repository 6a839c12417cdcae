"""What a change makes dirty, recorded in the change's own transaction (the outbox).

``watch(sessionmaker)`` hooks the storage sessions: after each flush it notes the published
articles, translations and sections that changed (with their old values: a move, an unpublish),
and just before the commit it turns them into outbox targets, so the change and "these
documents must be rendered again" commit together or not at all.

Targets (strings, one outbox row each, so a burst of edits coalesces):

- ``current:<lang>:<section>``: the subscription document of a feed;
- ``at:<lang>:<section>:<published_at>:<article id>``: the archive page holding that position
  (rendered again only if it was already published);
- ``archive:<lang>:<section>:<n>``: archive page ``n``;
- ``sweep:<lang>:<section>``: everything of a feed (a section renamed, moved or deleted);
- ``opml``: the feed list;
- ``sitemap:<n>``: the sitemap child of article id block ``n`` (``sitemap.xml`` itself while
  the sitemap is one file), ``sitemap:sections``, ``sitemap:index``, ``sitemap:news`` (the
  Google News sitemap, also marked by the worker's scheduler as time passes), ``sitemap:all``
  and ``robots`` (see ``syndicate.feed.sitemap`` and ``sitemaps``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, attributes

from syndicate.feed import sitemap
from syndicate.feed.urls import ALL
from syndicate.languages import CODES
from syndicate.storage import outbox
from syndicate.storage import sections as section_store
from syndicate.storage.models import Article, ArticleVariant, Section, utcnow

KEY = "syndicate.publication.pending"
#: Most urgent first: what subscribers poll, then archives and the feed list.
PRIORITY = {
    "current": 0,
    "sweep": 0,
    "at": 1,
    "archive": 1,
    "opml": 1,
    # Crawlers read sitemaps far less often than readers poll feeds.
    "sitemap": 2,
    "robots": 2,
}
SITEMAP_ALL = "sitemap:all"
SITEMAP_INDEX = "sitemap:index"
SITEMAP_SECTIONS = "sitemap:sections"
SITEMAP_NEWS = "sitemap:news"
ROBOTS = "robots"


@dataclass
class Pending:
    #: (section id, (published_at, article id)) of articles feeds show(ed)
    positions: set[tuple[int, tuple[datetime, int]]] = field(default_factory=set)
    sweeps: set[str] = field(default_factory=set)  # section slugs
    currents: set[str] = field(default_factory=set)
    opml: bool = False

    def __bool__(self) -> bool:
        return bool(self.positions or self.sweeps or self.currents or self.opml)


def current(language: str, section: str) -> str:
    return f"current:{language}:{section}"


def archive(language: str, section: str, number: int) -> str:
    return f"archive:{language}:{section}:{number}"


def sweep(language: str, section: str) -> str:
    return f"sweep:{language}:{section}"


def at(language: str, section: str, position: tuple[datetime, int]) -> str:
    return f"at:{language}:{section}:{position[0].timestamp():.6f}:{position[1]}"


def sitemap_block(number: int) -> str:
    return f"sitemap:{number}"


def with_priority(targets) -> list[tuple[str, int]]:
    return [(t, PRIORITY[t.split(":", 1)[0]]) for t in targets]


def everything(session: Session) -> list[tuple[str, int]]:
    """Every feed, the feed list, the sitemaps and robots.txt (a first publication,
    ``syndicate publish``)."""
    slugs = [ALL, *(s.slug for s in section_store.list_all(session))]
    feeds = [sweep(c, s) for s in slugs for c in CODES]
    return with_priority([*feeds, "opml", SITEMAP_ALL, SITEMAP_NEWS, ROBOTS])


def _aware(moment: datetime) -> datetime:
    # A value an editor just set has not been through the UTC column type yet.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _old(obj, name: str):
    history = attributes.get_history(obj, name)
    return history.deleted[0] if history.deleted else getattr(obj, name)


def _note_article(pending: Pending, article: Article, *, deleted: bool) -> None:
    state = inspect(article)
    new_status = article.status
    old_status = new_status if state.pending else _old(article, "status")
    if old_status == "published" and not state.pending:
        old_at = _old(article, "published_at")
        if old_at is not None:
            pending.positions.add((_old(article, "section_id"), (old_at, article.id)))
    if new_status == "published" and not deleted and article.published_at is not None:
        pending.positions.add((article.section_id, (article.published_at, article.id)))


def _note_section(pending: Pending, section: Section, *, new: bool) -> None:
    pending.opml = True
    if new:
        pending.currents.add(section.slug)
        return
    pending.sweeps.add(section.slug)
    old_parent = _old(section, "parent_id")
    if old_parent != section.parent_id:
        # Its articles leave the old ancestors' feeds and join the new ones'.
        # (``all`` holds every article wherever it is: it does not change.)
        for parent in (old_parent, section.parent_id):
            if parent is not None:
                pending.sweeps.add(f"#{parent}")


def _after_flush(session: Session, _context) -> None:
    pending = session.info.setdefault(KEY, Pending())
    with session.no_autoflush:
        for obj in session.new:
            if isinstance(obj, Article):
                _note_article(pending, obj, deleted=False)
            elif isinstance(obj, ArticleVariant):
                _note_variant(session, pending, obj)
            elif isinstance(obj, Section):
                _note_section(pending, obj, new=True)
        for obj in session.dirty:
            if isinstance(obj, Article) and session.is_modified(obj):
                _note_article(pending, obj, deleted=False)
            elif isinstance(obj, ArticleVariant) and session.is_modified(obj):
                _note_variant(session, pending, obj)
            elif isinstance(obj, Section) and session.is_modified(obj):
                _note_section(pending, obj, new=False)
        for obj in session.deleted:
            if isinstance(obj, Article):
                _note_article(pending, obj, deleted=True)
            elif isinstance(obj, ArticleVariant):
                _note_variant(session, pending, obj)
            elif isinstance(obj, Section):
                _note_section(pending, obj, new=False)


def _note_variant(session: Session, pending: Pending, variant: ArticleVariant) -> None:
    article = session.get(Article, variant.article_id)
    if article is not None and article.status == "published" and article.published_at:
        pending.positions.add((article.section_id, (article.published_at, article.id)))


def resolve(
    session: Session, pending: Pending, *, block_size: int = sitemap.block_size(sitemap.MAX_URLS)
) -> list[tuple[str, int]]:
    """The outbox targets of what ``pending`` noted (``block_size``: article ids per sitemap
    child)."""
    by_id = {s.id: s for s in section_store.list_all(session)}

    def chain(section_id: int | None) -> list[str]:
        slugs, seen = [ALL], set()
        row = by_id.get(section_id)
        while row is not None and row.id not in seen:
            seen.add(row.id)
            slugs.append(row.slug)
            row = by_id.get(row.parent_id)
        return slugs

    found: set[str] = set()
    news_since = utcnow() - sitemap.NEWS_WINDOW - timedelta(minutes=1)  # a clock's leeway
    for section_id, position in pending.positions:
        found.add(sitemap_block(sitemap.block_of(position[1], block_size)))
        if _aware(position[0]) >= news_since:
            found.add(SITEMAP_NEWS)
        for slug in chain(section_id):
            for code in CODES:
                found.add(current(code, slug))
                found.add(at(code, slug, position))
    for name in pending.sweeps:
        slugs = chain(int(name[1:]))[1:] if name.startswith("#") else [name]
        found.update(sweep(code, slug) for slug in slugs for code in CODES)
    for slug in pending.currents:
        found.update(current(code, slug) for code in CODES)
    if pending.opml:  # the sections changed: their pages are listed in the sitemap too
        found.update(("opml", SITEMAP_SECTIONS))
    return with_priority(found)


def gathering(config) -> dict[int, float]:
    """Seconds a newly dirty target waits for more changes, by priority: the sitemaps'
    ``SYNDICATE_SITEMAP_DELAY`` (``outbox.mark``)."""
    return {PRIORITY["sitemap"]: float(config["SYNDICATE_SITEMAP_DELAY"])}


def watch(
    sessionmaker,
    on_marked: Callable[[Session], None],
    *,
    block_size: int = sitemap.block_size(sitemap.MAX_URLS),
    gather: dict[int, float] | None = None,
) -> None:
    """Hook ``sessionmaker``'s sessions; ``on_marked(session)`` runs in the transaction after
    targets were written (to NOTIFY publishers). ``gather``: see ``outbox.mark``."""

    def before_commit(session: Session) -> None:
        session.flush()  # what is still pending is part of this commit: note it first
        pending = session.info.pop(KEY, None)
        if not pending:
            return
        targets = resolve(session, pending, block_size=block_size)
        if targets:
            outbox.mark(session, targets, gather=gather)
            session.info["syndicate.publication.marked"] = True
            on_marked(session)

    def after_rollback(session: Session) -> None:
        session.info.pop(KEY, None)

    event.listen(sessionmaker, "after_flush", _after_flush)
    event.listen(sessionmaker, "before_commit", before_commit)
    event.listen(sessionmaker, "after_soft_rollback", lambda s, _t: after_rollback(s))
