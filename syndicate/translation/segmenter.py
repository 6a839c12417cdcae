"""Offline, rule-based sentence splitting for English and Chinese.

Argos's own splitter needs a downloaded model; ours needs nothing and is fast enough for the web
process.  Sentences are the unit of translation and of the translation memory, so the rules aim
to be stable more than clever: when in doubt, do not split (a longer segment still translates).
Placeholders (``⟦n⟧``/``⟦/n⟧``) are understood: closing ones after a full stop stay with the
sentence they close.

Like the reference splitters Argos ships (Stanza, MiniSBD), ``；`` does not end a Chinese
sentence: it joins clauses.  Chinese run-ons are bounded much tighter than English ones
(``MAX_CHARS``): a Chinese character carries about a word, and OPUS-MT models degrade (drop
clauses, loop) well before their position limit.
"""

from __future__ import annotations

import re

# A terminator run, then closing quotes/brackets and closing placeholders that belong to it.
_CLOSERS = r"(?:[\"'”’»」』）)\]}】〕〉》]|⟦\s*/\s*\d+\s*⟧)*"
_END_RE = re.compile(r"(?:[.!?…]+|[。！？]+)" + _CLOSERS)
_FULLWIDTH_END = frozenset("。！？")
# Longest segment sent to a model, per source language (characters).
MAX_CHARS = {"zh": 300}
DEFAULT_MAX_CHARS = 1000
_OPENERS = re.compile(r"(?:[\"'“‘«「『（(\[{【〔〈《]|⟦\s*\d+\s*⟧)*")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")

# Never end a sentence: titles, months, reference words (followed by a name, date or number).
_ALWAYS_ABBR = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "sen", "rep", "gov", "gen",
    "col", "lt", "capt", "sgt", "rev", "hon", "pres", "messrs", "mme", "jan", "feb", "mar",
    "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "fig", "figs", "vs", "cf",
    "al", "approx", "dept", "est", "vol", "pp", "e.g", "i.e", "viz",
})  # fmt: skip
# Only before a number: "No. 5" but "The answer is no."
_NUMBER_ABBR = frozenset({"no", "nos", "art", "p", "ch", "sec"})
# May end a sentence: split only when the next word is a typical sentence opener.
_MAYBE_ABBR = frozenset({"etc", "inc", "ltd", "co", "corp", "plc", "bros", "llc"})
_STARTERS = frozenset({
    "the", "a", "an", "this", "that", "these", "those", "it", "its", "he", "she", "they", "we",
    "i", "you", "his", "her", "their", "our", "my", "but", "and", "or", "so", "yet", "in",
    "on", "at", "for", "from", "with", "as", "after", "before", "when", "while", "if",
    "however", "meanwhile", "there", "here", "what", "why", "how", "who", "which", "then",
    "still", "also", "some", "many", "most",
})  # fmt: skip
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_DOTTED = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]$")
_NEXT_WORD = re.compile(r"[A-Za-z]+")


def sentence_spans(text: str, lang: str, *, max_chars: int | None = None) -> list[tuple[int, int]]:
    """(start, end) offsets of each sentence, whitespace excluded, in order."""
    max_chars = max_chars or MAX_CHARS.get(lang, DEFAULT_MAX_CHARS)
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _END_RE.finditer(text):
        end = m.end()
        if _is_boundary(text, m.start(), end, lang):
            spans.extend(_trimmed(text, start, end, max_chars))
            start = end
    spans.extend(_trimmed(text, start, len(text), max_chars))
    return spans


def split_sentences(text: str, lang: str, *, max_chars: int | None = None) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text, lang, max_chars=max_chars)]


def _is_boundary(text: str, term_start: int, end: int, lang: str) -> bool:
    rest = text[end:]
    if not rest.strip():
        return False  # the rest is handled as the final sentence
    terminator = text[term_start]
    if terminator in _FULLWIDTH_END:
        return True
    stripped = rest.lstrip()
    if len(stripped) == len(rest):
        # "3.5", "U.S.A", "Hi!there": no space, no boundary; but "好!再见" in Chinese is one.
        return lang == "zh" and terminator in "!?" and bool(_CJK.match(rest))
    following = stripped[_OPENERS.match(stripped).end() :]
    if following[:1].islower():
        return False
    if terminator != "." or text.startswith("..", term_start):
        return True  # "!", "?", "…" and "..." before anything but lower case end a sentence
    return not _abbreviation_blocks(text[:term_start], following)


def ends_with_abbreviation(text: str) -> bool:
    """Whether the full stop after ``text`` likely belongs to an abbreviation ("Mr", "U.S",
    "Inc", an initial), whatever follows."""
    m = _WORD_BEFORE.search(text)
    if not m:
        return False
    word = m.group(1)
    low = word.lower()
    return (
        low in _ALWAYS_ABBR
        or low in _MAYBE_ABBR
        or (len(word) == 1 and word.isupper())
        or bool(_DOTTED.match(word))
    )


def _abbreviation_blocks(before: str, following: str) -> bool:
    m = _WORD_BEFORE.search(before)
    if not m:
        return False
    word = m.group(1)
    low = word.lower()
    next_word = _NEXT_WORD.match(following)
    opener = bool(next_word) and next_word.group(0).lower() in _STARTERS
    if low in _ALWAYS_ABBR:
        return True
    if low in _NUMBER_ABBR:
        return following[:1].isdigit()
    if len(word) == 1 and word.isupper():
        return True  # an initial: "J. K. Rowling"
    if low in _MAYBE_ABBR or _DOTTED.match(word):
        return not opener  # "the U.S. The next…" splits; "U.S. President" does not
    return False


def _trimmed(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        return []
    if end - start <= max_chars:
        return [(start, end)]
    return _split_long(text, start, end, max_chars)


# Strongest first: a clause joined by "；" or ":" is more self-contained than one after a comma.
_CLAUSES = (re.compile(r"[;；:：]"), re.compile(r"[,，、]"))
_SPACE = re.compile(r"\s+")


def _split_long(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """A run-on "sentence" longer than a model's comfort zone: cut after the last strong clause
    mark (else the last comma, else the last space) in the second half of the window, never
    inside a placeholder; only text with none of them is cut at the limit itself."""
    out: list[tuple[int, int]] = []
    while end - start > max_chars:
        window = text[start : start + max_chars]
        cut = next((c for p in _CLAUSES if (c := _last_cut(window, p, 1, 2))), 0)
        cut = cut or _last_cut(window, _CLAUSE_ANY, 1, 4) or _last_cut(window, _SPACE, 0, 4)
        cut = cut or _hard_cut(window)
        out.extend(_trimmed(text, start, start + cut, max_chars))
        start += cut
    out.extend(_trimmed(text, start, end, max_chars))
    return out


_CLAUSE_ANY = re.compile(r"[,;:，；：、]")


def _outside_placeholder(window: str, at: int) -> bool:
    return window.rfind("⟦", 0, at) <= window.rfind("⟧", 0, at)


def _last_cut(window: str, pattern: re.Pattern[str], after: int, part: int) -> int:
    """Offset after the last match in the window's last (part-1)/part, outside placeholders."""
    cut = 0
    for m in pattern.finditer(window, len(window) // part):
        if _outside_placeholder(window, m.start()):
            cut = m.start() + after
    return cut


def _hard_cut(window: str) -> int:
    cut = len(window)
    while cut > 1 and not _outside_placeholder(window, cut):
        cut -= 1
    return cut
