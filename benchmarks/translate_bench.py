"""Translation throughput: argostranslate's default path vs syndicate's batched engine.

    python -m benchmarks.translate_bench [--json] [--repeat 3] [--output-tokens 24|0]

Builds (once per --workdir, ~10-50 s) an Argos package with the dimensions of the real ones —
Transformer base: 6+6 layers, d_model 512, 8 heads, FFN 2048, a 32k shared SentencePiece
vocabulary (a unigram model trained on generated text, filled up to 32k programmatically), int8 —
with random weights, plus a packaged (fake) MiniSBD model so argostranslate's own default path
runs offline.  Then, each in its own process (so peak RSS is its own), on the same 30-sentence
English article:

  (a) ``argostranslate.translate.translate()``: its default path (MiniSBD sentence splitting, a
      ``translate_batch`` call per paragraph in 32-token batches: one or two sentences at a time),
      once exactly as shipped (no ARGOS_* thread setting: CTranslate2 picks its thread count) and
      once tuned to the same threads as ours (1 thread was argostranslate's fastest here);
  (b) syndicate's ``Translator`` → ``Engine``: our splitter, the whole article in one
      ``translate_batch`` call; at argostranslate's beam (4) and at syndicate's configured beam
      (``SYNDICATE_TRANSLATION_BEAM_SIZE``, 2);
  (c) (b) again on the unchanged article: every sentence from the in-memory translation cache.

Fairness.  Both paths get the same model, beam (for the first comparison), intra_threads,
compute type and decoding bound (CTranslate2's default 256, which argostranslate keeps and our
engine keeps for inputs under 120 tokens).  Random weights almost never produce </s>, so by
default the decoder's position table gets one ramping dimension that the </s> logit reads: every
hypothesis ends after about --output-tokens (24) tokens, like a real translation of these
sentences, in both paths alike.  ``--output-tokens 0`` keeps the weights purely random: every
sentence then decodes to the 256 bound (slow; tests long outputs and memory).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import string
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

REPO = Path(__file__).resolve().parents[1]
BUILD_VERSION = "base-random-2"  # bump when the built package changes
VOCAB_SIZE = 32000
TARGET_RATIO = 5.0

PARAGRAPHS = [
    [
        "The city government announced a new plan on Monday to expand public transport.",
        "Officials said the plan would add three metro lines and two hundred bus routes.",
        "Construction is expected to begin next spring and finish within six years.",
        "The project will be funded by a mix of public money and private investment.",
        "Residents in the outer districts have long complained about slow commutes.",
    ],
    [
        "A local coffee company reported record profits for the third quarter.",
        "The company opened forty new shops across the region this year.",
        "Its chief executive said young customers were driving most of the growth.",
        "Analysts expect the company to expand into smaller cities next year.",
        "Competition from international chains remains strong in the largest markets.",
    ],
    [
        "Heavy rain caused flooding in several neighbourhoods over the weekend.",
        "Emergency teams moved hundreds of people to temporary shelters.",
        "No injuries were reported, but many roads remained closed on Sunday evening.",
        "The weather service warned that more storms could arrive later in the week.",
        "Schools in the affected areas will stay closed until the water recedes.",
    ],
    [
        "The national museum will reopen next month after a long renovation.",
        "Visitors will be able to see more than two thousand objects that were kept in storage.",
        "A new wing is dedicated to the history of trade along the coast.",
        "Tickets will be free for students and for visitors over the age of seventy.",
        "The museum hopes to welcome one million visitors in its first year.",
    ],
    [
        "Researchers at the university have developed a cheaper way to recycle batteries.",
        "The method recovers most of the metals while using far less energy.",
        "Several manufacturers have already shown interest in the technology.",
        "The team plans to build a small factory to test the process at scale.",
        "If it works, the approach could reduce the cost of electric cars.",
    ],
    [
        "The football club confirmed that its coach will leave at the end of the season.",
        "He has led the team for eight years and won two league titles.",
        "Fans gathered outside the stadium to thank him after the final home game.",
        "The club said it would announce a successor before the summer break.",
        "Several former players are believed to be among the candidates.",
    ],
]
ARTICLE = "\n".join(" ".join(p) for p in PARAGRAPHS)
SENTENCES = sum(len(p) for p in PARAGRAPHS)


# Building the package ----------------------------------------------------------------------------


def _support(name: str):
    import importlib.util

    path = REPO / "tests" / "support" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"bench_support_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _corpus(rng) -> list[str]:
    """English-like training text: the article's words recombined, so tokenisation looks like a
    real model's (whole words and frequent pieces), not characters."""
    words = sorted({w.strip(string.punctuation).lower() for w in ARTICLE.split()} - {""})
    lines = [s for p in PARAGRAPHS for s in p] * 20
    for _ in range(20000):
        picked = rng.choice(words, size=int(rng.integers(6, 20)))
        lines.append(" ".join(picked).capitalize() + rng.choice([".", "!", "?", ","]))
    return lines


