"""Small but genuine Argos packages in the other layouts users install.

- ``build_opus_package``: the layout of the index's en→zh 1.9 package (OPUS-MT Marian converted
  by Locomotive): separate source and target SentencePiece models, ONE shared vocabulary (source
  pieces, target pieces, ``>>cmn_Hans<<``), only the source model shipped as
  ``sentencepiece.model``, ``add_source_bos`` with ``bos_token`` ``>>cmn_Hans<<`` in
  ``model/config.json`` (CTranslate2 prepends it), decoding from ``</s>`` with a zero embedding,
  a post-norm swish Transformer, a ``stanza/`` folder, no ``target_prefix``.  The model is a
  word-for-word dictionary: each English word piece becomes one Chinese word piece from the
  target model, so ``OPUS_EXPECTED`` says exactly what it translates to.
- ``build_bpe_package``: a ``bpe.model`` package (Moses + subword-nmt codes, ``@@`` markers) whose
  model upper-cases every token.
- ``build_looping_package``: a runaway model: it repeats the first piece until the length limit.
"""

from __future__ import annotations

import io
import string
from pathlib import Path

from tests.support import tiny_argos

# English word → Chinese word (target pieces), one for one.
OPUS_WORDS = {
    "The": "该",
    "government": "政府",
    "company": "公司",
    "officials": "官员",
    "announced": "宣布了",
    "approved": "批准了",
    "discussed": "讨论了",
    "a": "一项",
    "the": "该",
    "new": "新",
    "annual": "年度",
    "policy": "政策",
    "budget": "预算",
    "in": "在",
}
OPUS_EXPECTED = {
    "The government announced a new policy.": "该政府宣布了一项新政策。",
    "The company approved the annual budget.": "该公司批准了该年度预算。",
}
OPUS_BOS = ">>cmn_Hans<<"


def _english_corpus() -> list[str]:
    words = " ".join(OPUS_WORDS)
    return [words, *OPUS_EXPECTED, string.ascii_letters + string.digits + ".,;:!?'\"()"] * 4


def _chinese_corpus() -> list[str]:
    # Word-segmented, so the target model's pieces are whole words ("▁政府").
    words = " ".join(OPUS_WORDS.values())
    ended = " ".join(f"{zh}。" for zh in OPUS_WORDS.values())  # "政策。": a sentence's last word
    return [f"{words} {ended} 。 ， ！ ？"] * 8


def _train(sentences: list[str], model_type: str) -> bytes:
    import sentencepiece as spm

    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences),
        model_writer=buf,
        model_type=model_type,
        vocab_size=10_000,
        hard_vocab_limit=False,
        character_coverage=1.0,
        split_by_whitespace=True,
        num_threads=1,
        minloglevel=2,
    )  # no byte fallback, like OPUS-MT: unknown characters are <unk>
    return buf.getvalue()


def _pieces(model: bytes) -> list[str]:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_proto=model)
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size())]


def opus_metadata(version: str = "1.9") -> dict[str, str]:
    return {
        "package_version": version,
        "argos_version": "1.9",
        "type": "translate",
        "from_code": "en",
        "from_name": "English",
        "to_code": "zh",
        "to_name": "Chinese",
    }


