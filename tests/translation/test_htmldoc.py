"""HTML bodies: extract/rebuild alone, and translate_html through the real tiny model."""

from __future__ import annotations

import re

import pytest

from syndicate.translation.htmldoc import extract, normalize_segment, rebuild, translate_text
from syndicate.translation.pipeline import MemoryCache, Translator


def upper(segments: list[str]) -> list[str]:
    return [s.upper() for s in segments]


def test_a_sentence_spanning_inline_markup_is_one_segment():
    html = '<p>Read <a href="/s" class="x">the <b>full</b> story</a> today. Thanks!</p>'
    template, segments = extract(html, "en")
    assert segments == ["Read ⟦1⟧the ⟦2⟧full⟦/2⟧ story⟦/1⟧ today.", "Thanks!"]
    assert rebuild(template, upper(segments), "en") == (
        '<p>READ <a href="/s" class="x">THE <b>FULL</b> STORY</a> TODAY. THANKS!</p>'
    )


def test_segments_are_unique_normalised_and_numbered_per_segment():
    html = "<p>Hi  <em>there</em>.\n Bye.</p><p>Bye.</p><p>Hi <b>there</b>.</p><p>\u00a0</p>"
    _, segments = extract(html, "en")
    assert segments == ["Hi ⟦1⟧there⟦/1⟧.", "Bye."]
    assert normalize_segment(" Cafe\u0301 \n au  lait ") == "Café au lait"


def test_blocks_nested_blocks_and_tables():
    html = (
        "Loose <em>text</em><div>Inner <p>para</p> tail</div>"
        "<ul><li>One <ul><li>Nested</li></ul> after</li></ul>"
        "<table><tr><td>Cell.</td><th>Head</th></tr></table>"
        "<h2>Title</h2><blockquote><p>Quote.</p></blockquote><dl><dt>Term</dt><dd>Def</dd></dl>"
    )
    template, segments = extract(html, "en")
    assert segments == [
        "Loose ⟦1⟧text⟦/1⟧", "Inner", "para", "tail", "One", "Nested", "after", "Cell.",
        "Head", "Title", "Quote.", "Term", "Def",
    ]  # fmt: skip
    out = rebuild(template, upper(segments), "en")
    tags = re.compile(r"<[^>]+>")
    assert tags.findall(out) == tags.findall(html)
    assert "INNER <p>PARA</p> TAIL" in out and "<td>CELL.</td><th>HEAD</th>" in out
    assert out.startswith("LOOSE <em>TEXT</em><div>")


def test_untranslatable_parts_are_kept_byte_for_byte():
    html = (
        '<pre>x = 1  # keep</pre><p translate="no">Do not <b>translate</b>.</p>'
        "<p>Run <code>pip  install</code> and <kbd>Ctrl</kbd>, see <samp>OK</samp> "
        '<span translate="no">Brand</span>.</p><p>2024 — 3.5%</p>'
    )
    template, segments = extract(html, "en")
    assert segments == ["Run ⟦1⟧ and ⟦2⟧, see ⟦3⟧ ⟦4⟧."]
    assert rebuild(template, upper(segments), "en") == html.replace("Run ", "RUN ").replace(
        " and ", " AND "
    ).replace(", see ", ", SEE ")


def test_line_breaks_are_hard_boundaries_and_escaping_is_kept():
    html = "<p>Line one<br>line two &amp; <b>&lt;more&gt;</b></p>"
    template, segments = extract(html, "en")
    assert segments == ["Line one", "line two & ⟦1⟧<more>⟦/1⟧"]
    assert rebuild(template, upper(segments), "en") == (
        "<p>LINE ONE<br>LINE TWO &amp; <b>&lt;MORE&gt;</b></p>"
    )


def test_forged_placeholders_in_source_are_defanged():
    template, segments = extract("<p>Literal ⟦1⟧ text</p>", "en")
    assert segments == ["Literal 〚1〛 text"]
    assert rebuild(template, upper(segments), "en") == "<p>LITERAL 〚1〛 TEXT</p>"


def test_whole_link_paragraph_keeps_placeholders_out_of_the_segment():
    template, segments = extract('<p><a href="/x"><img src="i.png"> All of it.</a></p>', "en")
    assert segments == ["All of it."]
    assert rebuild(template, ["ALL."], "en") == '<p><a href="/x"><img src="i.png"> ALL.</a></p>'