def build_sentencepiece(rng) -> bytes:
    """Train a unigram model on generated text, then fill the vocabulary to 32k pieces
    programmatically (embedding and softmax sizes are what matter for speed)."""
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2 as pb

    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(_corpus(rng)),
        model_writer=buf,
        model_type="unigram",
        vocab_size=4000,
        hard_vocab_limit=False,
        character_coverage=1.0,
        byte_fallback=True,
        num_threads=2,
        minloglevel=2,
    )
    proto = pb.ModelProto()
    proto.ParseFromString(buf.getvalue())
    seen = {p.piece for p in proto.pieces}
    letters = list(string.ascii_lowercase)
    while len(proto.pieces) < VOCAB_SIZE:
        piece = "▁" + "".join(rng.choice(letters, size=int(rng.integers(5, 10))))
        if piece not in seen:
            seen.add(piece)
            proto.pieces.add(piece=piece, score=-1000.0, type=pb.ModelProto.SentencePiece.NORMAL)
    proto.trainer_spec.vocab_size = len(proto.pieces)
    return proto.SerializeToString()


def build_model(vocab: list[str], out_dir: Path, rng, stop_after: int) -> None:
    """A CTranslate2 Transformer-base with random weights (shapes of OpenNMT-py's base model).

    With ``stop_after`` > 0 the decoder's position table is sinusoidal except for one dimension
    that ramps with the position, and the </s> row of the output projection reads only that
    dimension: every hypothesis then ends after about ``stop_after`` tokens, as real translations
    do, instead of running to the decoding bound."""
    import numpy as np
    from ctranslate2.specs import transformer_spec

    d, ff, v = 512, 2048, len(vocab)

    def rand(*shape: int) -> np.ndarray:
        return (rng.standard_normal(shape, dtype=np.float32) / np.sqrt(shape[-1])).astype(
            np.float32
        )

    def ln(layer) -> None:
        layer.gamma, layer.beta = np.ones(d, np.float32), np.zeros(d, np.float32)

    def lin(layer, rows: int, cols: int) -> None:
        layer.weight, layer.bias = rand(rows, cols), np.zeros(rows, np.float32)

    def self_attention(att) -> None:
        ln(att.layer_norm)
        lin(att.linear[0], 3 * d, d)
        lin(att.linear[1], d, d)

    def ffn(layer) -> None:
        ln(layer.layer_norm)
        lin(layer.linear_0, ff, d)
        lin(layer.linear_1, d, ff)

    spec = transformer_spec.TransformerSpec.from_config((6, 6), 8)  # pre-norm, ReLU
    spec.encoder.embeddings[0].weight = rand(v, d)
    spec.decoder.embeddings.weight = rand(v, d)
    for layer in spec.encoder.layer:
        self_attention(layer.self_attention)
        ffn(layer.ffn)
    for layer in spec.decoder.layer:
        self_attention(layer.self_attention)
        ln(layer.attention.layer_norm)
        lin(layer.attention.linear[0], d, d)
        lin(layer.attention.linear[1], 2 * d, d)
        lin(layer.attention.linear[2], d, d)
        ffn(layer.ffn)
    ln(spec.encoder.layer_norm)
    ln(spec.decoder.layer_norm)
    lin(spec.decoder.projection, v, d)
    if stop_after > 0:
        positions = np.arange(1024, dtype=np.float32)[:, None]
        rates = np.exp(-np.log(10000.0) * (np.arange(0, d, 2, dtype=np.float32) / d))
        table = np.zeros((1024, d), np.float32)
        table[:, 0::2], table[:, 1::2] = np.sin(positions * rates), np.cos(positions * rates)
        table[:, 0] = positions[:, 0] - stop_after - 0.5  # < 0 before, > 0 after
        spec.decoder.position_encodings.encodings = table
        eos = vocab.index("</s>")
        spec.decoder.projection.weight[eos] = 0.0
        spec.decoder.projection.weight[eos, 0] = 8.0
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.validate()
    spec.optimize(quantization="int8")
    spec.save(str(out_dir))


