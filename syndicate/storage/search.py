"""Full-text search over every text of every article: originals, machine and editors'
translations, in both languages (the ``article_search`` index, one row per variant).

Chinese has no spaces, so words cannot be told apart without a dictionary. Like Lucene's CJK
analyzer, a run of Han (kana, hangul) characters is indexed as its overlapping bigrams, plus
its last character: ``虹桥国际`` is ``虹桥 桥国 国际 际``. A query run is searched as the phrase
of its bigrams, so ``虹桥`` is found inside ``虹桥国际中央商务区`` and ``桥国`` only where the
characters are adjacent; a single character is a prefix query. Other scripts are words,
casefolded and without accents. The same terms feed both engines (measured on the 100,000
article corpus, see ``benchmarks/search_bench.py``):

- SQLite: an FTS5 table (ranked with bm25, the title weighing more) whose rowid encodes the
  article and the language (``article id * 8 + language index``): reading a stored column of
  each match costs ten times more than its rowid;
- PostgreSQL: a ``tsvector`` per variant (title terms weighted A) under a GIN index, ranked
  with ``ts_rank``; the vector is built here, so the server's text-search parser and locale do
  not matter.

The index is not a model (the tables differ per engine; ``migrations/versions/0006_desk.py``
makes them): a session hook rewrites a variant's row whenever the ORM writes the variant, so
every code path that stores text (editorial services, translation jobs, imports) keeps it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from sqlalchemy import Connection, event, select, text
from sqlalchemy.orm import Session

from syndicate.content.sanitize import plain_text
from syndicate.languages import CODES
from syndicate.storage.models import ArticleVariant

TABLE = "article_search"
MAX_TERMS = 20_000  # a tsvector holds 16,383 positions; a 500 kB body is cut, not refused
MAX_QUERY_TERMS = 32
TITLE_WEIGHT = 4.0  # bm25 column weight of the title over the body (SQLite)
#: Matches ranked per query: the newest ones. Ranking every match of a word found in most of
#: 100,000 articles takes seconds; the newest 1,000 are what a newsroom searches for.
CANDIDATES = 1000
LANGUAGE_SLOTS = 8

_WORD = re.compile(r"[^\W_]+")
_CJK = re.compile(
    r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002ffff]+)"
)
_TAG_START = re.compile(r"<")


def _fold(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _runs(value: str) -> Iterable[tuple[bool, str]]:
    """``(is_cjk, run)`` for each word of ``value``, split where the script changes."""
    for word in _WORD.findall(_fold(value)):
        for index, part in enumerate(_CJK.split(word)):
            if part:
                yield index % 2 == 1, part[:100]


def terms(value: str) -> list[str]:
    out: list[str] = []
    for cjk, run in _runs(value):
        if cjk and len(run) > 1:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
            out.append(run[-1])
        else:
            out.append(run)
    return out


def _body_text(body_html: str) -> str:
    # A space before each tag keeps words of adjacent paragraphs apart.
    return plain_text(_TAG_START.sub(" <", body_html or ""))


def document(variant: ArticleVariant) -> tuple[list[str], list[str]]:
    """(title terms, other terms) of a variant."""
    title = terms(variant.title or "")
    rest = terms(f"{variant.summary or ''} {_body_text(variant.body_html)}")
    return title[:MAX_TERMS], rest[: max(0, MAX_TERMS - len(title))]


# The query -----------------------------------------------------------------------------------


def query_groups(query: str) -> list[tuple[list[str], bool]]:
    """What a query asks for: groups of terms that must be adjacent (a phrase), and whether the
    group is a prefix (a lone CJK character). Every group must match."""
    groups: list[tuple[list[str], bool]] = []
    for cjk, run in _runs(query):
        if cjk and len(run) > 1:
            groups.append(([run[i : i + 2] for i in range(len(run) - 1)], False))
        else:
            groups.append(([run], cjk))
        if len(groups) >= MAX_QUERY_TERMS:
            break
    return groups


def _quoted(term: str, quote: str) -> str:
    return quote + term.replace(quote, quote * 2) + quote


def fts5_query(groups: list[tuple[list[str], bool]]) -> str:
    parts = []
    for group, prefix in groups:
        phrase = _quoted(" ".join(group), '"')
        parts.append(phrase + "*" if prefix else phrase)
    return " AND ".join(parts)


def tsquery(groups: list[tuple[list[str], bool]]) -> str:
    parts = []
    for group, prefix in groups:
        lexemes = [_quoted(t.replace("\\", "\\\\"), "'") for t in group]
        phrase = " <-> ".join(lexemes) + (":*" if prefix else "")
        parts.append(f"({phrase})")
    return " & ".join(parts)


def tsvector(title: list[str], rest: list[str]) -> str:
    positions: dict[tuple[str, str], list[int]] = {}
    for offset, (weight, seq) in enumerate((("A", title), ("D", rest))):
        start = 1 if offset == 0 else len(title) + 2  # no phrase across title and body
        for index, term in enumerate(seq):
            positions.setdefault((term, weight), []).append(min(start + index, 16383))
    entries = []
    for (term, weight), where in positions.items():
        entries.append(
            _quoted(term.replace("\\", "\\\\"), "'")
            + ":"
            + ",".join(f"{p}{weight}" for p in where[:256])
        )
    return " ".join(entries)


def ranks(session, query: str) -> dict[int, float]:
    """``{article id: rank}`` of the articles matching ``query`` among the newest CANDIDATES
    matching texts (lower rank is better); empty when nothing matches or nothing in the query
    is searchable. One query: the caller filters and pages these ids, so the full-text
    search (the expensive part) runs once per request, not once for the count and once for
    the page."""
    groups = query_groups(query)
    if not groups:
        return {}
    if session.get_bind().dialect.name == "sqlite":
        # FTS5 walks the matches newest first and stops at CANDIDATES; its ``rank`` column
        # (bm25, title weighed more) is computed only for those.
        statement = text(
            f"SELECT rowid / {LANGUAGE_SLOTS}, rank FROM {TABLE} "
            f"WHERE {TABLE} MATCH :q AND rank MATCH 'bm25({TITLE_WEIGHT}, 1.0)' "
            "ORDER BY rowid DESC LIMIT :candidates"
        ).bindparams(q=fts5_query(groups), candidates=CANDIDATES)
    else:
        statement = text(
            "SELECT article_id, -ts_rank(terms, query) FROM ("
            f"SELECT article_id, terms, CAST(:q AS tsquery) AS query FROM {TABLE} "
            "WHERE terms @@ CAST(:q AS tsquery) ORDER BY article_id DESC LIMIT :candidates"
            ") AS matches"
        ).bindparams(q=tsquery(groups), candidates=CANDIDATES)
    best: dict[int, float] = {}
    for article_id, rank in session.execute(statement):
        if article_id not in best or rank < best[article_id]:
            best[article_id] = rank
    return best


# Keeping the index -------------------------------------------------------------------------


def index_rows(connection: Connection, rows: Iterable[tuple[int, int, str, list, list]]) -> None:
    """Write ``(variant id, article id, language, title terms, other terms)`` rows."""
    rows = list(rows)
    if not rows:
        return
    if connection.dialect.name == "sqlite":
        keys = [{"id": sqlite_rowid(r[1], r[2])} for r in rows]
        connection.execute(text(f"DELETE FROM {TABLE} WHERE rowid = :id"), keys)
        connection.execute(
            text(
                f"INSERT INTO {TABLE} (rowid, title, body, language) "
                "VALUES (:id, :title, :body, :language)"
            ),
            [
                {
                    "id": sqlite_rowid(r[1], r[2]),
                    "language": r[2],
                    "title": " ".join(r[3]),
                    "body": " ".join(r[4]),
                }
                for r in rows
            ],
        )
    else:
        connection.execute(
            text(
                f"INSERT INTO {TABLE} (variant_id, article_id, language, terms) "
                "VALUES (:id, :article, :language, CAST(:terms AS tsvector)) "
                "ON CONFLICT (variant_id) DO UPDATE SET terms = excluded.terms, "
                "language = excluded.language"
            ),
            [
                {"id": r[0], "article": r[1], "language": r[2], "terms": tsvector(r[3], r[4])}
                for r in rows
            ],
        )


def sqlite_rowid(article_id: int, language: str) -> int:
    return article_id * LANGUAGE_SLOTS + language_slot(language)


def language_slot(language: str) -> int:
    return CODES.index(language) if language in CODES else LANGUAGE_SLOTS - 1


def _variant_row(variant: ArticleVariant) -> tuple[int, int, str, list, list]:
    title, rest = document(variant)
    return variant.id, variant.article_id, variant.language, title, rest


@event.listens_for(Session, "after_flush")
def _reindex(session: Session, _context) -> None:
    changed = [
        obj
        for obj in (*session.new, *session.dirty)
        if isinstance(obj, ArticleVariant) and obj.id is not None and obj.article_id is not None
    ]
    if changed:
        index_rows(session.connection(), (_variant_row(v) for v in changed))


def rebuild(connection: Connection, batch: int = 1000) -> int:
    """Index every variant again (after bulk inserts, which bypass the session hook)."""
    connection.execute(text(f"DELETE FROM {TABLE}"))
    done = 0
    last = 0
    columns = (
        ArticleVariant.id,
        ArticleVariant.article_id,
        ArticleVariant.language,
        ArticleVariant.title,
        ArticleVariant.summary,
        ArticleVariant.body_html,
    )
    while True:
        rows = connection.execute(
            select(*columns)
            .where(ArticleVariant.id > last)
            .order_by(ArticleVariant.id)
            .limit(batch)
        ).all()
        if not rows:
            return done
        index_rows(connection, (_row_terms(*row) for row in rows))
        done += len(rows)
        last = rows[-1][0]


def _row_terms(variant_id, article_id, language, title, summary, body_html):
    variant = ArticleVariant(title=title, summary=summary, body_html=body_html)
    title_terms, rest = document(variant)
    return variant_id, article_id, language, title_terms, rest
