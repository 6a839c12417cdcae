"""Translate HTML article bodies sentence by sentence, in context, without losing markup.

``extract`` turns a body into a template plus a list of unique, normalised segments (sentences).
Inline markup inside a sentence travels as placeholders (``⟦1⟧link text⟦/1⟧``), so a sentence that
spans ``<a>``/``<em>`` is translated as one sentence.  The caller translates the segments however
it likes (cache lookups, then one batched model call for the misses) and ``rebuild`` puts the
translations back.  ``img alt`` and ``title`` attributes are translated too; ``code``/``pre``/
``kbd``/``samp`` and anything under ``translate="no"`` are left exactly as they were.

If a model drops or scrambles placeholders, the affected elements are appended to their block
with their original content: text may be imperfect, markup is never lost.
"""

from __future__ import annotations

import html as htmllib
import re
import secrets
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from syndicate.translation import placeholders, segmenter, textfix

TranslateMany = Callable[[list[str]], list[str]]

INLINE_TAGS = frozenset({
    "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "br", "cite", "code", "data", "del",
    "dfn", "em", "font", "i", "img", "ins", "kbd", "label", "mark", "q", "s", "samp", "small",
    "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr",
})  # fmt: skip
OPAQUE_TAGS = frozenset({
    "code", "kbd", "samp", "pre", "script", "style", "textarea", "svg", "math", "template",
    "noscript", "iframe", "object", "canvas",
})  # fmt: skip
VOID_TAGS = frozenset({"img", "br", "wbr", "hr", "input", "area"})
TRANSLATED_ATTRIBUTES = ("alt", "title")
ALT_TAGS = frozenset({"img", "area", "input"})


def normalize_segment(text: str) -> str:
    """The canonical form of a segment: NFC, whitespace collapsed and trimmed (a cache key)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def translatable(text: str) -> bool:
    """Worth a model call: has a letter (any script) outside placeholders."""
    return any(ch.isalpha() for ch in placeholders.strip(text))


# Templates -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Keep:
    """A sentence with nothing to translate ("2024.", "—"): joined like a translated one."""

    text: str


@dataclass
class _Slot:
    """Where one piece of text goes back.  ``parts`` items: ``str``, a literal carrying its own
    white space (and maybe placeholders); ``(segment index, local→unit placeholder mapping)``;
    or ``_Keep``.  Consecutive sentences (segments and keeps) are joined per target language."""

    parts: list[str | _Keep | tuple[int, dict[int, int]]] = field(default_factory=list)


@dataclass
class _Element:
    start: str  # serialised start tag, e.g. '<a href="/x">'
    end: str  # '</a>', '' for void and opaque elements
    outer: str  # the whole original element, for fallbacks (and opaque/void elements)
    paired: bool  # has translatable content between start and end
    ancestors: tuple[int, ...] = ()  # enclosing placeholder indices in the same unit


@dataclass
class _Unit:
    slot: _Slot
    elements: dict[int, _Element]


@dataclass
class HtmlTemplate:
    skeleton: str
    nonce: str
    units: dict[int, _Unit]
    attributes: dict[int, _Slot]
    segment_count: int

    def render(self, translations: Sequence[str], lang: str) -> str:
        _check_count(translations, self.segment_count)

        def unit(m: re.Match[str]) -> str:
            u = self.units[int(m.group(1))]
            return _render_unit(_fill(u.slot, translations, lang), u.elements)

        out = _marker_re(self.nonce, "u").sub(unit, self.skeleton)
        return _marker_re(self.nonce, "a").sub(
            lambda m: htmllib.escape(
                placeholders.strip(_fill(self.attributes[int(m.group(1))], translations, lang))
            ),
            out,
        )


@dataclass
class TextTemplate:
    """Plain text: lines kept, each line split into sentences."""

    lines: list[tuple[str, _Slot | None, str]]  # (leading space, sentences, trailing space)
    segment_count: int

    def render(self, translations: Sequence[str], lang: str) -> str:
        _check_count(translations, self.segment_count)
        out = []
        for lead, slot, trail in self.lines:
            body = placeholders.strip(_fill(slot, translations, lang)) if slot else ""
            out.append(f"{lead}{body}{trail}")
        return "\n".join(out)


def _check_count(translations: Sequence[str], expected: int) -> None:
    if len(translations) != expected:
        raise ValueError(f"expected {expected} translations, got {len(translations)}")


class _Segments:
    """Unique segments in first-seen order, so the caller sends each sentence once."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self._index: dict[str, int] = {}

    def add(self, segment: str) -> int:
        if segment not in self._index:
            self._index[segment] = len(self.items)
            self.items.append(segment)
        return self._index[segment]


