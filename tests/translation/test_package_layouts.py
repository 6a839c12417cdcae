"""The package layouts users install (index 1.9 OPUS-MT, BPE), runaway models, unknown tokens.

Every package here is genuine: a CTranslate2 model and a SentencePiece / BPE tokenizer, built by
``tests.support.argos_layouts`` and installed with argostranslate's own installer.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from syndicate.translation import guards, packages
from syndicate.translation.engine import Engine
from syndicate.translation.pipeline import Translator
from syndicate.translation.tokenizers import SentencePieceTokenizer
from tests.support import argos_layouts

pytestmark = pytest.mark.translation


@pytest.fixture(scope="module")
def built(tmp_path_factory, argos_env) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("layouts")
    return {
        "opus": argos_layouts.build_opus_package(out),
        "bpe": argos_layouts.build_bpe_package(out),
        "looping": argos_layouts.build_looping_package(out),
    }


def _installed(tmp_path: Path, archive: Path) -> Path:
    target = tmp_path / "argos-packages"
    packages.install_from_path(archive, target)
    return target


def test_the_opus_package_has_the_index_1_9_layout(built):
    names = zipfile.ZipFile(built["opus"]).namelist()
    root = "translate-en_zh-1_9/"
    assert {f"{root}sentencepiece.model", f"{root}model/shared_vocabulary.json"} <= set(names)
    assert f"{root}stanza/resources.json" in names
    assert not [n for n in names if n.endswith((".spm", "bpe.model")) or "minisbd" in n]
    with zipfile.ZipFile(built["opus"]) as z:
        config = json.loads(z.read(f"{root}model/config.json"))
        metadata = json.loads(z.read(f"{root}metadata.json"))
        vocabulary = json.loads(z.read(f"{root}model/shared_vocabulary.json"))
    assert (config["add_source_bos"], config["bos_token"]) == (True, ">>cmn_Hans<<")
    assert config["add_source_eos"] is True
    assert "target_prefix" not in metadata
    # One vocabulary for both sides: the target pieces are not in the shipped source model.
    assert {"▁政府", "▁政策。", "▁government", ">>cmn_Hans<<"} <= set(vocabulary)


def test_the_opus_package_translates_word_for_word(tmp_path, built):
    target = _installed(tmp_path, built["opus"])
    (info,) = packages.installed_directions(target)
    assert (info.version, info.tokenizer, info.target_prefix) == ("1.9", "sentencepiece", "")
    engine = Engine(target)
    sources = list(argos_layouts.OPUS_EXPECTED)
    translator = Translator(engine, "en", "zh")
    assert [translator.translate_text(s) for s in sources] == list(
        argos_layouts.OPUS_EXPECTED.values()
    )
    assert engine.stats()["loaded"] == ["argos:translate-en_zh@1.9"]
    # The BOS is consumed by CTranslate2 and never shows in the output.
    assert ">>" not in translator.translate_html("<p>The government discussed a new policy.</p>")


def test_placeholders_stay_whole_tokens_without_byte_fallback(tmp_path, built):
    target = _installed(tmp_path, built["opus"])
    (info,) = packages.installed_directions(target)
    tokenizer = SentencePieceTokenizer(info.path / "sentencepiece.model")
    assert not tokenizer.spells_placeholders
    # Without the fix the rare hanzi and the bracket merge into one unknown piece "𠀀⟦".
    pieces = tokenizer.encode("policy 𠀀⟦1⟧new⟦/1⟧⟦2⟧ budget")
    assert {"⟦1⟧", "⟦/1⟧", "⟦2⟧"} <= set(pieces)
    assert not [p for p in pieces if "⟦" in p and p not in {"⟦1⟧", "⟦/1⟧", "⟦2⟧"}]
    assert "▁𠀀" in pieces  # the word model's unknown word, its space kept as "▁"
    out = Engine(target).translate_segments(["The 𠀀⟦1⟧new⟦/1⟧ policy."], "en", "zh")[0]
    assert "⟦1⟧" in out and "⟦/1⟧" in out and "𠀀" in out
    assert not guards.unknown_marks("", out)


def test_a_bpe_package_installs_and_translates(tmp_path, built):
    target = _installed(tmp_path, built["bpe"])
    (info,) = packages.installed_directions(target)
    assert info.tokenizer == "bpe"
    translator = Translator(Engine(target), "en", "zh")
    assert translator.translate_text("Hello the world.") == "HELLO THE WORLD。"
    html = translator.translate_html('<p>Read <a href="/x">the other</a> "news" &amp; views.</p>')
    assert html == '<p>READ <a href="/x">THE OTHER</a> "NEWS" &amp; VIEWS。</p>'


def test_a_package_without_a_tokenizer_is_refused_at_install(tmp_path, built):
    broken = tmp_path / "broken.argosmodel"
    with zipfile.ZipFile(built["opus"]) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            if not item.filename.endswith("sentencepiece.model"):
                dst.writestr(item, src.read(item))
    with pytest.raises(packages.PackageError, match=r"no tokenizer: expected .*sentencepiece"):
        packages.install_from_path(broken, tmp_path / "argos-packages")
    assert packages.installed_directions(tmp_path / "argos-packages") == []


def test_a_runaway_segment_is_retried_then_kept_in_its_language(tmp_path, built):
    target = _installed(tmp_path, built["looping"])
    engine = Engine(target)
    report = engine.guarded
    out = engine.translate_segments(["Officials approved a new policy.", ""], "en", "zh")
    assert out == ["Officials approved a new policy.", ""]
    assert (report.runaway_retried, report.runaway_kept_source) == (1, 1)
    assert engine.calls == 2  # the retry is one more model call, with a repetition penalty


@pytest.mark.parametrize(
    ("source", "output", "expected"),
    [
        ("Athens is old.", "雅典雅典雅典雅典雅典很古老", True),
        ("He said no.", "他说不不不不不不。", True),
        ("Wait...", "等等……………", False),  # punctuation repeats legitimately
        ("Ha ha ha ha!", "哈哈哈哈！", False),  # so does text whose source repeats
        ("The budget.", "预算" + "。" * 3, False),
        ("OK.", "好的。", False),
        ("Short.", "x" * 40 + "y", True),  # far longer than the input allows
    ],
)
def test_runaway_detection(source, output, expected):
    assert guards.runaway(source, output, "en", "zh") is expected


def test_unknown_marks_get_their_source_span_back_or_the_source_is_kept():
    assert guards.restore_unknowns("罕见𠀀字", "Rare <unk> word", ["𠀀"]) == (
        "Rare 𠀀 word",
        True,
    )
    assert guards.restore_unknowns("A 𠀀 and 𠀁", "A ⁇ and ⁇", ["𠀀", "𠀁"]) == (
        "A 𠀀 and 𠀁",
        True,
    )
    # Marks that cannot be matched one for one: the segment stays in its language.
    assert guards.restore_unknowns("罕见𠀀字", "<unk> <unk>", ["𠀀"]) == ("罕见𠀀字", False)
    # A source that itself talks about "<unk>" is not a model failure.
    assert guards.unknown_marks("the <unk> token", "DER <unk> TOKEN") == 0
