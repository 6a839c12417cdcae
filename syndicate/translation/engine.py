"""Batched translation with the CTranslate2 model inside an installed Argos package.

argostranslate's own path decodes in 32-token batches (one or two sentences at a time) and caps
decoding at 256 tokens; here a whole batch of segments (a whole article) goes through one
``translate_batch`` call, and the decoding bound grows with the input so a long sentence is never
cut.  Only this module imports
ctranslate2/sentencepiece, and only when a model is first used.
"""

from __future__ import annotations

import ctypes
import json
import logging
import os
import re
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from syndicate.translation import guards, tokenizers
from syndicate.translation.packages import (
    MissingModelError,
    PackageError,
    PackageInfo,
    find_package,
    installed_directions,
)

__all__ = ["Engine", "MissingModelError"]

log = logging.getLogger(__name__)

_POSITION_LIMIT = re.compile(r"positions >= (\d+)")
_allocator_tuned = False


def tune_allocator() -> bool:
    """Keep freed memory in the heap instead of returning it to the kernel (glibc only).

    CTranslate2 grows each layer's key/value cache by reallocating it at every decoding step;
    for a big batch of long outputs those buffers pass glibc's 32 MB mmap ceiling, so each step
    maps fresh pages and the kernel zeroes them: page faults then cost more than the model.
    Process-wide, so done once, by the process that runs models."""
    global _allocator_tuned
    if _allocator_tuned or not sys.platform.startswith("linux"):
        return _allocator_tuned
    try:
        libc = ctypes.CDLL("libc.so.6")
        m_trim_threshold, m_mmap_max = -1, -4
        ok = libc.mallopt(m_mmap_max, 0) == 1 and libc.mallopt(m_trim_threshold, 2**30) == 1
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to tune
        ok = False
    _allocator_tuned = ok
    return ok


@dataclass
class _Model:
    info: PackageInfo
    translator: Any  # ctranslate2.Translator
    tokenizer: tokenizers.Tokenizer
    position_limit: int | None = None  # learned position tables end somewhere; found on error


@dataclass
class Guarded:
    """What the output guards did (``guards``): counted per engine, and per call for callers."""

    runaway_retried: int = 0  # segments translated again with a repetition penalty
    runaway_kept_source: int = 0  # still looping after that: the source text is kept
    unknowns_restored: int = 0  # <unk> marks given back their source span
    unknowns_kept_source: int = 0  # <unk> marks that could not be matched: source text kept

    def add(self, other: Guarded) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def any(self) -> bool:
        return any(vars(self).values())


