"""Import of articles from JSON Lines: idempotent by id, one report line per bad line."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import orjson
from sqlalchemy.orm import Session

from syndicate.editorial import articles, payloads
from syndicate.editorial.representation import article_json
from syndicate.errors import SyndicateError
from syndicate.storage import articles as article_store


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


COMPARED = ("section", "title", "summary", "body_html", "author", "source", "image", "tags",
            "canonical_url", "status")  # fmt: skip


def _same(article, fields) -> bool:
    current = article_json(article)
    for name in COMPARED:
        if name not in fields:
            continue
        value = fields[name]
        if name == "image" and value is not None:
            value = {"url": value.url, "caption": value.caption, "alt": value.alt}
        if current[name] != value:
            return False
    return True


def import_lines(session: Session, lines: Iterable[str | bytes]) -> ImportReport:
    report = ImportReport()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            payload = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            report.errors.append((number, f"not valid JSON: {exc}"))
            continue
        try:
            if isinstance(payload, dict):
                payload.pop("revision", None)  # the file is authoritative, not an edit
                payload.pop("translations", None)
            fields = payloads.parse_article(payload, partial=False)
            if "id" not in fields:
                report.errors.append((number, "id: is required for an import"))
                continue
            existing = article_store.get(session, fields["id"])
            if existing is None:
                articles.create(session, fields)
                report.created += 1
            elif _same(existing, fields):
                report.unchanged += 1
            else:
                articles.update(session, fields["id"], fields, expected_revision=existing.revision)
                report.updated += 1
        except SyndicateError as exc:
            session.rollback()
            report.errors.append((number, exc.detail))
    return report