def _marker(nonce: str, kind: str, index: int) -> str:
    # Supplementary private-use characters plus a per-document nonce cannot clash with content.
    return f"\U00100000{nonce}{kind}{index}\U00100001"


def _marker_re(nonce: str, kind: str) -> re.Pattern[str]:
    return re.compile(f"\U00100000{nonce}{kind}(\\d+)\U00100001")


# Plain text ------------------------------------------------------------------------------------


def extract_text(text: str, src: str) -> tuple[TextTemplate, list[str]]:
    segments = _Segments()
    lines = []
    for line in text.split("\n"):
        stripped = line.strip()
        lead = line[: len(line) - len(line.lstrip())]
        trail = line[len(line.rstrip()) :]
        if not translatable(stripped):
            lines.append((line, None, ""))
            continue
        slot = _Slot()
        for sentence in segmenter.split_sentences(placeholders.defang(stripped), src):
            _add_sentence(slot, sentence, segments)
        lines.append((lead, slot, trail))
    return TextTemplate(lines, len(segments.items)), segments.items


def translate_text(text: str, src: str, tgt: str, translate_many: TranslateMany) -> str:
    """Titles, summaries, captions: plain text in, plain text out (line breaks kept)."""
    template, segments = extract_text(text, src)
    return rebuild(template, translate_many(segments) if segments else [], tgt)


# HTML ------------------------------------------------------------------------------------------


def extract(html: str, src: str) -> tuple[HtmlTemplate, list[str]]:
    """Template and unique normalised segments of an HTML fragment (an article body)."""
    nonce = secrets.token_hex(4)
    if not html.strip():
        return HtmlTemplate(html, nonce, {}, {}, 0), []
    import lxml.html

    root = lxml.html.fragment_fromstring(html, create_parent="div")
    walker = _Walker(src, nonce)
    walker.block(root)
    skeleton = htmllib.escape(root.text or "", quote=False) + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in root
    )
    segments = walker.segments.items
    return HtmlTemplate(skeleton, nonce, walker.units, walker.attributes, len(segments)), segments


def rebuild(template: HtmlTemplate | TextTemplate, translations: Sequence[str], tgt: str) -> str:
    """Put ``translations`` (one per segment, same order as ``extract`` returned) back."""
    return template.render(translations, tgt)


def translate_html(html: str, src: str, tgt: str, translate_many: TranslateMany) -> str:
    template, segments = extract(html, src)
    return rebuild(template, translate_many(segments) if segments else [], tgt)


def _opaque(el) -> bool:
    tag = el.tag if isinstance(el.tag, str) else ""
    return tag.lower() in OPAQUE_TAGS or (el.get("translate") or "").strip().lower() == "no"


