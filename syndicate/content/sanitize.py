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
    cleaned = nh3.clean(
        strip_illegal(html),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    # Character references (&#1;, &#xFFFE;) decode to characters XML forbids: the stored text
    # must be what every feed can carry, so the API and the feeds never disagree.
    return strip_illegal(cleaned).strip()


# Elements a plain-text field may arrive wrapped in (pasted from a page): HTML, SVG, MathML.
# Anything else between < and > is text ("Ann Lee <ann@example.com>", "a <3 b", "]]>").
_ELEMENT_NAMES = """a abbr address area article aside audio b base bdi bdo blockquote body br
    button canvas
    caption cite code col colgroup data datalist dd del details dfn dialog div dl dt em embed
    fieldset figcaption figure font footer form frame frameset h1 h2 h3 h4 h5 h6 head header hr
    html i iframe img input ins kbd label legend li link main map mark marquee math menu meta
    meter nav noscript object ol optgroup option output p param picture pre progress q rp rt
    ruby s samp script section select slot small source span strike strong style sub summary
    sup svg table tbody td template textarea tfoot th thead time title tr track tt u ul var
    video wbr animate circle defs ellipse foreignobject g image line lineargradient mi mo mn
    path polygon polyline rect set stop text tspan use xmp"""
_ELEMENTS = frozenset(_ELEMENT_NAMES.split())
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)(?:\s[^<>]*)?/?>")
_HIDDEN = re.compile(r"<(script|style)\b[^<>]*>.*?(?:</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)


def _drop_tag(match: re.Match) -> str:
    return "" if match.group(1).lower() in _ELEMENTS else match.group(0)


def plain_text(text: str) -> str:
    """Titles, summaries, captions: plain text, one line of collapsed white space.

    Markup pasted in is dropped (HTML elements' tags, scripts and styles with their content,
    comments), entities are decoded; everything else, '<' and ']]>' included, is kept as text.
    """
    text = strip_illegal(text)
    if "<" in text:
        text = _TAG.sub(_drop_tag, _COMMENT.sub("", _HIDDEN.sub("", text)))
    if "&" in text:
        text = strip_illegal(html.unescape(text))
    return " ".join(text.split())
