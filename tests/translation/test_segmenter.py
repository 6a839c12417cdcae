"""Rule-based sentence splitting (pure Python, no model)."""

from __future__ import annotations

import pytest

from syndicate.translation import segmenter
from syndicate.translation.segmenter import sentence_spans, split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello world. Bye!", ["Hello world.", "Bye!"]),
        ("Is it? Yes! Really?! OK.", ["Is it?", "Yes!", "Really?!", "OK."]),
        (
            "Mr. Smith met Dr. Jones. They talked.",
            ["Mr. Smith met Dr. Jones.", "They talked."],
        ),
        ("Prices rose 3.5 percent. Stocks fell.", ["Prices rose 3.5 percent.", "Stocks fell."]),
        ("See e.g. the report. I.e. read it.", ["See e.g. the report.", "I.e. read it."]),
        ("The U.S. economy grew. Jobs rose.", ["The U.S. economy grew.", "Jobs rose."]),
        ("He moved to the U.S. The rest stayed.", ["He moved to the U.S.", "The rest stayed."]),
        (
            "It opened on Jan. 5 in Shanghai. Dec. 1 too.",
            ["It opened on Jan. 5 in Shanghai.", "Dec. 1 too."],
        ),
        (
            "Room No. 5 is free. The answer is No. Next.",
            ["Room No. 5 is free.", "The answer is No.", "Next."],
        ),
        ("J. K. Rowling wrote it. Fans cheered.", ["J. K. Rowling wrote it.", "Fans cheered."]),
        (
            "Apple Inc. reported. Apple Inc. The end.",
            ["Apple Inc. reported.", "Apple Inc.", "The end."],
        ),
        ('He said "Stop." Then he left.', ['He said "Stop."', "Then he left."]),
        ("(It was late.) Next day.", ["(It was late.)", "Next day."]),
        ("Wait... what happened? Nothing.", ["Wait... what happened?", "Nothing."]),
        ("version 2.0 of foo.bar is out", ["version 2.0 of foo.bar is out"]),
        ("", []),
        ("   ", []),
    ],
)
def test_english(text, expected):
    assert split_sentences(text, "en") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("你好。再见！", ["你好。", "再见！"]),
        ("他问：“真的吗？”我说：“是的。”好吧", ["他问：“真的吗？”", "我说：“是的。”", "好吧"]),
        # Stanza and MiniSBD do not split at "；": it joins clauses of one sentence.
        ("第一；第二。", ["第一；第二。"]),
        (
            "设置参观通道；屋顶安装光伏板；咖啡渣交给合作企业。好。",
            ["设置参观通道；屋顶安装光伏板；咖啡渣交给合作企业。", "好。"],
        ),
        ("「走吧。」『好。』（完。）后来", ["「走吧。」", "『好。』", "（完。）", "后来"]),
        ("价格是3.5元。很好!真的?是", ["价格是3.5元。", "很好!", "真的?", "是"]),
        ("他说 Hello. 然后走了。", ["他说 Hello.", "然后走了。"]),
    ],
)
def test_chinese(text, expected):
    assert split_sentences(text, "zh") == expected


def test_closing_placeholders_stay_with_their_sentence():
    text = "Click ⟦1⟧here.⟦/1⟧ Then ⟦2⟧go⟦/2⟧. ⟦3⟧Next⟦/3⟧ one. 你好。⟦/4⟧再见"
    assert split_sentences(text, "zh") == [
        "Click ⟦1⟧here.⟦/1⟧",
        "Then ⟦2⟧go⟦/2⟧.",
        "⟦3⟧Next⟦/3⟧ one.",
        "你好。⟦/4⟧",
        "再见",
    ]


def test_lower_case_after_period_is_not_a_new_sentence():
    assert split_sentences("He arrived at 5 p.m. yesterday. Then left.", "en") == [
        "He arrived at 5 p.m. yesterday.",
        "Then left.",
    ]


def test_spans_point_into_the_text():
    text = "  One.  Two!\nThree? "
    assert [text[a:b] for a, b in sentence_spans(text, "en")] == ["One.", "Two!", "Three?"]


def test_run_on_sentence_is_cut_at_clauses_below_the_limit():
    text = ", ".join(f"clause number {i}" for i in range(100)) + "."
    pieces = split_sentences(text, "en", max_chars=200)
    assert all(len(p) <= 200 for p in pieces)
    assert all(p.endswith(",") for p in pieces[:-1])
    assert " ".join(pieces) == text


def test_run_on_cut_never_splits_a_placeholder():
    text = "word " * 30 + "⟦12⟧x⟦/12⟧ " + "word " * 30
    pieces = split_sentences(text.strip(), "en", max_chars=60)
    assert "".join(pieces).count("⟦") == 2
    assert all(p.count("⟦") == p.count("⟧") for p in pieces)


def test_long_chinese_sentences_are_bounded_at_clause_marks():
    clause = "长三角的官员讨论了一项新政策"  # 14 characters
    text = "，".join([clause] * 40) + "。"  # ~600 characters, one sentence
    pieces = split_sentences(text, "zh")
    assert len(pieces) >= 2
    assert all(len(p) <= segmenter.MAX_CHARS["zh"] for p in pieces)
    assert all(p.endswith("，") for p in pieces[:-1])  # cut after a clause mark, not mid-word
    assert "".join(pieces) == text
    # The same length in English stays whole: the bound is per language.
    english = ", ".join(["officials discussed a new policy"] * 18) + "."
    assert len(english) > segmenter.MAX_CHARS["zh"]
    assert split_sentences(english, "en") == [english]


def test_long_chinese_prefers_semicolons_to_commas():
    part = "，".join(["企业之间信息不对称"] * 6)
    text = "；".join([part] * 8) + "。"
    pieces = split_sentences(text, "zh")
    assert len(pieces) >= 2
    assert all(p.endswith("；") for p in pieces[:-1])
    assert "".join(pieces) == text


def test_chinese_without_any_mark_is_cut_at_the_limit_outside_placeholders():
    text = "长" * 298 + "⟦1⟧三角⟦/1⟧" + "长" * 200
    pieces = split_sentences(text, "zh")
    assert "".join(pieces) == text
    assert all(p.count("⟦") == p.count("⟧") for p in pieces)
    assert all(len(p) <= segmenter.MAX_CHARS["zh"] for p in pieces)