def ensure_package(workdir: Path, stop_after: int) -> tuple[Path, dict]:
    """Build and install the benchmark package under ``workdir`` unless already there."""
    import numpy as np
    import sentencepiece as spm

    packages_dir = packages_dir_for(workdir, stop_after)
    stamp = packages_dir.parent / "build.json"
    if stamp.exists() and json.loads(stamp.read_text()).get("version") == BUILD_VERSION:
        return packages_dir, json.loads(stamp.read_text())
    packages_dir.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    rng = np.random.default_rng(1234)
    sp_bytes = build_sentencepiece(rng)
    sp = spm.SentencePieceProcessor(model_proto=sp_bytes)
    vocab = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    tiny = _support("tiny_argos")
    sbd = _support("fake_minisbd").fake_minisbd_bytes()
    archive = tiny.write_package(
        packages_dir.parent / "translate-en_zh-bench.argosmodel",
        tiny.metadata("en", "zh", "English", "Chinese"),
        sp_bytes,
        lambda model_dir: build_model(vocab, model_dir, rng, stop_after),
        sbd,
    )
    info = _install(archive, packages_dir, workdir)
    archive.unlink()
    built = {
        "version": BUILD_VERSION,
        "build_seconds": round(time.perf_counter() - t0, 1),
        "vocab_size": len(vocab),
        "model_mb": round(sum(f.stat().st_size for f in (info / "model").iterdir()) / 2**20, 1),
    }
    stamp.write_text(json.dumps(built))
    return packages_dir, built


def packages_dir_for(workdir: Path, stop_after: int) -> Path:
    return workdir / (f"stop-after-{stop_after}" if stop_after else "to-the-bound") / "packages"


