"""Remove code points that XML 1.0 cannot carry, so lxml never raises while rendering.

XML 1.0 (https://www.w3.org/TR/xml/#charsets) allows tab, LF, CR, U+0020–U+D7FF,
U+E000–U+FFFD and U+10000–U+10FFFF. Everything else (C0 controls, lone surrogates, U+FFFE and
U+FFFF) is dropped. JSON Feed gets the same treatment so every format carries the same text.
"""

from __future__ import annotations

import re

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def strip_illegal(text: str) -> str:
    """Return ``text`` without the code points XML 1.0 forbids."""
    return _ILLEGAL.sub("", text)
