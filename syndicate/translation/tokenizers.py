"""Turning text into a model's tokens and back, the two ways Argos packages do it.

- ``sentencepiece.model`` (every en↔zh package): SentencePiece pieces.  Index packages 1.9 are
  OPUS-MT Marian models that ship only the SOURCE SentencePiece model; target pieces are not in
  it, and decoding joins them (``decode_pieces`` returns unknown pieces verbatim, ``▁`` is a space).
- ``bpe.model``: Moses tokenization (sacremoses) + subword-nmt BPE codes, as argostranslate's
  ``BPETokenizer`` does (its vendored ``apply_bpe``; both are argostranslate dependencies).

Placeholders (``⟦n⟧``) are whole tokens of their own when the vocabulary cannot spell them:
without byte fallback SentencePiece merges neighbouring unknown characters into one piece
("罕⟦", "⟧⟦"), which the model then sees as one ``<unk>`` and copies or drops as a block.  Kept
apart, each is one source position that ``replace_unknowns`` copies back exactly.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Protocol

from syndicate.translation import placeholders

UNKNOWN_MARKS = ("<unk>", "⁇")  # a model's unknown token, and SentencePiece's rendering of it


class Tokenizer(Protocol):
    def encode(self, text: str) -> list[str]: ...

    def decode(self, tokens: list[str]) -> str: ...

    def unknown_spans(self, text: str) -> list[str]:
        """The source text behind each piece the vocabulary does not know, in order."""
        ...


class SentencePieceTokenizer:
    def __init__(self, model_file: Path):
        import sentencepiece

        self.sp = sentencepiece.SentencePieceProcessor(model_file=str(model_file))
        probe = self.sp.encode(placeholders.token(1) + placeholders.token(1, closing=True))
        self.spells_placeholders = self.sp.unk_id() not in probe

    def encode(self, text: str) -> list[str]:
        if self.spells_placeholders or placeholders.OPEN not in text:
            return self.sp.encode(text, out_type=str)
        return self._encode_keeping_placeholders(text)

    def _encode_keeping_placeholders(self, text: str) -> list[str]:
        data = text.encode("utf-8")
        spans = []  # (begin, end, token) in UTF-8 byte offsets, as SentencePiece reports them
        for m in placeholders.PATTERN.finditer(text):
            begin = len(text[: m.start()].encode("utf-8"))
            spans.append((begin, begin + len(m.group(0).encode("utf-8")), m.group(0)))
        out: list[str] = []
        done: set[int] = set()
        unk = self.sp.unk_id()
        for piece in self.sp.encode(text, out_type="proto").pieces:
            hits = [s for s in spans if s[0] < piece.end and piece.begin < s[1]]
            if not hits:
                out.append(piece.piece)
                continue
            pos = piece.begin
            for begin, end, token in hits:
                if pos < begin and piece.id == unk:  # an unknown neighbour merged with it
                    out.append(_piece(data[pos:begin]))
                if begin not in done:
                    out.append(token)
                    done.add(begin)
                pos = max(pos, end)
            if pos < piece.end and piece.id == unk:
                out.append(_piece(data[pos : piece.end]))
        return out

    def decode(self, tokens: list[str]) -> str:
        # Pieces outside the source model (target pieces, copied placeholders) come back
        # verbatim, "▁" included.
        return self.sp.decode_pieces(tokens).replace("▁", " ").strip()

    def unknown_spans(self, text: str) -> list[str]:
        unk = self.sp.unk_id()
        return [p.surface for p in self.sp.encode(text, out_type="proto").pieces if p.id == unk]


def _piece(raw: bytes) -> str:
    """Source text as a piece: SentencePiece's "▁" for spaces, as in the pieces around it."""
    return raw.decode("utf-8", "replace").replace(" ", "▁")


class BPETokenizer:
    """argostranslate's BPE path: Moses punctuation normalisation and tokenization, BPE codes
    with ``@@`` continuation markers; decoding joins them and Moses-detokenizes."""

    def __init__(self, model_file: Path, from_code: str, to_code: str):
        from argostranslate.apply_bpe import BPE
        from sacremoses.normalize import MosesPunctNormalizer
        from sacremoses.tokenize import MosesDetokenizer, MosesTokenizer

        self.tokenizer = MosesTokenizer(from_code)
        self.detokenizer = MosesDetokenizer(to_code)
        self.normalizer = MosesPunctNormalizer(from_code)
        with open(model_file, encoding="utf-8") as codes:
            self.bpe = BPE(codes)
        self.vocabulary: frozenset[str] = frozenset()

    def encode(self, text: str) -> list[str]:
        out: list[str] = []
        for kind, value in placeholders.iter_tokens(text):
            if kind == "text":
                out += self._encode_text(str(value))
            else:  # Moses would split "⟦1⟧" into three tokens
                out.append(placeholders.token(int(value), closing=kind == "close"))
        return out

    def _encode_text(self, text: str) -> list[str]:
        if not text.strip():
            return []
        normalized = self.normalizer.normalize(text)
        words = self.tokenizer.tokenize(normalized)  # escaped (&amp;), as argostranslate does
        return self.bpe.segment_tokens([w for w in words if w])

    def decode(self, tokens: list[str]) -> str:
        joined = " ".join(tokens).replace("@@ ", "").removesuffix("@@")
        text = self.detokenizer.detokenize(joined.split(" "))
        # Moses sees placeholders as words and spaces them: markup hugs what it wraps.
        return _BEFORE_CLOSE.sub(r"\1", _AFTER_OPEN.sub(r"\1", text))

    def unknown_spans(self, text: str) -> list[str]:
        if not self.vocabulary:
            return []
        return [t.removesuffix("@@") for t in self.encode(text) if t not in self.vocabulary]


_AFTER_OPEN = re.compile(r"(⟦\d+⟧) +")
_BEFORE_CLOSE = re.compile(r" +(⟦/\d+⟧)")


def for_package(path: Path, kind: str, from_code: str, to_code: str) -> Tokenizer:
    if kind == "bpe":
        return BPETokenizer(path / "bpe.model", from_code, to_code)
    return SentencePieceTokenizer(path / "sentencepiece.model")