class _Walker:
    def __init__(self, src: str, nonce: str):
        self.src = src
        self.nonce = nonce
        self.segments = _Segments()
        self.units: dict[int, _Unit] = {}
        self.attributes: dict[int, _Slot] = {}

    # structure

    def _is_inline(self, el) -> bool:
        """Inline tag with only inline content (``<a>`` wrapping a ``<div>`` acts as a block)."""
        if not isinstance(el.tag, str):
            return True  # comments and processing instructions ride along untouched
        tag = el.tag.lower()
        if tag not in INLINE_TAGS:
            return False
        return tag in OPAQUE_TAGS or all(self._is_inline(c) for c in el if not _opaque(c))

    def block(self, el) -> None:
        """A container: runs of text + inline children between block children become units."""
        if _opaque(el):
            return
        self.attrs(el)
        holder, run = (el, "text"), []
        for child in list(el):
            if self._is_inline(child):
                run.append(child)
                continue
            self._flush(el, holder, run)
            self.block(child)
            holder, run = (child, "tail"), []
        self._flush(el, holder, run)

    def attrs(self, el) -> None:
        if not isinstance(el.tag, str):
            return
        for name in TRANSLATED_ATTRIBUTES:
            value = el.get(name)
            if name == "alt" and el.tag.lower() not in ALT_TAGS:
                continue
            if value is None or not translatable(value):
                continue
            slot = _Slot()
            for sentence in segmenter.split_sentences(placeholders.defang(value), self.src):
                _add_sentence(slot, sentence, self.segments)
            index = len(self.attributes)
            self.attributes[index] = slot
            el.set(name, _marker(self.nonce, "a", index))

    # units

    def _flush(self, parent, holder: tuple[object, str], run: list) -> None:
        node, attr = holder
        elements: dict[int, _Element] = {}
        text = placeholders.defang(getattr(node, attr) or "")
        for child in run:
            text += self._inline(child, elements, ())
            text += placeholders.defang(child.tail or "")
        if not translatable(text):
            return  # nothing to translate: leave the nodes exactly as they are
        index = len(self.units)
        self.units[index] = _Unit(self._slot(text, elements), elements)
        setattr(node, attr, _marker(self.nonce, "u", index))
        for child in run:
            parent.remove(child)  # lxml removes the tail with the element

    def _inline(self, el, elements: dict[int, _Element], ancestors: tuple[int, ...]) -> str:
        import lxml.html

        index = len(elements) + 1
        if not isinstance(el.tag, str):
            outer = lxml.html.tostring(el, encoding="unicode", with_tail=False)
            elements[index] = _Element("", "", outer, False, ancestors)
            return placeholders.token(index)
        opaque = _opaque(el)
        if not opaque:
            self.attrs(el)
        outer = lxml.html.tostring(el, encoding="unicode", with_tail=False)
        if opaque or el.tag.lower() in VOID_TAGS:
            elements[index] = _Element("", "", outer, False, ancestors)
            return placeholders.token(index)
        start, end = _split_tags(el)
        elements[index] = _Element(start, end, outer, True, ancestors)
        inner = placeholders.defang(el.text or "")
        for child in el:
            inner += self._inline(child, elements, (*ancestors, index))
            inner += placeholders.defang(child.tail or "")
        return f"{placeholders.token(index)}{inner}{placeholders.token(index, closing=True)}"

    def _slot(self, text: str, elements: dict[int, _Element]) -> _Slot:
        slot = _Slot()
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()) :]
        body = " ".join(text.split())
        prefix, body, suffix = _peel(body, elements)
        slot.parts.append(lead + prefix)
        # A line break is a hard boundary: never translate across it.
        for i, piece in enumerate(_split_on_breaks(body, elements)):
            if i % 2:
                slot.parts.append(piece)
                continue
            for sentence in segmenter.split_sentences(piece, self.src):
                _add_sentence(slot, sentence, self.segments)
        slot.parts.append(suffix + trail)
        return slot


def _split_tags(el) -> tuple[str, str]:
    import lxml.html

    shell = el.makeelement(el.tag, dict(el.attrib))
    shell.text = "\U00100002"
    start, end = lxml.html.tostring(shell, encoding="unicode").split("\U00100002")
    return start, end


def _peel(body: str, elements: dict[int, _Element]) -> tuple[str, str, str]:
    """Move placeholders wrapping the whole unit (a paragraph that is one link, a leading image)
    out of the segments: fewer placeholders for the model to lose."""
    prefix = suffix = ""
    while True:
        m = re.match(r"⟦(\d+)⟧\s*", body)
        if not m:
            break
        index = int(m.group(1))
        element = elements.get(index)
        close = placeholders.token(index, closing=True)
        if element is not None and not element.paired:
            prefix, body = prefix + m.group(0), body[m.end() :]
            continue
        tail = re.search(rf"\s*{re.escape(close)}$", body)
        if element is None or not tail or body.count(close) != 1:
            break
        prefix, suffix = prefix + m.group(0), tail.group(0) + suffix
        body = body[m.end() : tail.start()]
    while True:
        m = re.search(r"\s*⟦(\d+)⟧$", body)
        element = elements.get(int(m.group(1))) if m else None
        if not m or element is None or element.paired:
            break
        body, suffix = body[: m.start()], m.group(0) + suffix
    return prefix, body, suffix