def test_dropped_or_scrambled_placeholders_never_lose_a_tag():
    html = '<p>Hello <a href="/x">brave <b>new</b> world</a>. Bye <img src="i.png" alt="pic">!</p>'
    template, segments = extract(html, "en")
    assert segments == ["pic", "Hello ⟦1⟧brave ⟦2⟧new⟦/2⟧ world⟦/1⟧.", "Bye ⟦1⟧!"]
    dropped = rebuild(template, ["PIC", "HELLO BRAVE NEW WORLD.", "BYE!"], "en")
    assert dropped == (
        '<p>HELLO BRAVE NEW WORLD. BYE! <a href="/x">brave <b>new</b> world</a> '
        '<img src="i.png" alt="PIC"></p>'
    )
    crossed = rebuild(template, ["PIC", "⟦1⟧HELLO ⟦2⟧BRAVE⟦/1⟧ NEW⟦/2⟧ ⟦7⟧.", "BYE ⟦1⟧!"], "en")
    # <a> and <b> cross: <b> survives, <a> comes back whole; the made-up ⟦7⟧ disappears.
    assert crossed == (
        '<p>HELLO <b>BRAVE NEW</b>. BYE <img src="i.png" alt="PIC">! '
        '<a href="/x">brave <b>new</b> world</a></p>'
    )


def test_rebuild_wants_one_translation_per_segment():
    template, _ = extract("<p>One. Two.</p>", "en")
    with pytest.raises(ValueError, match="expected 2 translations, got 1"):
        rebuild(template, ["ONE."], "en")


def test_plain_text_keeps_lines():
    assert translate_text("One. Two!\n\n  Three", "en", "en", upper) == "ONE. TWO!\n\n  THREE"
    assert translate_text("", "en", "zh", upper) == ""


# Through the real tiny model -------------------------------------------------------------------


@pytest.mark.translation
def test_translate_html_end_to_end_in_one_model_call(engine):
    translator = Translator(engine, "en", "zh", cache=MemoryCache())
    html = (
        '<p>Read <a href="https://example.com/a?b=1&amp;c=2" hreflang="zh" title="Our story">'
        "the <strong>full</strong> story</a> today. Thanks!</p>"
        '<figure><img src="/cat.png" alt="A cat." width="10"><figcaption>The cat, asleep.'
        "</figcaption></figure>"
        '<p translate="no">Keep me.</p><p>Use <code>pip install</code> now.</p><pre>raw</pre>'
    )
    calls = engine.calls

    out = translator.translate_html(html)

    assert out == (
        '<p>READ <a href="https://example.com/a?b=1&amp;c=2" hreflang="zh" title="OUR STORY">'
        "THE <strong>FULL</strong> STORY</a> TODAY。THANKS！</p>"
        '<figure><img src="/cat.png" alt="A CAT。" width="10"><figcaption>THE CAT，ASLEEP。'
        "</figcaption></figure>"
        '<p translate="no">Keep me.</p><p>USE <code>pip install</code> NOW。</p><pre>raw</pre>'
    )
    assert engine.calls == calls + 1
    assert translator.stats.translated == 6


@pytest.mark.translation
def test_unchanged_article_is_served_from_cache_with_zero_model_calls(engine):
    cache = MemoryCache()
    html = "<p>One sentence. Another <em>one</em>.</p><p>Third.</p>"
    first = Translator(engine, "en", "zh", cache=cache).translate_html(html)
    calls = engine.calls
    again = Translator(engine, "en", "zh", cache=cache)
    assert again.translate_html(html) == first
    assert engine.calls == calls
    assert again.stats.cache_hits == 3
    # One edited sentence costs one segment.
    edited = Translator(engine, "en", "zh", cache=cache)
    edited.translate_html("<p>One sentence. Another <em>one</em>.</p><p>Fourth.</p>")
    assert (edited.stats.translated, engine.calls) == (1, calls + 1)


@pytest.mark.translation
def test_glossary_inside_markup_end_to_end(engine):
    translator = Translator(
        engine, "en", "zh", glossary={"Hongqiao": "虹桥", "KINGDOM Coffee": None}
    )
    out = translator.translate_html('<p>Visit <a href="/k">KINGDOM Coffee</a> in Hongqiao.</p>')
    assert out == '<p>VISIT <a href="/k">KINGDOM Coffee</a> IN 虹桥。</p>'


@pytest.mark.translation
def test_zh_to_en_html(engine):
    translator = Translator(engine, "zh", "en")
    out = translator.translate_html('<p>你好，<a href="/w">世界</a>！再见。</p>')
    assert out == '<p>你好, <a href="/w">世界</a>! 再见.</p>'
