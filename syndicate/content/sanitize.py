"""HTML sanitizing with nh3 (ammonia): bodies are stored clean, so every reader of them is safe."""

from __future__ import annotations

import html
import re

import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dfn", "div",
    "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong",
    "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
}  # fmt: skip
GLOBAL_ATTRIBUTES = {"lang", "title", "translate", "dir"}
ALLOWED_ATTRIBUTES = {
    "*": GLOBAL_ATTRIBUTES,
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "time": {"datetime"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}

# XML 1.0 forbids these; feeds must never contain them (and lxml refuses them).
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def strip_illegal(text: str) -> str:
    return _ILLEGAL_XML.sub("", text)


def clean_html(html: str) -> str:
    """Remove scripts, event handlers, javascript: URLs and every tag not listed above."""
    return nh3.clean(
        strip_illegal(html),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    ).strip()


def plain_text(text: str) -> str:
    """Titles, summaries, captions: plain text, one line of collapsed white space."""
    text = strip_illegal(text)
    if "<" in text or "&" in text:
        # Tags are dropped (their text kept); entities decoded: a title is text, not markup.
        text = html.unescape(nh3.clean(text, tags=set(), clean_content_tags={"script", "style"}))
    return " ".join(text.split())