def _split_on_breaks(body: str, elements: dict[int, _Element]) -> list[str]:
    """[text, break, text, break, …]: breaks are standalone ``<br>`` placeholders."""
    breaks = [i for i, e in elements.items() if not e.paired and e.outer.lower().startswith("<br")]
    if not breaks:
        return [body]
    pattern = "|".join(re.escape(placeholders.token(i)) for i in breaks)
    return re.split(f"(\\s*(?:{pattern})\\s*)", body)


def _add_sentence(slot: _Slot, sentence: str, segments: _Segments) -> None:
    sentence = normalize_segment(sentence)
    if not translatable(sentence):
        slot.parts.append(_Keep(sentence))
        return
    # Segment-local numbering: the same sentence gets the same key wherever it appears.
    mapping: dict[int, int] = {}
    for index in (int(m.group(2)) for m in placeholders.PATTERN.finditer(sentence)):
        mapping.setdefault(index, len(mapping) + 1)
    local = placeholders.renumber(sentence, mapping)
    slot.parts.append((segments.add(local), {v: k for k, v in mapping.items()}))


def _fill(slot: _Slot, translations: Sequence[str], lang: str) -> str:
    out: list[str] = []
    sentences: list[str] = []
    for part in slot.parts:
        if isinstance(part, str):
            out.append(textfix.join_sentences(sentences, lang))
            out.append(part)
            sentences = []
        elif isinstance(part, _Keep):
            sentences.append(part.text)
        else:
            index, mapping = part
            sentences.append(placeholders.renumber(translations[index], mapping))
    out.append(textfix.join_sentences(sentences, lang))
    return "".join(out)


def _render_unit(text: str, elements: dict[int, _Element]) -> str:
    tokens = list(placeholders.iter_tokens(text))
    valid = _valid_pairs(tokens, elements)
    out: list[str] = []
    emitted: set[int] = set()
    dropped = False  # a placeholder vanished: don't let its spaces pile up
    for kind, value in tokens:
        if kind == "text":
            piece = htmllib.escape(str(value), quote=False)
            if dropped and piece.startswith(" ") and (not out or out[-1].endswith(" ")):
                piece = piece[1:]
            out.append(piece)
            dropped = False
            continue
        index = int(value)
        element = elements.get(index)
        html = None
        if element is not None and not element.paired:
            if kind == "open" and index not in emitted:
                html = element.outer
        elif element is not None and index in valid:
            html = element.start if kind == "open" else element.end
        if html is None:
            dropped = True  # hallucinated, duplicated or unmatched
            continue
        out.append(html)
        emitted.add(index)
    lost = [i for i in elements if i not in emitted]
    for index in lost:
        if any(a in lost for a in elements[index].ancestors):
            continue  # its lost ancestor's original HTML contains it
        out.append(" " + elements[index].outer)
    return "".join(out)


def _valid_pairs(tokens: list[tuple[str, str | int]], elements: dict[int, _Element]) -> set[int]:
    """Paired placeholders that open once, close once, in order and properly nested."""
    counts: dict[tuple[str, int], int] = {}
    for kind, value in tokens:
        if kind != "text":
            counts[(kind, int(value))] = counts.get((kind, int(value)), 0) + 1
    candidates = {
        i
        for i, e in elements.items()
        if e.paired and counts.get(("open", i)) == 1 and counts.get(("close", i)) == 1
    }
    while True:
        stack: list[int] = []
        bad: set[int] = set()
        for kind, value in tokens:
            if kind == "text" or int(value) not in candidates:
                continue
            index = int(value)
            if kind == "open":
                stack.append(index)
            elif stack and stack[-1] == index:
                stack.pop()
            else:
                bad.add(index)  # closes before opening, or across another element
        bad.update(stack)
        if not bad:
            return candidates
        candidates -= bad
