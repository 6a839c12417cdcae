"""Glossary protect/restore, alone and end to end through the real tiny model."""

from __future__ import annotations

import re

import pytest

from syndicate.translation.glossary import Glossary, glossary_version
from syndicate.translation.pipeline import MemoryCache, Translator

TERMS = {"Hongqiao": "虹桥", "Hongqiao Airport": "虹桥机场", "KINGDOM Coffee": None}


def test_protect_longest_match_first_case_insensitive_on_word_boundaries():
    glossary = Glossary(TERMS, "en")
    p = glossary.protect("kingdom  coffee near Hongqiao Airport, not Hongqiaos or hongqiao.")
    assert p.text == "⟦1⟧ near ⟦2⟧, not Hongqiaos or ⟦3⟧."
    assert p.terms == {1: "KINGDOM Coffee", 2: "虹桥机场", 3: "虹桥"}


def test_numbers_continue_after_markup_placeholders_which_are_left_alone():
    glossary = Glossary({"12": "十二", "Hongqiao": "虹桥"}, "en")
    p = glossary.protect("⟦1⟧Hongqiao⟦/1⟧ ⟦12⟧ 12")
    assert p.text == "⟦1⟧⟦13⟧⟦/1⟧ ⟦12⟧ ⟦14⟧"
    restored, complete = glossary.restore(p, "⟦1⟧⟦13⟧⟦/1⟧ ⟦12⟧ ⟦ 14 ⟧")
    assert (restored, complete) == ("⟦1⟧虹桥⟦/1⟧ ⟦12⟧ 十二", True)


def test_chinese_source_terms_match_inside_words():
    glossary = Glossary({"虹桥": "Hongqiao", "KINGDOM Coffee": ""}, "zh")
    p = glossary.protect("我在虹桥喝KINGDOM Coffee。")
    assert p.text == "我在⟦1⟧喝⟦2⟧。"
    assert p.terms == {1: "Hongqiao", 2: "KINGDOM Coffee"}


def test_restore_reports_a_lost_placeholder_and_enforce_patches_copies():
    glossary = Glossary(TERMS, "en")
    p = glossary.protect("We love KINGDOM Coffee in Hongqiao.")
    text, complete = glossary.restore(p, "WE LOVE ⟦1⟧ IN.")
    assert (text, complete) == ("WE LOVE KINGDOM Coffee IN.", False)
    assert glossary.enforce(p, "WE LOVE KINGDOM COFFEE IN HONGQIAO.") == (
        "WE LOVE KINGDOM Coffee IN 虹桥."
    )


def test_glossary_version_is_stable_and_order_independent():
    a = glossary_version({"Hongqiao": "虹桥", "KINGDOM Coffee": "KINGDOM Coffee"})
    b = glossary_version([("KINGDOM Coffee", "KINGDOM Coffee"), ("Hongqiao", "虹桥")])
    assert a == b and re.fullmatch(r"[0-9a-f]{16}", a)
    assert glossary_version({"Hongqiao": "虹桥站"}) != glossary_version({"Hongqiao": "虹桥"})
    assert glossary_version({}) == "none"


def test_cache_key_covers_only_terms_in_the_segment():
    glossary = Glossary(TERMS, "en")
    assert glossary.version_for("Nothing here.") == "none"
    assert glossary.version_for("In hongqiao.") == glossary_version({"Hongqiao": "虹桥"})


@pytest.mark.translation
def test_terms_honoured_end_to_end(engine):
    translator = Translator(engine, "en", "zh", glossary=TERMS)
    assert translator.translate_text(
        "We love KINGDOM Coffee in Hongqiao. Fly from Hongqiao Airport!"
    ) == ("WE LOVE KINGDOM Coffee IN 虹桥。FLY FROM 虹桥机场！")
    assert translator.stats.glossary_fallbacks == 0


@pytest.mark.translation
def test_terms_honoured_zh_to_en(engine):
    translator = Translator(engine, "zh", "en", glossary={"虹桥": "Hongqiao"})
    assert translator.translate_text("我在虹桥喝咖啡。") == "我在Hongqiao喝咖啡."


@pytest.mark.translation
def test_lost_placeholder_falls_back_to_plain_translation(engine):
    class Dropping:
        """The real engine, but like a weak model it loses every placeholder."""

        def model_id(self, src, tgt):
            return engine.model_id(src, tgt)

        def translate_segments(self, texts, src, tgt):
            out = engine.translate_segments(texts, src, tgt)
            return [re.sub(r"⟦/?\d+⟧", "", t) for t in out]

    translator = Translator(Dropping(), "en", "zh", glossary=TERMS)
    assert translator.translate_text("We love KINGDOM Coffee in Hongqiao.") == (
        "WE LOVE KINGDOM Coffee IN 虹桥。"
    )
    assert translator.stats.glossary_fallbacks == 1
    assert translator.stats.engine_calls == 2


@pytest.mark.translation
def test_editing_an_unrelated_term_keeps_cached_translations(engine):
    cache = MemoryCache()
    Translator(engine, "en", "zh", glossary=TERMS, cache=cache).translate_text("Hello. Hongqiao.")
    edited = {**TERMS, "Pudong": "浦东"}
    again = Translator(engine, "en", "zh", glossary=edited, cache=cache)
    again.translate_text("Hello. Hongqiao.")
    assert again.stats.engine_calls == 0
    changed = Translator(engine, "en", "zh", glossary={**TERMS, "Hongqiao": "虹桥站"}, cache=cache)
    assert changed.translate_text("Hello. Hongqiao.") == "HELLO。虹桥站。"
    assert changed.stats.translated == 1  # only the sentence whose term changed
