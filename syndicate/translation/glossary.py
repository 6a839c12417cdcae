"""Glossary terms survive machine translation by travelling as placeholders.

``protect`` swaps each source term in a segment for ``⟦n⟧`` (numbered after any markup placeholder
already in the segment), the model translates around it, ``restore`` puts the target term in.  A
"keep" term (brand names such as "KINGDOM Coffee") maps to itself.  If the model drops a
placeholder, ``restore`` says so and the caller re-translates the plain segment, then ``enforce``
swaps a source term the model copied verbatim (models copy unknown proper nouns) for its target.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from syndicate.translation import placeholders


def glossary_version(terms: Mapping[str, str] | Iterable[tuple[str, str]]) -> str:
    """Stable short hash of a direction's terms, for translation-memory keys ("none" if empty)."""
    items = sorted(terms.items() if isinstance(terms, Mapping) else terms)
    if not items:
        return "none"
    canonical = json.dumps([[_canonical(s), t] for s, t in items], ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _canonical(term: str) -> str:
    return " ".join(term.split()).casefold()


@dataclass(frozen=True)
class Protected:
    text: str  # the segment with terms replaced by placeholders
    source: str  # the segment as given
    terms: dict[int, str] = field(default_factory=dict)  # placeholder index -> target term
    matched: dict[str, str] = field(default_factory=dict)  # source term -> target term


class Glossary:
    """The terms of one direction.  Matching is case-insensitive; a term edge that is a Latin
    letter or digit must sit on a word boundary, so Chinese terms match anywhere."""

    def __init__(self, terms: Mapping[str, str | None], src: str):
        # An empty/None target means "keep": the term is never translated.
        cleaned = {" ".join(s.split()): (t or s).strip() for s, t in terms.items() if s.strip()}
        self.terms = dict(sorted(cleaned.items()))
        self.src = src
        self._targets = {_canonical(s): t for s, t in self.terms.items()}
        self._sources = {_canonical(s): s for s in self.terms}
        self._pattern = _compile(list(self.terms))

    @property
    def version(self) -> str:
        return glossary_version(self.terms)

    def __bool__(self) -> bool:
        return bool(self.terms)

    def matches(self, segment: str) -> dict[str, str]:
        """Terms (source → target) occurring in ``segment``: the part of the glossary that can
        change its translation, hence the part worth putting in a cache key."""
        if self._pattern is None:
            return {}
        found: dict[str, str] = {}
        for part in _text_parts(segment):
            for m in self._pattern.finditer(part):
                key = _canonical(m.group(0))
                found[self._sources[key]] = self._targets[key]
        return found

    def version_for(self, segment: str) -> str:
        return glossary_version(self.matches(segment))

    def protect(self, segment: str) -> Protected:
        if self._pattern is None:
            return Protected(segment, segment)
        terms: dict[int, str] = {}
        matched: dict[str, str] = {}
        next_index = placeholders.next_free(segment)

        def sub(m: re.Match[str]) -> str:
            nonlocal next_index
            target = self._targets[_canonical(m.group(0))]
            matched[m.group(0)] = target
            terms[next_index] = target
            next_index += 1
            return placeholders.token(next_index - 1)

        pieces = []
        for kind, value in _split_keep(segment):
            pieces.append(value if kind == "ph" else self._pattern.sub(sub, value))
        return Protected("".join(pieces), segment, terms, matched)

    def restore(self, protected: Protected, translated: str) -> tuple[str, bool]:
        """Put target terms back.  The flag is False when a placeholder went missing."""
        if not protected.terms:
            return translated, True
        seen: set[int] = set()

        def sub(m: re.Match[str]) -> str:
            index = int(m.group(2))
            if m.group(1) or index not in protected.terms:
                return m.group(0)  # markup placeholder: not ours
            seen.add(index)
            return protected.terms[index]

        text = placeholders.PATTERN.sub(sub, translated)
        return text, seen == set(protected.terms)

    def enforce(self, protected: Protected, translated: str) -> str:
        """Fallback for a plain re-translation: a source term copied verbatim becomes its
        target term (case-insensitive for English)."""
        for source, target in protected.matched.items():
            if target in translated:
                continue
            pattern = re.compile(_bounded(source), re.IGNORECASE)
            translated = pattern.sub(lambda _m, t=target: t, translated)
        return translated


def _term_regex(term: str) -> str:
    return r"\s+".join(re.escape(word) for word in term.split())


def _bounded(term: str) -> str:
    """Word boundaries only where the term starts/ends with a Latin letter or digit: "Hongqiao"
    must not match inside "Hongqiaos", while Chinese terms match anywhere in Chinese text."""
    before = "(?<![A-Za-z0-9])" if term[0].isascii() and term[0].isalnum() else ""
    after = "(?![A-Za-z0-9])" if term[-1].isascii() and term[-1].isalnum() else ""
    return f"{before}{_term_regex(term)}{after}"


def _compile(terms: list[str]) -> re.Pattern[str] | None:
    if not terms:
        return None
    # Longest first, so "Hongqiao Airport" wins over "Hongqiao".
    ordered = sorted(terms, key=len, reverse=True)
    return re.compile("|".join(_bounded(t) for t in ordered), re.IGNORECASE)


def _split_keep(text: str) -> list[tuple[str, str]]:
    """Text and placeholder pieces: terms are never matched inside "⟦12⟧"."""
    out, pos = [], 0
    for m in placeholders.PATTERN.finditer(text):
        out.append(("text", text[pos : m.start()]))
        out.append(("ph", m.group(0)))
        pos = m.end()
    out.append(("text", text[pos:]))
    return out


def _text_parts(text: str) -> list[str]:
    return [value for kind, value in _split_keep(text) if kind == "text"]
