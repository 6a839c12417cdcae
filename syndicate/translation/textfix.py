"""Typographic clean-up of model output.

SentencePiece models NFKC-normalise their input, so Chinese output comes back with ASCII ``,.!?``
and stray spaces; English output gets spaces before punctuation.  Placeholders (``⟦n⟧``) are
transparent to every rule: a rule that looks at "the character before" sees through them.
"""

from __future__ import annotations

import re

from syndicate.translation import placeholders, segmenter

_CJK = r"\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "，。！？：；、（）“”‘’「」『』《》【】…—"
_IS_CJK = re.compile(f"[{_CJK}]")
# Placeholders are masked as private-use characters so a single character class covers them.
_MASK_BASE = 0xF0000  # Supplementary Private Use Area-A: never in model output
_MASK = "\U000f0000-\U000ffffd"

_TO_FULLWIDTH = {",": "，", ".": "。", "!": "！", "?": "？", ":": "：", ";": "；"}
_TO_ASCII = {"，": ",", "。": ".", "！": "!", "？": "?", "：": ":", "；": ";", "、": ","}


def fix(text: str, lang: str) -> str:
    """Apply the typography of ``lang`` ("zh" or anything else, treated as English)."""
    masked, tokens = _mask(text)
    fixed = _fix_chinese(masked) if lang == "zh" else _fix_english(masked)
    return _unmask(fixed, tokens)


def join_sentences(sentences: list[str], lang: str) -> str:
    """Chinese puts no space between sentences, except where ASCII text meets a Latin word."""
    if lang != "zh":
        return " ".join(s for s in sentences if s)
    out = ""
    for s in sentences:
        if not s:
            continue
        before, after = placeholders.strip(out)[-1:], placeholders.strip(s)[:1]
        if before.isascii() and before.strip() and after.isascii() and after.isalnum():
            out += " "
        out += s
    return out


def _mask(text: str) -> tuple[str, list[str]]:
    tokens: list[str] = []

    def sub(m: re.Match[str]) -> str:
        tokens.append(m.group(0))
        return chr(_MASK_BASE + len(tokens) - 1)

    return placeholders.PATTERN.sub(sub, text), tokens


def _unmask(text: str, tokens: list[str]) -> str:
    return re.sub(f"[{_MASK}]", lambda m: tokens[ord(m.group(0)) - _MASK_BASE], text)


# Chinese ---------------------------------------------------------------------------------------

# ASCII punctuation that ends a clause: followed by space, end, CJK, a closing quote or a
# placeholder; never between digits ("3.5", "1,000", "10:30") nor in "..." or "://".
_ZH_PUNCT = re.compile(rf"(?<![.:])([,.!?:;])(?![.])(?=\s|$|[{_CJK}{_CJK_PUNCT}{_MASK}\"'])")
_PAREN = re.compile(r"\(([^()]*)\)")
_SPACE_AROUND_FULLWIDTH = re.compile(rf"\s*([{_CJK_PUNCT}])\s*")


def _fix_chinese(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    text = _ZH_PUNCT.sub(_fullwidth_punct, text)
    text = _PAREN.sub(_fullwidth_paren, text)
    text = _SPACE_AROUND_FULLWIDTH.sub(r"\1", text)
    return _drop_spaces_between_cjk(text)


def _fullwidth_punct(m: re.Match[str]) -> str:
    mark = m.group(1)
    if mark == "." and segmenter.ends_with_abbreviation(m.string[: m.start()]):
        return mark  # "KINGDOM Coffee Inc. 的" keeps its abbreviation
    return _TO_FULLWIDTH[mark]


def _fullwidth_paren(m: re.Match[str]) -> str:
    inner = m.group(1)
    if _IS_CJK.search(inner) or _IS_CJK.search(m.string[max(0, m.start() - 1) : m.start()]):
        return f"（{inner.strip()}）"
    return m.group(0)


def _drop_spaces_between_cjk(text: str) -> str:
    """Remove a space whose nearest visible neighbours on both sides are CJK (placeholders and
    other spaces in between are looked through)."""

    def visible(i: int, step: int) -> str:
        while 0 <= i < len(text):
            ch = text[i]
            if not ch.isspace() and not _is_mask(ch):
                return ch
            i += step
        return ""

    out = []
    for i, ch in enumerate(text):
        if ch == " " and _cjkish(visible(i - 1, -1)) and _cjkish(visible(i + 1, 1)):
            continue
        out.append(ch)
    return "".join(out)


def _cjkish(ch: str) -> bool:
    return bool(ch) and (bool(_IS_CJK.match(ch)) or ch in _CJK_PUNCT)


def _is_mask(ch: str) -> bool:
    return _MASK_BASE <= ord(ch) <= 0xFFFFD


# English ---------------------------------------------------------------------------------------

_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.!?:;%)\]}])")
_SPACE_AFTER_OPEN = re.compile(r"([(\[{])\s+")
# "word,word" and "你好,世界" (NFKC turned "，" into ","): a comma wants a space after it.  Full
# stops only before CJK, so "example.com" and "3.5" stay intact.
_MISSING_SPACE = re.compile(rf"(?:([,;])(?=[^\W\d_]|[{_MASK}])|([.!?:])(?=[{_CJK}]))")


def _fix_english(text: str) -> str:
    text = re.sub(
        r"[，。！？：；、]",
        lambda m: _TO_ASCII[m.group(0)] + " ",
        text.replace("（", " (").replace("）", ") "),
    )
    text = re.sub(r"\s+", " ", text).strip()
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    text = _SPACE_AFTER_OPEN.sub(r"\1", text)
    return _MISSING_SPACE.sub(lambda m: (m.group(1) or m.group(2)) + " ", text)