def _install(archive: Path, packages_dir: Path, workdir: Path) -> Path:
    # In a child: installing imports argostranslate (and torch) and needs its HOME/XDG dirs.
    code = (
        "import sys; from syndicate.translation.packages import install_from_path as i; "
        "print(i(sys.argv[1], sys.argv[2]).path)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(archive), str(packages_dir)],
        env=_child_env(workdir),
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(out.stdout.strip().splitlines()[-1])


def _child_env(workdir: Path, **extra: str) -> dict[str, str]:
    home = workdir / "home"
    env = {**os.environ, "HOME": str(home), "PYTHONPATH": str(REPO)}
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        env[var] = str(home / var.lower())
    env.update(extra)
    return env


# Measuring (in child processes) ------------------------------------------------------------------


def _peak_rss_mb() -> float:
    """This process's own peak RSS.  Not ru_maxrss: Linux carries that across fork+exec, so a
    child would report its parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def child_argos(repeat: int) -> dict:
    import argostranslate.translate as argos

    t0 = time.perf_counter()
    argos.translate("Warm up the model.", "en", "zh")
    load = time.perf_counter() - t0
    translation = argos.get_translation_from_codes("en", "zh")
    sentencizer = translation.underlying.sentencizer
    sentences = sum(len(sentencizer.split_sentences(p)) for p in ARTICLE.split("\n"))
    times, cpu = [], []
    for _ in range(repeat):
        translation.cache = {}  # its paragraph cache would make a repeat free
        t0, c0 = time.perf_counter(), time.process_time()
        argos.translate(ARTICLE, "en", "zh")
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return {
        "sentences": sentences,
        "seconds": min(times),
        "cpu_seconds": min(cpu),
        "load_seconds": load,
        "calls": None,
    }


def child_ours(packages_dir: Path, repeat: int, beam_size: int, threads: int, batch: int) -> dict:
    from syndicate.translation.engine import Engine
    from syndicate.translation.htmldoc import extract_text
    from syndicate.translation.pipeline import MemoryCache, Translator

    engine = Engine(packages_dir, beam_size=beam_size, intra_threads=threads, max_batch_size=batch)
    t0 = time.perf_counter()
    engine.translate_segments(["Warm up the model."], "en", "zh")
    load = time.perf_counter() - t0
    _, segments = extract_text(ARTICLE, "en")
    times, cpu, calls = [], [], []
    for _ in range(repeat):
        translator = Translator(engine, "en", "zh", cache=MemoryCache())
        before = engine.calls
        t0, c0 = time.perf_counter(), time.process_time()
        translator.translate_text(ARTICLE)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        calls.append(engine.calls - before)
    before, hits = engine.calls, translator.stats.cache_hits
    t0 = time.perf_counter()
    translator.translate_text(ARTICLE)  # the unchanged article again, same cache
    return {
        "sentences": len(segments),
        "seconds": min(times),
        "cpu_seconds": min(cpu),
        "load_seconds": load,
        "calls": calls[0],
        "cached_seconds": time.perf_counter() - t0,
        "cached_calls": engine.calls - before,
        "cached_hits": translator.stats.cache_hits - hits,
    }


def _run_child(
    args: argparse.Namespace, packages_dir: Path, kind: str, beam: int, *, shipped: bool = False
) -> dict:
    # argostranslate reads its settings from the environment at import: the same as ours.
    extra = {
        "ARGOS_PACKAGES_DIR": str(packages_dir),
        "ARGOS_BEAM_SIZE": str(beam),
        "ARGOS_INTRA_THREADS": str(args.threads),
        "ARGOS_INTER_THREADS": "1",
        "ARGOS_COMPUTE_TYPE": "int8",
    }
    if shipped:  # argostranslate's own defaults for everything but where its packages are
        extra = {"ARGOS_PACKAGES_DIR": str(packages_dir)}
    cmd = [sys.executable, "-m", "benchmarks.translate_bench", "--child", kind]
    cmd += ["--workdir", str(args.workdir), "--repeat", str(args.repeat)]
    cmd += ["--beam-size", str(beam), "--threads", str(args.threads)]
    cmd += ["--max-batch-size", str(args.max_batch_size)]
    cmd += ["--output-tokens", str(args.output_tokens)]
    env = _child_env(args.workdir, **extra)
    if shipped:
        for name in [n for n in env if n.startswith("ARGOS_") and n not in extra]:
            del env[name]
    out = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"{kind} benchmark failed:\n{out.stderr}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["beam_size"] = beam
    result["sentences_per_second"] = round(result["sentences"] / result["seconds"], 2)
    return result


# Reporting ---------------------------------------------------------------------------------------


def report(args: argparse.Namespace) -> dict:
    args.workdir.mkdir(parents=True, exist_ok=True)
    packages_dir, built = ensure_package(args.workdir, args.output_tokens)
    shipped = _run_child(args, packages_dir, "argos", 4, shipped=True)
    argos = _run_child(args, packages_dir, "argos", args.beam_size)
    same = _run_child(args, packages_dir, "ours", args.beam_size)
    runs = {"argostranslate_shipped": shipped, "argostranslate": argos, "syndicate_same_beam": same}
    if args.our_beam_size != args.beam_size:
        runs["syndicate_configured"] = _run_child(args, packages_dir, "ours", args.our_beam_size)
    base = argos["sentences_per_second"]
    ours = {k: v for k, v in runs.items() if k.startswith("syndicate")}
    speedups = {k: round(v["sentences_per_second"] / base, 2) for k, v in ours.items()}
    # The baseline: argostranslate's default path exactly as it ships.
    shipped_base = shipped["sentences_per_second"]
    vs_shipped = {k: round(v["sentences_per_second"] / shipped_base, 2) for k, v in runs.items()}
    # CPU time is steadier than wall time on a shared machine: the same work, counted.
    cpu_speedups = {k: round(argos["cpu_seconds"] / v["cpu_seconds"], 2) for k, v in ours.items()}
    return {
        "article_sentences": SENTENCES,
        "model": built,
        "settings": {
            "intra_threads": args.threads,
            "inter_threads": 1,
            "compute_type": "int8",
            "max_decoding_length": 256,
            "output_tokens_per_sentence": args.output_tokens or 256,
            "our_max_batch_size": args.max_batch_size,
            "ct2_use_mkl": os.environ.get("CT2_USE_MKL", ""),
        },
        "runs": runs,
        "speedup": speedups,
        "speedup_vs_shipped": vs_shipped,
        "cpu_speedup": cpu_speedups,
        "target": TARGET_RATIO,
        "target_met": {k: v >= TARGET_RATIO for k, v in speedups.items()},
        "target_met_vs_shipped": {
            k: v >= TARGET_RATIO for k, v in vs_shipped.items() if k.startswith("syndicate")
        },
    }


_LABELS = {
    "argostranslate_shipped": "argostranslate translate(), as shipped",
    "argostranslate": "argostranslate translate(), same threads",
    "syndicate_same_beam": "syndicate batched",
    "syndicate_configured": "syndicate batched",
}


def print_table(result: dict) -> None:
    m, s = result["model"], result["settings"]
    print(
        f"Model: Transformer base 6+6, d512, 8 heads, FFN 2048, vocab {m['vocab_size']}, int8, "
        f"random weights ({m['model_mb']} MB, built in {m['build_seconds']} s)"
    )
    print(
        f"Both paths: intra_threads {s['intra_threads']}, int8, max_decoding_length "
        f"{s['max_decoding_length']}, ~{s['output_tokens_per_sentence']} output tokens/sentence; "
        f"article: {result['article_sentences']} sentences"
    )
    rows = [("path", "beam", "sentences", "seconds", "sent/s", "x same threads",
             "x as shipped", "CPU s", "CPU speed-up", "calls", "peak RSS MB")]  # fmt: skip
    for key, r in result["runs"].items():
        rows.append((
            _LABELS[key], r["beam_size"], r["sentences"], f"{r['seconds']:.2f}",
            f"{r['sentences_per_second']:.2f}", _ratio(result["speedup"], key),
            _ratio(result["speedup_vs_shipped"], key),
            f"{r['cpu_seconds']:.2f}", _ratio(result["cpu_speedup"], key),
            "n/a" if r["calls"] is None else r["calls"], f"{r['peak_rss_mb']:.0f}",
        ))  # fmt: skip
    cached = result["runs"]["syndicate_same_beam"]
    rows.append((
        "syndicate, unchanged article (cache)", cached["beam_size"], cached["cached_hits"],
        f"{cached['cached_seconds']:.4f}", "-", "-", "-", "-", "-", cached["cached_calls"], "-",
    ))  # fmt: skip
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    for i, row in enumerate(rows):
        cells = [str(c).ljust(w) if j == 0 else str(c).rjust(w) for j, (c, w) in
                 enumerate(zip(row, widths, strict=True))]  # fmt: skip
        print("  ".join(cells))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    for key, met in result["target_met"].items():
        beam = result["runs"][key]["beam_size"]
        speedup, cpu = result["speedup"][key], result["cpu_speedup"][key]
        shipped = result["speedup_vs_shipped"][key]
        print(
            f"Ours at beam {beam}: {shipped}x argostranslate as shipped "
            f"(target >= {TARGET_RATIO:g}x: {_verdict(result['target_met_vs_shipped'][key])}); "
            f"{speedup}x wall, {cpu}x CPU vs argostranslate on the same threads "
            f"({_verdict(met)})"
        )


def _ratio(ratios: dict, key: str) -> str:
    """A ratio against a baseline row; the baseline itself is 1.00x (and not every table has
    every baseline: '-')."""
    if key in ratios:
        return f"{ratios[key]:.2f}x"
    return "1.00x" if key == "argostranslate" else "-"


def _verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
    parser.add_argument("--workdir", type=Path, default=REPO / "instance" / "bench-translate")
    parser.add_argument("--beam-size", type=int, default=4, help="both paths (Argos default: 4)")
    parser.add_argument(
        "--our-beam-size",
        type=int,
        default=2,
        help="also run ours at this beam (syndicate's SYNDICATE_TRANSLATION_BEAM_SIZE default)",
    )
    parser.add_argument("--threads", type=int, default=1, help="CTranslate2 intra_threads, both")
    parser.add_argument("--max-batch-size", type=int, default=32, help="our sentences per batch")
    parser.add_argument("--repeat", type=int, default=1, help="timed runs per path (best kept)")
    parser.add_argument(
        "--output-tokens",
        type=int,
        default=24,
        help="tokens each output sentence gets before </s> (0: pure random weights, every "
        "sentence decodes to the 256 bound)",
    )
    parser.add_argument("--child", choices=["argos", "ours"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.workdir = args.workdir.resolve()
    if args.child:
        packages_dir = packages_dir_for(args.workdir, args.output_tokens)
        if args.child == "argos":
            result = child_argos(args.repeat)
        else:
            result = child_ours(
                packages_dir, args.repeat, args.beam_size, args.threads, args.max_batch_size
            )
        result["peak_rss_mb"] = _peak_rss_mb()
        print(json.dumps(result))
        return 0
    result = report(args)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_table(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
