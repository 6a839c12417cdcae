"""A readable diff of two revisions: text, not HTML soup.

A body is turned into lines of text, one per block (paragraph, heading, list item, quote, table
row, caption), with a light marker for the kind of block ("## " for a heading, "• " for a list
item, "> " for a quote); links keep their address in brackets. Lines are compared with difflib,
and a changed line shows the words (for Chinese: the characters) that changed inside it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import lxml.html
from lxml import etree

BLOCKS = {
    "p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "tr", "figcaption", "pre", "dt", "dd",
}  # fmt: skip
MARKERS = {"h2": "## ", "h3": "### ", "h4": "#### ", "li": "• ", "blockquote": "> "}
_TOKENS = re.compile(r"[\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]|\w+|\s+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Part:
    kind: str  # same | removed | added
    text: str


@dataclass(frozen=True, slots=True)
class Line:
    kind: str  # same | removed | added | changed
    parts: tuple[Part, ...]


def _text(element) -> str:
    pieces = []
    for node in element.iter():
        if node is not element and node.tag in BLOCKS:
            continue
        if node.tag == "a" and node.get("href"):
            pieces.append(f"{node.text_content()} [{node.get('href')}]")
            pieces.append(node.tail or "")
            continue
        if node.tag == "img":
            pieces.append(f"[{node.get('alt') or node.get('src') or ''}]")
        if node.tag in ("td", "th") and "".join(pieces).strip():
            pieces.append(" | ")
        pieces.append(node.text or "")
        if node is not element:
            pieces.append(node.tail or "")
    return " ".join("".join(pieces).split())


def html_lines(body_html: str) -> list[str]:
    if not (body_html or "").strip():
        return []
    try:
        root = lxml.html.fragment_fromstring(body_html, create_parent="div")
    except (etree.LxmlError, ValueError):
        return body_html.splitlines()
    lines = []
    if root.text and root.text.strip():
        lines.append(root.text.strip())
    for element in root.iter():
        if element.tag in BLOCKS and not any(a.tag in BLOCKS for a in element.iterancestors()):
            text = _text(element)
            if text:
                lines.append(MARKERS.get(element.tag, "") + text)
        elif element.tag == "img" and element.getparent() is root:
            lines.append(f"[{element.get('alt') or element.get('src')}]")
    return lines


def _words(before: str, after: str) -> tuple[Part, ...]:
    a, b = _TOKENS.findall(before), _TOKENS.findall(after)
    parts: list[Part] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(Part("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(Part("removed", "".join(a[i1:i2])))
        if j2 > j1:
            parts.append(Part("added", "".join(b[j1:j2])))
    return tuple(parts)


def lines_diff(before: list[str], after: list[str]) -> list[Line]:
    out: list[Line] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out += [Line("same", (Part("same", line),)) for line in before[i1:i2]]
        elif op == "replace" and i2 - i1 == j2 - j1:
            out += [
                Line("changed", _words(old, new))
                for old, new in zip(before[i1:i2], after[j1:j2], strict=True)
            ]
        else:
            out += [Line("removed", (Part("removed", line),)) for line in before[i1:i2]]
            out += [Line("added", (Part("added", line),)) for line in after[j1:j2]]
    return out


def value_lines(name: str, value) -> list[str]:
    """A stored field as lines of text."""
    if value in (None, "", []):
        return []
    if name == "body_html":
        return html_lines(value)
    if name == "tags":
        return [", ".join(value)]
    if name == "image" and isinstance(value, dict):
        return [value.get("url") or "", value.get("caption") or "", value.get("alt") or ""]
    return [str(value)]


def fields_diff(before: dict, after: dict, names) -> list[tuple[str, list[Line]]]:
    """``(field, lines)`` for every field that differs."""
    changed = []
    for name in names:
        if before.get(name) != after.get(name):
            lines = lines_diff(
                value_lines(name, before.get(name)), value_lines(name, after.get(name))
            )
            changed.append((name, lines))
    return changed
