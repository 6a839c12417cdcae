"""Words the desk shows for stored codes (origins, statuses), translated where they are shown."""

from __future__ import annotations

from syndicate.web.desk.context import _


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated when shown (the language is known then)."""
    return message


ORIGINS = {"source": N_("original"), "machine": N_("machine"), "editor": N_("editor")}
ARTICLE_STATUSES = {
    "draft": N_("draft"),
    "scheduled": N_("scheduled"),
    "published": N_("published"),
}
TRANSLATION_STATUSES = {"ready": N_("ready"), "failed": N_("failed"), "missing": N_("missing")}
TRANSLATION_FILTERS = {
    "stale": N_("stale"),
    "failed": N_("failed"),
    "missing": N_("missing"),
}
JOB_STATUSES = {
    "queued": N_("queued"),
    "running": N_("running"),
    "done": N_("done"),
    "failed": N_("failed"),
    "superseded": N_("superseded"),
}


def label(table: dict[str, str], code: str | None) -> str:
    if code is None or code not in table:
        return code or ""
    return _(table[code])
