"""One translation direction, end to end: cache → glossary → engine → glossary → typography.

``Translator.translate_many`` is the batch callable that ``htmldoc.translate_html`` and
``translate_text`` take: it looks every segment up in the cache, sends only the misses to the
engine in one call, and stores what it translated.  The cache is anything with ``get_many`` and
``put_many`` (``TranslationCache``); ``MemoryCache`` serves tests and benchmarks, storage provides
the persistent one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

from syndicate.translation import htmldoc, textfix
from syndicate.translation.glossary import Glossary, Protected


class CacheKey(NamedTuple):
    """A translated segment is reusable exactly when all of these match.  ``glossary_version``
    covers only the glossary terms that occur in the segment, so editing one term does not
    invalidate every other translation."""

    segment: str  # htmldoc.normalize_segment() form, placeholders numbered from 1
    src: str
    tgt: str
    model_id: str
    glossary_version: str


class TranslationCache(Protocol):
    def get_many(self, keys: Sequence[CacheKey]) -> Mapping[CacheKey, str]:
        """The cached translations among ``keys`` (missing keys simply absent)."""
        ...

    def put_many(self, items: Mapping[CacheKey, str]) -> None: ...


class MemoryCache:
    """A dict-backed ``TranslationCache`` (tests, benchmarks, one-off CLI runs)."""

    def __init__(self) -> None:
        self.data: dict[CacheKey, str] = {}
        self.hits = 0
        self.misses = 0

    def get_many(self, keys: Sequence[CacheKey]) -> dict[CacheKey, str]:
        found = {k: self.data[k] for k in keys if k in self.data}
        self.hits += len(found)
        self.misses += len(keys) - len(found)
        return found

    def put_many(self, items: Mapping[CacheKey, str]) -> None:
        self.data.update(items)

    def __len__(self) -> int:
        return len(self.data)


class JobCache:
    """One job's view of a ``TranslationCache``: what it looked up (found or not) or translated
    is remembered for the job, so its later lookups of the same segments go nowhere. A job
    asks for its segments three times (which the model must translate, each batch before the
    model, then every field to rebuild it): against the database that was three round trips
    where one does."""

    def __init__(self, backing: TranslationCache):
        self.backing = backing
        self.known: dict[CacheKey, str] = {}
        self.absent: set[CacheKey] = set()

    def get_many(self, keys: Sequence[CacheKey]) -> dict[CacheKey, str]:
        ask = [k for k in dict.fromkeys(keys) if k not in self.known and k not in self.absent]
        if ask:
            found = self.backing.get_many(ask)
            self.known.update(found)
            self.absent.update(k for k in ask if k not in found)
        return {k: self.known[k] for k in keys if k in self.known}

    def put_many(self, items: Mapping[CacheKey, str]) -> None:
        self.backing.put_many(items)
        self.known.update(items)
        self.absent.difference_update(items)


class SegmentEngine(Protocol):
    def translate_segments(self, texts: list[str], src: str, tgt: str) -> list[str]: ...

    def model_id(self, src: str, tgt: str) -> str: ...


@dataclass
class Stats:
    segments: int = 0  # asked for, after de-duplication
    cache_hits: int = 0
    translated: int = 0  # sent to the engine
    engine_calls: int = 0
    glossary_fallbacks: int = 0  # segments whose glossary placeholders the model lost
    # What the engine's output guards did (runaway retries, <unk> restored): engine.Guarded.
    guarded: dict[str, int] = field(default_factory=dict)


class Translator:
    def __init__(
        self,
        engine: SegmentEngine,
        src: str,
        tgt: str,
        *,
        glossary: Glossary | Mapping[str, str | None] | None = None,
        cache: TranslationCache | None = None,
    ):
        self.engine = engine
        self.src, self.tgt = src, tgt
        if glossary is None or not isinstance(glossary, Glossary):
            glossary = Glossary(glossary or {}, src)
        self.glossary = glossary
        self.cache = cache
        self.stats = Stats()

    @property
    def model_id(self) -> str:
        return self.engine.model_id(self.src, self.tgt)

    def key(self, segment: str, model_id: str | None = None) -> CacheKey:
        segment = htmldoc.normalize_segment(segment)
        return CacheKey(
            segment,
            self.src,
            self.tgt,
            model_id or self.model_id,
            self.glossary.version_for(segment),
        )

    def translate_html(self, html: str) -> str:
        return htmldoc.translate_html(html, self.src, self.tgt, self.translate_many)

    def translate_text(self, text: str) -> str:
        return htmldoc.translate_text(text, self.src, self.tgt, self.translate_many)

    def translate_many(self, segments: list[str]) -> list[str]:
        """Translate segments (sentences, maybe with markup placeholders) in order."""
        normalized = [htmldoc.normalize_segment(s) for s in segments]
        done: dict[str, str] = {}
        todo: list[str] = []
        for segment in dict.fromkeys(normalized):
            if htmldoc.translatable(segment):
                todo.append(segment)
            else:
                done[segment] = segment  # numbers, punctuation: nothing to translate
        self.stats.segments += len(todo)
        if todo:
            model_id = self.model_id  # fails fast (MissingModelError) before any lookup
            keys = {s: self.key(s, model_id) for s in todo}
            cached = self.cache.get_many(list(keys.values())) if self.cache is not None else {}
            misses = [s for s in todo if keys[s] not in cached]
            self.stats.cache_hits += len(todo) - len(misses)
            done.update({s: cached[keys[s]] for s in todo if keys[s] in cached})
            fresh = self._translate_uncached(misses)
            done.update(fresh)
            if self.cache is not None and fresh:
                self.cache.put_many({keys[s]: t for s, t in fresh.items()})
        return [done[s] for s in normalized]

    def _translate_uncached(self, segments: list[str]) -> dict[str, str]:
        if not segments:
            return {}
        protected = [self.glossary.protect(s) for s in segments]
        outputs = self._engine([p.text for p in protected])
        results: dict[str, str] = {}
        lost: list[Protected] = []
        for p, output in zip(protected, outputs, strict=True):
            restored, complete = self.glossary.restore(p, output)
            if complete:
                results[p.source] = restored
            else:
                lost.append(p)
        if lost:
            # The model dropped a term placeholder: translate the plain segment instead (one more
            # batched call) and swap in target terms the model copied verbatim.
            self.stats.glossary_fallbacks += len(lost)
            plain = self._engine([p.source for p in lost])
            for p, output in zip(lost, plain, strict=True):
                results[p.source] = self.glossary.enforce(p, output)
        return {s: textfix.fix(t, self.tgt) for s, t in results.items()}

    def _engine(self, texts: list[str]) -> list[str]:
        self.stats.engine_calls += 1
        self.stats.translated += len(texts)
        if not hasattr(self.engine, "guarded"):  # a wrapper or stand-in: no guard report
            return self.engine.translate_segments(texts, self.src, self.tgt)
        from syndicate.translation.engine import Guarded

        report = Guarded()
        out = self.engine.translate_segments(texts, self.src, self.tgt, report=report)
        for name, count in vars(report).items():
            if count:
                self.stats.guarded[name] = self.stats.guarded.get(name, 0) + count
        return out
