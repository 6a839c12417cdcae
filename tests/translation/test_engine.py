"""Engine and package handling against real (tiny) Argos packages."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap

import pytest

from syndicate.translation import packages
from syndicate.translation.engine import Engine, MissingModelError

pytestmark = pytest.mark.translation


def test_installed_directions_reads_metadata_without_argostranslate(packages_dir):
    code = textwrap.dedent(
        f"""
        import sys
        from syndicate.translation.packages import installed_directions
        found = [(p.from_code, p.to_code, p.version, p.model_id)
                 for p in installed_directions({str(packages_dir)!r})]
        heavy = [m for m in ("argostranslate", "ctranslate2", "torch") if m in sys.modules]
        print(found, heavy)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == (
        "[('en', 'zh', '0.0.1', 'argos:translate-en_zh@0.0.1'), "
        "('zh', 'en', '0.0.1', 'argos:translate-zh_en@0.0.1')] []"
    )


def test_argostranslate_sees_what_we_installed(packages_dir):
    found = packages.argos_installed_packages(packages_dir)
    assert sorted((p.from_code, p.to_code) for p in found) == [("en", "zh"), ("zh", "en")]


def test_reinstall_replaces_and_stray_folders_are_ignored(tmp_path, argos_env, tiny_archives):
    target = tmp_path / "pkgs"
    first = packages.install_from_path(tiny_archives[0], target)
    # An older copy of the same direction under another folder name, and junk without metadata.
    old = target / "translate-en_zh-0_0_0"
    shutil.copytree(first.path, old)
    meta = json.loads((old / "metadata.json").read_text())
    (old / "metadata.json").write_text(json.dumps({**meta, "package_version": "0.0.0"}))
    (target / "not-a-package").mkdir()
    assert [p.version for p in packages.installed_directions(target)] == ["0.0.1"]

    again = packages.install_from_path(tiny_archives[0], target)

    assert again.path == first.path
    assert not old.exists()
    assert sorted(p.name for p in target.iterdir()) == ["not-a-package", first.path.name]
    assert len(packages.argos_installed_packages(target)) == 1


def test_rejects_packages_dir_argos_would_misread(tmp_path):
    with pytest.raises(packages.PackageError, match="stanza"):
        packages.check_packages_dir(tmp_path / "stanza-models")


def test_rejects_archive_that_is_not_a_package(tmp_path):
    bogus = tmp_path / "bogus.argosmodel"
    bogus.write_text("not a zip")
    with pytest.raises(packages.PackageError, match="not a zip"):
        packages.install_from_path(bogus, tmp_path / "pkgs")


def test_translates_a_batch_in_one_model_call(engine):
    calls, segments = engine.calls, engine.segments_translated

    out = engine.translate_segments(
        ["Hello world.", "Bye!", "", "The company approved it."], "en", "zh"
    )

    assert out == ["HELLO WORLD.", "BYE!", "", "THE COMPANY APPROVED IT."]
    assert engine.calls == calls + 1
    assert engine.segments_translated == segments + 3


def test_batch_of_many_segments_is_still_one_call(engine):
    texts = [f"Sentence number {i} is here." for i in range(80)]  # > max_batch_size (32)
    calls = engine.calls
    out = engine.translate_segments(texts, "en", "zh")
    assert out == [t.upper() for t in texts]
    assert engine.calls == calls + 1


def test_same_output_as_argostranslate_default_path(engine, packages_dir):
    import argostranslate.translate

    packages.prepare_argos_environment(packages_dir)
    theirs = argostranslate.translate.translate("Hello world. Bye!", "en", "zh")
    ours = " ".join(engine.translate_segments(["Hello world.", "Bye!"], "en", "zh"))
    assert ours == theirs == "HELLO WORLD. BYE!"


def test_long_sentence_is_not_truncated(engine, packages_dir):
    import argostranslate.translate

    sentence = ("The government announced a new policy on " * 15).strip()[:599] + "."
    assert len(sentence) == 600  # 601 pieces for the char-level tiny model
    assert engine.translate_segments([sentence], "en", "zh") == [sentence.upper()]
    # argostranslate keeps CTranslate2's 256-token decoding bound: it cuts the sentence.
    packages.prepare_argos_environment(packages_dir)
    assert len(argostranslate.translate.translate(sentence, "en", "zh")) < 300


def test_segment_longer_than_the_position_table_is_translated_in_pieces(packages_dir):
    fresh = Engine(packages_dir, beam_size=1)
    text = "x" * 1500
    (out,) = fresh.translate_segments([text], "en", "zh")
    assert out.replace(" ", "") == text.upper()


def test_zh_to_en_round_trips_unicode(engine):
    text = "政府宣布了一项新政策，价格是3.5元。"
    # SentencePiece NFKC-normalises the input: the full-width comma comes back ASCII.
    assert engine.translate_segments([text], "zh", "en") == ["政府宣布了一项新政策,价格是3.5元。"]


def test_placeholders_survive_the_model(engine):
    text = "Click ⟦1⟧here⟦/1⟧ or ⟦12⟧ now."
    assert engine.translate_segments([text], "en", "zh") == ["CLICK ⟦1⟧HERE⟦/1⟧ OR ⟦12⟧ NOW."]
    assert engine.translate_segments(["虹桥⟦3⟧。"], "zh", "en") == ["虹桥⟦3⟧。"]


def test_missing_direction_names_the_package(engine):
    assert engine.has_direction("en", "zh")
    assert not engine.has_direction("en", "fr")
    with pytest.raises(MissingModelError) as err:
        engine.translate_segments(["Hello"], "en", "fr")
    assert str(err.value) == (
        "No Argos package installed for en→fr: install translate-en_fr "
        "with `syndicate models install`"
    )
    assert (err.value.src, err.value.tgt) == ("en", "fr")


def test_model_id_and_empty_batch(engine):
    assert engine.model_id("en", "zh") == "argos:translate-en_zh@0.0.1"
    calls = engine.calls
    assert engine.translate_segments([], "en", "zh") == []
    assert engine.translate_segments(["  "], "en", "zh") == [""]
    assert engine.calls == calls


def test_target_prefix_from_metadata_is_forced_and_stripped(tmp_path, packages_dir):
    src = next(p for p in packages.installed_directions(packages_dir) if p.from_code == "en")
    copy = tmp_path / "pkgs" / src.path.name
    shutil.copytree(src.path, copy)
    meta = json.loads((copy / "metadata.json").read_text())
    (copy / "metadata.json").write_text(json.dumps({**meta, "target_prefix": "▁"}))
    prefixed = Engine(tmp_path / "pkgs", beam_size=1)
    assert prefixed.package("en", "zh").target_prefix == "▁"
    # The copy model emits source piece t at step t; the forced prefix takes step 0 ("▁").
    assert prefixed.translate_segments(["Hello world."], "en", "zh") == ["HELLO WORLD."]
