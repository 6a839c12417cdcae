"""Tiny but genuine Argos Translate packages, built offline in well under a second.

A hand-wired 1+1-layer CTranslate2 Transformer copies the source piece by piece, optionally
remapping pieces: en→zh maps a–z to A–Z, zh→en is the identity.  The SentencePiece model is
char-level with byte fallback, so any Unicode text round-trips.  Deterministic, so tests can
assert on exact output.  (Adapted from shared/argos/make_tiny_argos.py so CI is self-contained.)
"""

from __future__ import annotations

import io
import json
import string
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np

UPPER = {c: c.upper() for c in string.ascii_lowercase}
PACKAGE_VERSION = "0.0.1"


def corpus() -> Iterator[str]:
    yield string.ascii_letters + string.digits + string.punctuation + "，。！？：；“”（）、"
    for s in ("The government", "The company", "Investors", "Officials"):
        for v in ("announced", "reported", "approved", "discussed"):
            for o in ("a new policy", "the annual budget", "record profits", "a trade agreement"):
                yield f"{s} {v} {o}."
    for s in ("政府", "公司", "投资者", "官员"):
        for v in ("宣布了", "报告了", "批准了", "讨论了"):
            for o in ("一项新政策", "年度预算", "创纪录的利润", "一项贸易协议"):
                yield f"{s}{v}{o}。"


def train_sentencepiece() -> bytes:
    import sentencepiece as spm

    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=corpus(),
        model_writer=buf,
        model_type="char",
        vocab_size=400,
        character_coverage=1.0,
        byte_fallback=True,
        hard_vocab_limit=False,
        num_threads=1,
        minloglevel=2,
    )
    return buf.getvalue()


