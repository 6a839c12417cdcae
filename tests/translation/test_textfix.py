"""Typography of model output, alone and through the real tiny model."""

from __future__ import annotations

import pytest

from syndicate.translation.textfix import fix, join_sentences


@pytest.mark.parametrize(
    ("raw", "fixed"),
    [
        ("HELLO WORLD. BYE!", "HELLO WORLD。BYE！"),
        ("价格是3.5元,很好.", "价格是3.5元，很好。"),
        ("你好 世界 , 再见 !", "你好世界，再见！"),
        ("真的吗? 是的; 好: 走", "真的吗？是的；好：走"),
        ("时间是10:30, 共1,000人.", "时间是10:30，共1,000人。"),
        ("见 https://example.com/a.b 。", "见 https://example.com/a.b。"),
        ("苹果(Apple)公司 (注意) 和 (x)", "苹果（Apple）公司（注意）和 (x)"),
        ("⟦1⟧你好⟦/1⟧ ⟦2⟧世界⟦/2⟧. 再见", "⟦1⟧你好⟦/1⟧⟦2⟧世界⟦/2⟧。再见"),
        ("等等... 然后", "等等... 然后"),
        ('他说: "好."', '他说："好。"'),
        (
            "KINGDOM Coffee Inc. 和 J. K. Rowling 见面.",
            "KINGDOM Coffee Inc. 和 J. K. Rowling 见面。",
        ),
    ],
)
def test_chinese(raw, fixed):
    assert fix(raw, "zh") == fixed


@pytest.mark.parametrize(
    ("raw", "fixed"),
    [
        ("Hello  world , bye !", "Hello world, bye!"),
        ("price ( 5 % ) here .", "price (5%) here."),
        ("Click ⟦1⟧here⟦/1⟧ .", "Click ⟦1⟧here⟦/1⟧."),
        ("你好。再见！", "你好. 再见!"),
        ("a（1）b：c", "a (1) b: c"),
        ("  spaced\tout  ", "spaced out"),
        (
            "Hi,world;again: 1,000 and 3.5 at example.com",
            "Hi, world; again: 1,000 and 3.5 at example.com",
        ),
    ],
)
def test_english(raw, fixed):
    assert fix(raw, "en") == fixed


def test_join_sentences():
    assert join_sentences(["HELLO WORLD。", "BYE！"], "zh") == "HELLO WORLD。BYE！"
    assert join_sentences(["你好。", "再见。"], "zh") == "你好。再见。"
    assert join_sentences(["ENDS WITH LATIN", "NEXT"], "zh") == "ENDS WITH LATIN NEXT"
    assert join_sentences(["One.", "", "Two."], "en") == "One. Two."


@pytest.mark.translation
def test_chinese_punctuation_through_the_model(engine):
    from syndicate.translation.pipeline import Translator

    translator = Translator(engine, "en", "zh")
    assert translator.translate_text("Hello world. Bye!") == "HELLO WORLD。BYE！"
    assert translator.translate_text("Wait, really? Yes: 3.5 (approx.)") == (
        "WAIT，REALLY？YES：3.5 (APPROX.)"
    )


@pytest.mark.translation
def test_english_spacing_through_the_model(engine):
    from syndicate.translation.pipeline import Translator

    translator = Translator(engine, "zh", "en")
    # The identity model returns Chinese; English typography still applies to it.
    assert translator.translate_text("你好 ，世界！再见。") == "你好, 世界! 再见."
