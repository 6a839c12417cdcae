"""Placeholder tokens that stand in for markup and glossary terms while a segment is translated.

``⟦3⟧`` opens (or stands alone), ``⟦/3⟧`` closes.  The brackets are U+27E6/U+27E7: NFKC leaves
them alone, real source text almost never contains them, and they carry no letters (the tiny test
model upper-cases a–z, a real model may translate words).  With byte-fallback SentencePiece models
they round-trip as bytes; with vocabularies lacking them CTranslate2's ``replace_unknowns`` copies
the source piece.  Models still drop or mangle them sometimes, so every consumer has a fallback.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

OPEN, CLOSE = "⟦", "⟧"
# Lenient on the way back: models like to add spaces inside or turn digits full-width (NFKC
# already maps those back, but restore may run on text that never went through SentencePiece).
PATTERN = re.compile(r"⟦\s*(/?)\s*(\d+)\s*⟧")
# Source text must not forge placeholders: swap the brackets for look-alikes outside the syntax.
_FORGERY = str.maketrans({OPEN: "〚", CLOSE: "〛"})


def token(index: int, *, closing: bool = False) -> str:
    return f"{OPEN}{'/' if closing else ''}{index}{CLOSE}"


def defang(text: str) -> str:
    """Make literal source text safe to mix with placeholders."""
    return text.translate(_FORGERY)


def indices(text: str) -> set[int]:
    return {int(m.group(2)) for m in PATTERN.finditer(text)}


def next_free(text: str) -> int:
    return max(indices(text), default=0) + 1


def strip(text: str) -> str:
    """The text without any placeholder (what a reader would see if all markup vanished)."""
    return PATTERN.sub("", text)


def iter_tokens(text: str) -> Iterator[tuple[str, str | int]]:
    """Yield ("text", str), ("open", n) and ("close", n) in order."""
    pos = 0
    for m in PATTERN.finditer(text):
        if m.start() > pos:
            yield "text", text[pos : m.start()]
        yield ("close" if m.group(1) else "open"), int(m.group(2))
        pos = m.end()
    if pos < len(text):
        yield "text", text[pos:]


def renumber(text: str, mapping: dict[int, int]) -> str:
    """Rewrite indices through ``mapping``; placeholders not in it are dropped (hallucinated)."""
    dropped = False

    def sub(m: re.Match[str]) -> str:
        nonlocal dropped
        new = mapping.get(int(m.group(2)))
        if new is None:
            dropped = True
            return ""
        return token(new, closing=bool(m.group(1)))

    out = PATTERN.sub(sub, text)
    if dropped:  # don't leave "word  word" or "word ." where it was
        out = re.sub(r" +(?=[,.!?;:，。！？；：]|$)", "", re.sub(r"(?<=\S)  +(?=\S)", " ", out))
    return out