def build_opus_package(out_dir: Path, version: str = "1.9") -> Path:
    """translate-en_zh in the 1.9 layout (see the module docstring)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    source_model = _train(_english_corpus(), "word")
    target_model = _train(_chinese_corpus(), "word")  # trained, used for its pieces, not shipped
    source, target = _pieces(source_model), _pieces(target_model)
    # Marian's vocabulary: </s> and <unk> first, every piece of both models once, <pad> last.
    vocab = list(dict.fromkeys(["</s>", "<unk>", "<s>", OPUS_BOS, *source, *target, "<pad>"]))
    mapping = {f"▁{en}": f"▁{zh}" for en, zh in OPUS_WORDS.items()}
    mapping.update({f"▁{en}.": f"▁{zh}。" for en, zh in OPUS_WORDS.items()})  # "policy."
    assert set(mapping.values()) <= set(target), "every output piece is a target piece"
    assert not set(mapping.values()) & set(source), "target pieces the source model lacks"

    def build(model_dir: Path) -> None:
        tiny_argos.build_copy_model(
            vocab,
            model_dir,
            mapping,
            pre_norm=False,
            shift=1,  # step t copies source position t + 1: position 0 is >>cmn_Hans<<
            config={
                "add_source_bos": True,
                "bos_token": OPUS_BOS,
                "decoder_start_token": "</s>",
            },
        )

    out = out_dir / f"translate-en_zh-{version.replace('.', '_')}.argosmodel"
    stanza = {"stanza/resources.json": b"{}", "stanza/en/tokenize/combined.pt": b""}
    return tiny_argos.write_package(
        out, opus_metadata(version), source_model, build, extra_files=stanza
    )


# BPE ---------------------------------------------------------------------------------------------

_ESCAPES = ("amp", "apos", "quot")  # Moses escapes & ' " before BPE: keep them whole tokens


def _escape_merges(name: str) -> list[str]:
    merges, done = [], "&"
    for c in name:
        merges.append(f"{done} {c}")
        done += c
    return [*merges, f"{done} ;</w>"]


BPE_CODES = "\n".join(
    ["#version: 0.2", "t h", "th e</w>", "e r", "er </w>"]
    + [m for name in _ESCAPES for m in _escape_merges(name)]
)


def bpe_vocabulary() -> list[str]:
    units = [*string.ascii_letters, *string.digits, *string.punctuation]
    units += [f"&{name};" for name in _ESCAPES]
    words = ["the", "er", "THE", "ER", "TH", "th"]
    vocab = ["<unk>", "<s>", "</s>"]
    for unit in units + words:
        vocab += [unit, f"{unit}@@"]
    return list(dict.fromkeys(vocab))


def build_bpe_package(out_dir: Path, version: str = "1.0") -> Path:
    """translate-en_zh with ``bpe.model``: every BPE token upper-cased ("the" → "THE")."""
    out_dir.mkdir(parents=True, exist_ok=True)
    vocab = bpe_vocabulary()
    mapping = {t: t.upper() for t in vocab if t.upper() in vocab and not t.startswith("&")}

    def build(model_dir: Path) -> None:
        tiny_argos.build_copy_model(vocab, model_dir, mapping)

    meta = tiny_argos.metadata("en", "zh", "English", "Chinese", version)
    out = out_dir / f"translate-en_zh-bpe-{version.replace('.', '_')}.argosmodel"
    return tiny_argos.write_package(
        out, meta, BPE_CODES.encode(), build, tokenizer_file="bpe.model"
    )


# A runaway model ---------------------------------------------------------------------------------


def build_looping_package(out_dir: Path, version: str = "0.0.9") -> Path:
    """translate-en_zh whose every decoding step copies the first piece: "aaaa…" until the
    length limit, like an int8 port stuck on a word."""
    import sentencepiece as spm

    out_dir.mkdir(parents=True, exist_ok=True)
    sp_bytes = tiny_argos.train_sentencepiece()
    sp = spm.SentencePieceProcessor(model_proto=sp_bytes)
    vocab = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]

    def build(model_dir: Path) -> None:
        # Position 0 is "▁" (the char model's word start): loop on the letter after it.
        tiny_argos.build_copy_model(vocab, model_dir, tiny_argos.UPPER, loop=True, shift=1)

    meta = tiny_argos.metadata("en", "zh", "English", "Chinese", version)
    out = out_dir / "translate-en_zh-looping.argosmodel"
    return tiny_argos.write_package(out, meta, sp_bytes, build)


def build_upper_package(out_dir: Path, version: str) -> Path:
    """The tiny en→zh package (a–z → A–Z) at another version: an upgrade to install."""
    import sentencepiece as spm

    out_dir.mkdir(parents=True, exist_ok=True)
    sp_bytes = tiny_argos.train_sentencepiece()
    sp = spm.SentencePieceProcessor(model_proto=sp_bytes)
    vocab = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]

    def build(model_dir: Path) -> None:
        tiny_argos.build_copy_model(vocab, model_dir, tiny_argos.UPPER)

    meta = tiny_argos.metadata("en", "zh", "English", "Chinese", version)
    out = out_dir / f"translate-en_zh-{version.replace('.', '_')}.argosmodel"
    return tiny_argos.write_package(out, meta, sp_bytes, build)
