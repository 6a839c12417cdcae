"""A corpus of hostile articles: what a careless CMS, a copy-paste or an attacker may send.

Each case is (name, overrides of a valid article payload). The test only requires what any
input deserves: a 2xx or a 4xx, valid feeds afterwards, and no traceback in the logs.
"""

from __future__ import annotations

CONTROL = "".join(chr(c) for c in range(0x00, 0x20)) + "\x7f\x80\x9f"
BIDI = "\u202eevil\u202c \u2066isolate\u2069 \u200f\u200e\u061c"
EMOJI = "👩🏽‍💻🇨🇳🏳️‍🌈 ZWJ‍sequences 𝕳𝖊𝖑𝖑𝖔 \U0001f9ea"
ENTITY_SOUP = "&amp;amp; &lt;b&gt; &#0; &#1; &#x1F; &#xFFFE; &#xD800; &#1114112; &bogus; &nbsp &"
CDATA = "x ]]> <![CDATA[ y ]]]]><![CDATA[> z"
BROKEN_HTML = "<p><b>unclosed <i>nest</b></i><table><tr><td>cell<p>para</table><div><<>>"
SCRIPTS = (
    "<script>alert(1)</script><svg onload=alert(1)><script>x()</script></svg>"
    "<iframe src='https://evil.example'></iframe><img src=x onerror=alert(1)>"
    "<a href='javascript:alert(1)'>js</a><a href='data:text/html,<script>alert(1)</script>'>d</a>"
    "<a href=' JaVaScRiPt:alert(1)'>spaced</a><object data='x.swf'></object>"
    "<math><mi xlink:href='javascript:alert(1)'>m</mi></math><style>*{}</style>"
    "<form action='https://evil.example'><input name=q></form><base href='https://evil.example'>"
    "<meta http-equiv='refresh' content='0;url=https://evil.example'>"
)
LONG_WORD = "A" * 100_000

CASES: list[tuple[str, dict]] = [
    ("control-characters", {"title": f"t{CONTROL}t", "summary": CONTROL, "body_html": CONTROL}),
    ("bidi", {"title": BIDI, "summary": BIDI, "author": BIDI, "body_html": f"<p>{BIDI}</p>"}),
    ("emoji", {"title": EMOJI, "summary": EMOJI, "tags": [EMOJI], "body_html": f"<p>{EMOJI}</p>"}),
    ("noncharacters", {"title": "a\ufffe\uffffb\ufdd0", "body_html": "<p>\ufffe\uffff</p>"}),
    ("cdata-ends", {"title": CDATA, "summary": CDATA, "body_html": f"<p>{CDATA}</p>"}),
    ("entity-soup", {"title": ENTITY_SOUP, "summary": ENTITY_SOUP, "body_html": ENTITY_SOUP}),
    ("broken-html", {"body_html": BROKEN_HTML, "summary": BROKEN_HTML}),
    ("scripts-and-frames", {"body_html": SCRIPTS, "title": SCRIPTS, "author": SCRIPTS}),
    ("angle-brackets-text", {"title": "Ann Lee <ann@example.com> says a<b && c>d", "author": "<>"}),
    ("only-markup-title", {"title": "<b></b><i> </i>"}),
    ("whitespace-title", {"title": "\u3000\u00a0\u2028\u2029 \t"}),
    ("long-word", {"title": LONG_WORD[:500], "body_html": f"<p>{LONG_WORD}</p>"}),
    ("many-tags", {"tags": [f"t{i}" for i in range(31)]}),
    ("tag-markup", {"tags": ["<script>x</script>", "&amp;", "a]]>b", ""]}),
    ("javascript-canonical", {"canonical_url": "javascript:alert(1)"}),
    ("data-canonical", {"canonical_url": "data:text/html,<script>alert(1)</script>"}),
    ("space-canonical", {"canonical_url": "https://example.com/a b"}),
    ("quote-canonical", {"canonical_url": 'https://example.com/"><script>'}),
    ("idn-canonical", {"canonical_url": "https://例子.测试/路径?q=值#片段"}),
    ("bad-port-canonical", {"canonical_url": "https://example.com:99999999/"}),
    ("ipv6-broken", {"canonical_url": "http://[::1/"}),
    ("javascript-image", {"image": {"url": "javascript:alert(1)", "caption": "c", "alt": "a"}}),
    ("data-image", {"image": {"url": "data:image/svg+xml,<svg onload=alert(1)>", "alt": "a"}}),
    ("relative-image-space", {"image": {"url": "/media/a b<c>.jpg", "caption": "", "alt": ""}}),
    ("image-caption-markup", {"image": {"url": "/m.jpg", "caption": SCRIPTS, "alt": CDATA}}),
    ("protocol-relative-image", {"image": {"url": "//cdn.example.com/x.jpg", "alt": "x"}}),
    ("huge-body", {"body_html": "<p>" + "word " * 1_100_000 + "</p>"}),  # ~5.5 MB: 413
    ("big-but-allowed-body", {"body_html": "<p>" + "word " * 90_000 + "</p>"}),
    ("year-9999", {"published_at": "9999-12-31T23:59:59+00:00"}),
    ("year-9999-offset", {"published_at": "9999-12-31T23:00:00-05:00"}),
    ("year-1-offset", {"published_at": "0001-01-01T00:00:00+14:00"}),
    ("epoch", {"published_at": "1970-01-01T00:00:00Z"}),
    ("last-accepted", {"published_at": "2200-12-31T23:59:59Z"}),
    ("leap-day", {"published_at": "2024-02-29T23:59:59+14:00"}),
    ("offset-minus-12", {"published_at": "2023-01-01T00:00:00-12:00"}),
    ("naive-date", {"published_at": "2023-07-17T09:30:00"}),
    ("date-only", {"published_at": "2023-07-17"}),
    ("leap-second", {"published_at": "2016-12-31T23:59:60Z"}),
    ("feb-30", {"published_at": "2023-02-30T00:00:00Z"}),
    ("updated-before-published", {"updated_at": "2000-01-01T00:00:00Z"}),
    ("numeric-date", {"published_at": 1700000000}),
    ("wrong-types", {"title": 42, "tags": "x", "image": [], "summary": None}),
    ("nested-object-title", {"title": {"$gt": ""}}),
    ("unknown-fields", {"__proto__": {"x": 1}, "constructor": "x"}),
    ("unknown-section", {"section": "../../etc/passwd"}),
    ("id-traversal", {"id": "../../etc/passwd"}),
    ("id-unicode", {"id": "ａｂｃ"}),
    ("id-too-long", {"id": "a" * 121}),
    ("language-unknown", {"language": "fr"}),
]

#: Raw bodies that are not JSON objects at all (sent as application/json).
RAW_BODIES: list[tuple[str, bytes]] = [
    ("invalid-utf8", b'{"title": "\xff\xfe"}'),
    ("lone-surrogate", b'{"title": "\\ud800", "section": "top-news", "language": "en"}'),
    ("deep-nesting", b"[" * 100_000 + b"]" * 100_000),
    ("empty", b""),
    ("null", b"null"),
    ("array", b"[1, 2]"),
    ("nan", b'{"revision": NaN}'),
    ("trailing-garbage", b'{"title": "x"} {"title": "y"}'),
    ("bom", b'\xef\xbb\xbf{"title": "x"}'),
]
