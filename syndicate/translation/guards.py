"""Checks on what a model wrote, before anything is stored: runaway output and unknown tokens.

- **Runaway output.** int8 OPUS-MT ports are known to loop ("雅典雅典雅典…", LibreTranslate
  issue 414): the output is far longer than the input allows, or one short unit repeats back to
  back.  The engine retries such segments with a repetition penalty; what still runs away is
  replaced by its source text (a sentence left in its language beats a screen of repeats).
- **Unknown tokens.** A model's ``<unk>`` (SentencePiece renders it ``⁇``) must never reach a
  reader.  When the marks match the source's unknown spans one for one, each mark gets its span
  back; otherwise the whole segment keeps its source text.
"""

from __future__ import annotations

import re

from syndicate.translation.tokenizers import UNKNOWN_MARKS

# Characters of output per character of input beyond which a translation is a runaway: Chinese
# is dense (an English sentence of 100 characters is ~35 hanzi), English the other way round.
_MAX_RATIO = {("zh", "en"): 6.0, ("en", "zh"): 2.0}
_DEFAULT_RATIO = 3.0
_SLACK = 24  # short inputs ("OK.") may legitimately grow a lot
# A unit of 1-16 characters with a letter in it, then the same unit at least 3 more times.
_REPEAT = re.compile(r"(.{1,16}?)\1{3,}", re.DOTALL)


def too_long(source: str, output: str, src: str, tgt: str) -> bool:
    ratio = _MAX_RATIO.get((src, tgt), _DEFAULT_RATIO)
    return len(output) > ratio * len(source) + _SLACK


def _repeats(text: str) -> list[str]:
    # Letters and digits only, lower case: "The the the the" and "雅典，雅典，雅典" repeat too.
    # "……", "!!!!", "0000": punctuation and numbers repeat legitimately.
    letters = "".join(c for c in text.lower() if c.isalnum())
    return [m.group(1) for m in _REPEAT.finditer(letters) if any(c.isalpha() for c in m.group(1))]


def repeated_unit(source: str, output: str) -> str | None:
    """The unit repeated back to back in ``output``, if any, when ``source`` repeats nothing
    itself (a source that does, "哈哈哈哈", may well translate into repeats)."""
    found = _repeats(output)
    if not found or _repeats(source):
        return None
    return found[0]


def runaway(source: str, output: str, src: str, tgt: str) -> bool:
    return too_long(source, output, src, tgt) or repeated_unit(source, output) is not None


def unknown_marks(source: str, output: str) -> int:
    """How many unknown-token marks the output has beyond those the source itself contains."""
    return sum(max(0, output.count(m) - source.count(m)) for m in UNKNOWN_MARKS)


_MARK = re.compile("|".join(re.escape(m) for m in UNKNOWN_MARKS))


def restore_unknowns(source: str, output: str, spans: list[str]) -> tuple[str, bool]:
    """``output`` with each unknown mark replaced by the source span it stands for, and whether
    that was possible (one mark per span, in order); if not, the source text itself."""
    if not unknown_marks(source, output):
        return output, True
    marks = _MARK.findall(output)
    if spans and len(marks) == len(spans) and not any(_MARK.search(s) for s in spans):
        spans_left = iter(spans)
        return _MARK.sub(lambda _m: next(spans_left), output), True
    return source, False