class Engine:
    """Translates batches of segments (sentences) with installed Argos packages.

    ``calls`` counts ``translate_batch`` calls and ``segments_translated`` the segments sent, so
    callers and tests can prove that a cache hit costs nothing and a batch costs one call."""

    def __init__(
        self,
        packages_dir: str | os.PathLike[str],
        *,
        beam_size: int = 4,
        inter_threads: int = 1,
        intra_threads: int = 1,
        compute_type: str = "int8",
        max_batch_size: int = 32,
        device: str = "cpu",
        length_penalty: float = 0.2,
        decoding_length_floor: int = 256,
        tune_malloc: bool = True,
        repetition_penalty: float = 1.3,
        no_repeat_ngram_size: int = 4,
    ):
        self.packages_dir = Path(packages_dir)
        self.beam_size = beam_size
        self.inter_threads = inter_threads
        self.intra_threads = intra_threads
        self.compute_type = compute_type
        self.max_batch_size = max_batch_size
        self.device = device
        self.length_penalty = length_penalty  # Argos's value, so output matches its defaults
        self.decoding_length_floor = decoding_length_floor
        self.tune_malloc = tune_malloc
        # Only for segments whose first output ran away (guards): they would hurt good output.
        self.repetition_penalty = repetition_penalty
        self.no_repeat_ngram_size = no_repeat_ngram_size
        self.guarded = Guarded()
        self.calls = 0
        self.segments_translated = 0
        self._models: dict[tuple[str, str], _Model] = {}
        self._lock = threading.Lock()  # held while a model loads (seconds)
        self._count_lock = threading.Lock()

    # Discovery (pure: no model loaded) ---------------------------------------------------------

    def directions(self) -> list[PackageInfo]:
        return installed_directions(self.packages_dir)

    def has_direction(self, src: str, tgt: str) -> bool:
        return any((p.from_code, p.to_code) == (src, tgt) for p in self.directions())

    def package(self, src: str, tgt: str) -> PackageInfo:
        model = self._models.get((src, tgt))
        return model.info if model else find_package(self.packages_dir, src, tgt)

    def model_id(self, src: str, tgt: str) -> str:
        return self.package(src, tgt).model_id

    # Loading -----------------------------------------------------------------------------------

    def load(self, src: str, tgt: str) -> _Model:
        model = self._models.get((src, tgt))
        if model is not None:
            return model
        with self._lock:
            model = self._models.get((src, tgt))
            if model is None:
                model = self._load(find_package(self.packages_dir, src, tgt))
                self._models[(src, tgt)] = model
        return model

    def _load(self, info: PackageInfo) -> _Model:
        import ctranslate2

        log.info("loading %s from %s", info.model_id, info.path)
        if self.tune_malloc:
            tune_allocator()
        try:
            tokenizer = tokenizers.for_package(
                info.path, info.tokenizer, info.from_code, info.to_code
            )
            translator = ctranslate2.Translator(
                str(info.path / "model"),
                device=self.device,
                compute_type=self.compute_type,
                inter_threads=self.inter_threads,
                intra_threads=self.intra_threads,
            )
        except (OSError, RuntimeError, ValueError) as exc:
            # A broken package stays broken however often a job is retried: permanent.
            raise PackageError(
                f"{info.name} {info.version} in {info.path} cannot be loaded ({exc}); "
                "install it again with `syndicate models install`"
            ) from exc
        if isinstance(tokenizer, tokenizers.BPETokenizer):
            tokenizer.vocabulary = frozenset(_source_vocabulary(info.path / "model"))
        return _Model(info, translator, tokenizer)

    def refresh(self) -> list[str]:
        """Forget loaded models whose package was replaced (another version, or the same one
        installed again): the next use loads the new one.  Called before each job, so a model
        upgrade needs no worker restart.  Returns the model ids dropped."""
        dropped = []
        with self._lock:
            current = {(p.from_code, p.to_code): p for p in self.directions()}
            for key, model in list(self._models.items()):
                fresh = current.get(key)
                if fresh is None or fresh.identity != model.info.identity:
                    del self._models[key]
                    dropped.append(model.info.model_id)
        for model_id in dropped:
            log.info("%s was replaced or removed: loading the installed package next", model_id)
        return dropped

    def unload(self) -> None:
        with self._lock:
            self._models.clear()

    # Translation -------------------------------------------------------------------------------

    def translate_segments(
        self, texts: list[str], src: str, tgt: str, *, report: Guarded | None = None
    ) -> list[str]:
        """Translate each text (one sentence each, ideally) in a single batched model call;
        runaway segments are translated once more with a repetition penalty (a second call).
        What the guards did is added to ``report`` (and to ``self.guarded``)."""
        todo = [i for i, t in enumerate(texts) if t.strip()]
        results = [""] * len(texts)
        guarded = Guarded()
        if todo:
            model = self.load(src, tgt)
            sources = [texts[i] for i in todo]
            outputs = self._translate(model, sources)
            looping = [
                k for k, out in enumerate(outputs) if guards.runaway(sources[k], out, src, tgt)
            ]
            if looping:
                retried = self._translate(
                    model,
                    [sources[k] for k in looping],
                    repetition_penalty=self.repetition_penalty,
                    no_repeat_ngram_size=self.no_repeat_ngram_size,
                )
                guarded.runaway_retried = len(looping)
                for k, out in zip(looping, retried, strict=True):
                    if guards.runaway(sources[k], out, src, tgt):
                        guarded.runaway_kept_source += 1
                        out = sources[k]
                    outputs[k] = out
                log.warning(
                    "%s: %d runaway segment(s) translated again, %d kept in the source language",
                    model.info.model_id,
                    len(looping),
                    guarded.runaway_kept_source,
                )
            for i, source, out in zip(todo, sources, outputs, strict=True):
                results[i] = self._without_unknowns(model, source, out, guarded)
        with self._count_lock:
            self.calls += 1 + (1 if guarded.runaway_retried else 0) if todo else 0
            self.segments_translated += len(todo)
            self.guarded.add(guarded)
        if report is not None:
            report.add(guarded)
        return results

    def _translate(self, model: _Model, texts: list[str], **options: Any) -> list[str]:
        try:
            chunks, hypotheses = self._run(model, texts, **options)
        except RuntimeError as exc:
            # Learned position tables (unlike sinusoidal ones) end somewhere: learn where from
            # the error, then retry once with inputs and decoding kept inside the table.
            found = _POSITION_LIMIT.search(str(exc))
            if not found or model.position_limit is not None:
                raise
            model.position_limit = int(found.group(1))
            log.info("%s: position table ends at %s", model.info.model_id, found.group(1))
            chunks, hypotheses = self._run(model, texts, **options)
        decoded = iter(model.tokenizer.decode(h) for h in hypotheses)
        return [" ".join(next(decoded) for _ in pieces).strip() for pieces in chunks]

    @staticmethod
    def _without_unknowns(model: _Model, source: str, output: str, guarded: Guarded) -> str:
        marks = guards.unknown_marks(source, output)
        if not marks:
            return output
        spans = model.tokenizer.unknown_spans(source)
        restored, matched = guards.restore_unknowns(source, output, spans)
        if matched:
            guarded.unknowns_restored += marks
        else:
            guarded.unknowns_kept_source += marks
            log.warning("%s: <unk> in a translation; kept the source", model.info.model_id)
        return restored

    def _run(
        self, model: _Model, texts: list[str], **options: Any
    ) -> tuple[list[list[list[str]]], list[list[str]]]:
        chunks = [self._encode(model, text) for text in texts]
        flat = [piece for pieces in chunks for piece in pieces]
        return chunks, self._translate_batch(model, flat, **options)

    def _encode(self, model: _Model, text: str) -> list[list[str]]:
        tokens = model.tokenizer.encode(text)
        limit = model.position_limit
        if limit is None or len(tokens) < limit - 1:
            return [tokens]
        # Only models with learned position tables get here; a cut beats a crash.
        step = limit - 2
        return [tokens[i : i + step] for i in range(0, len(tokens), step)]

    def _translate_batch(
        self, model: _Model, batch: list[list[str]], **options: Any
    ) -> list[list[str]]:
        prefix = model.info.target_prefix
        longest = max(len(tokens) for tokens in batch)
        # Long inputs need long outputs; random-weight models never stop early, so the floor
        # stays CTranslate2's default and only long batches raise it.
        max_len = max(self.decoding_length_floor, 2 * longest + 16) + (1 if prefix else 0)
        if model.position_limit is not None:
            max_len = min(max_len, model.position_limit - 1)
        results = model.translator.translate_batch(
            batch,
            target_prefix=[[prefix]] * len(batch) if prefix else None,
            beam_size=self.beam_size,
            max_batch_size=self.max_batch_size,
            batch_type="examples",
            max_decoding_length=max_len,
            max_input_length=0,  # CTranslate2 silently truncates inputs at 1024 tokens otherwise
            replace_unknowns=True,
            length_penalty=self.length_penalty,
            **options,
        )
        out = []
        for result in results:
            tokens = result.hypotheses[0]
            if prefix and tokens[:1] == [prefix]:
                tokens = tokens[1:]
            out.append(tokens)
        return out

    def stats(self) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "segments_translated": self.segments_translated,
            "loaded": sorted(m.info.model_id for m in self._models.values()),
            "guarded": vars(self.guarded).copy(),
        }


def _source_vocabulary(model_dir: Path) -> list[str]:
    for name in ("shared_vocabulary.json", "source_vocabulary.json"):
        path = model_dir / name
        if path.is_file():
            return json.loads(path.read_text(encoding="utf-8"))
    return []