def _codes(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    rows = [rng.permutation(np.repeat([1.0, -1.0], d // 2)) for _ in range(n)]
    return np.stack(rows).astype(np.float32)


def build_copy_model(
    vocab: Sequence[str],
    out_dir: Path,
    mapping: Mapping[str, str] | None = None,
    dt: int = 128,
    dp: int = 64,
    max_pos: int = 1024,
    seed: int = 0,
    *,
    pre_norm: bool = True,
    shift: int = 0,
    loop: bool = False,
    config: Mapping[str, object] | None = None,
) -> None:
    """Rows [token code | position code] are ±1 with zero mean, so every LayerNorm is a fixed
    scale (before the residual, pre-norm, or after it, post-norm like Marian).  Decoder step t
    cross-attends to source position t + ``shift`` (1 skips a source BOS such as ``>>cmn_Hans<<``)
    and copies that token's code; ``loop`` makes every step attend to the first piece, so the
    model repeats it until the length limit (a runaway model)."""
    from ctranslate2.specs import common_spec, transformer_spec

    rng = np.random.default_rng(seed)
    n_vocab, d = len(vocab), dt + dp
    tok, pos = _codes(rng, n_vocab, dt), _codes(rng, max_pos, dp)

    def zeros(*shape: int) -> np.ndarray:
        return np.zeros(shape, np.float32)

    def eye(lo: int, hi: int, a: float = 1.0) -> np.ndarray:
        return np.diag([a * (lo <= i < hi) for i in range(d)]).astype(np.float32)

    def ln(layer) -> None:
        layer.gamma, layer.beta = np.ones(d, np.float32), zeros(d)

    def lin(layer, w: np.ndarray) -> None:
        layer.weight, layer.bias = w, zeros(w.shape[0])

    def passthrough(layer) -> None:  # self-attention and FFN output zeros: residual only
        ln(layer.self_attention.layer_norm)
        ln(layer.ffn.layer_norm)
        lin(layer.self_attention.linear[0], zeros(3 * d, d))
        lin(layer.self_attention.linear[1], zeros(d, d))
        lin(layer.ffn.linear_0, zeros(8, d))
        lin(layer.ffn.linear_1, zeros(d, 8))

    # 1 layer each, 1 head; Marian models are post-norm with swish FFNs.
    activation = common_spec.Activation.RELU if pre_norm else common_spec.Activation.SWISH
    spec = transformer_spec.TransformerSpec.from_config(
        1, 1, pre_norm=pre_norm, activation=activation
    )
    enc, dec = spec.encoder, spec.decoder
    enc.embeddings[0].weight = np.concatenate([tok, zeros(n_vocab, dp)], 1)
    dec.embeddings.weight = zeros(n_vocab, d)
    positions = np.concatenate([zeros(max_pos, dt), pos], 1)
    enc.position_encodings.encodings = positions
    if loop:
        dec_positions = np.repeat(positions[shift : shift + 1], max_pos, 0)
    else:
        dec_positions = np.concatenate([positions[shift:], positions[:shift]])
    dec.position_encodings.encodings = dec_positions
    enc.scale_embeddings = dec.scale_embeddings = False
    if not pre_norm:
        dec.start_from_zero_embedding = True  # as converted Marian models
    passthrough(enc.layer[0])
    passthrough(dec.layer[0])
    if pre_norm:
        ln(enc.layer_norm)
        ln(dec.layer_norm)
    xa = dec.layer[0].attention
    ln(xa.layer_norm)
    lin(xa.linear[0], eye(dt, d, 10.0))  # query <- position code (sharp)
    lin(xa.linear[1], np.concatenate([eye(dt, d), eye(0, dt)]))  # key <- position, value <- token
    lin(xa.linear[2], eye(0, dt))
    w = np.concatenate([tok, zeros(n_vocab, dp)], 1)
    target, index = np.arange(n_vocab), {p: i for i, p in enumerate(vocab)}
    for src, tgt in (mapping or {}).items():
        if src in index and tgt in index:
            i, j = index[src], index[tgt]
            w[j, :dt] += tok[i]
            w[i, :dt] -= tok[i]
            target[i] = j
    assert (np.argmax(tok @ w[:, :dt].T, 1) == target).all()  # every piece decodes as intended
    lin(dec.projection, w)
    spec.config.add_source_eos = True  # copying </s> ends decoding
    for key, value in (config or {}).items():
        setattr(spec.config, key, value)
    spec.register_source_vocabulary(list(vocab))
    spec.register_target_vocabulary(list(vocab))
    spec.validate()
    spec.optimize(quantization="int8")  # int8 like real Argos models
    spec.save(str(out_dir))  # out_dir must already exist


def write_package(
    out_file: Path,
    metadata: Mapping[str, str],
    sp_bytes: bytes,
    build_model: Callable[[Path], None],
    sbd_onnx: bytes | None = None,
    *,
    tokenizer_file: str = "sentencepiece.model",
    extra_files: Mapping[str, bytes] | None = None,
) -> Path:
    """Zip one package folder the way `install_from_path` expects: a single root folder."""
    version = metadata.get("package_version", PACKAGE_VERSION)
    name = f"translate-{metadata['from_code']}_{metadata['to_code']}-{version}"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / name.replace(".", "_")
        (root / "model").mkdir(parents=True)
        build_model(root / "model")
        (root / tokenizer_file).write_bytes(sp_bytes)
        (root / "metadata.json").write_text(json.dumps(dict(metadata)))
        for relative, data in (extra_files or {}).items():
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_bytes(data)
        if sbd_onnx:  # a packaged MiniSBD model: Argos's default splitting needs no download
            (root / "minisbd").mkdir()
            (root / "minisbd" / "sbd.onnx").write_bytes(sbd_onnx)
        with zipfile.ZipFile(out_file, "w", zipfile.ZIP_DEFLATED) as z:
            for f in sorted(root.rglob("*")):
                z.write(f, f.relative_to(tmp))
    return Path(out_file)


def metadata(
    from_code: str, to_code: str, from_name: str, to_name: str, version: str = PACKAGE_VERSION
) -> dict[str, str]:
    return {
        "package_version": version,
        "argos_version": "1.9",
        "type": "translate",
        "from_code": from_code,
        "from_name": from_name,
        "to_code": to_code,
        "to_name": to_name,
    }


DIRECTIONS = (
    ("en", "zh", "English", "Chinese", UPPER),
    ("zh", "en", "Chinese", "English", None),
)


def build_tiny_packages(out_dir: Path, sbd_onnx: bytes | None = None) -> list[Path]:
    """Build translate-en_zh (a–z → A–Z) and translate-zh_en (identity) `.argosmodel` files."""
    import sentencepiece as spm

    out_dir.mkdir(parents=True, exist_ok=True)
    sp_bytes = train_sentencepiece()
    sp = spm.SentencePieceProcessor(model_proto=sp_bytes)
    vocab = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    built = []
    for src, tgt, src_name, tgt_name, mapping in DIRECTIONS:
        out = out_dir / f"translate-{src}_{tgt}-tiny.argosmodel"

        def build(model_dir: Path, mapping: Mapping[str, str] | None = mapping) -> None:
            build_copy_model(vocab, model_dir, mapping)

        built.append(
            write_package(out, metadata(src, tgt, src_name, tgt_name), sp_bytes, build, sbd_onnx)
        )
    return built
