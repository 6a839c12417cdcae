"""The sitemaps.org 0.9 protocol and Google's extensions, as checks on parsed documents: the
rules a crawler or the protocol's XML schema would reject a file for."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from lxml import etree

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
MAX_URLS = 50_000
MAX_BYTES = 50 * 1024 * 1024
URL_CHILDREN = {f"{{{SITEMAP_NS}}}{name}" for name in ("loc", "lastmod", "changefreq", "priority")}


def parse(data: bytes) -> etree._Element:
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert len(data) <= MAX_BYTES
    data.decode("utf-8")  # the protocol requires UTF-8
    return etree.fromstring(data)


def check_loc(loc: str | None, base_url: str) -> str:
    """Absolute, on the site's own host (a sitemap may only list URLs under its location),
    12 to 2,048 characters (the schema's bounds), nothing XML would have to escape wrongly."""
    assert loc is not None and loc == loc.strip()
    assert 12 <= len(loc) <= 2048
    parts = urlsplit(loc)
    assert parts.scheme in ("http", "https") and parts.netloc == urlsplit(base_url).netloc, loc
    return loc


def check_lastmod(text: str | None) -> datetime:
    """W3C Datetime with a time zone (the schema's xsd:dateTime)."""
    assert text is not None
    moment = datetime.fromisoformat(text)
    assert moment.tzinfo is not None, text
    return moment


def urlset(data: bytes, base_url: str) -> dict[str, dict]:
    """``{loc: {"lastmod": datetime | None, "alternates": {hreflang: href}}}`` of a urlset,
    checked against the protocol: namespace, element order, at most 50,000 URLs, unique locs."""
    root = parse(data)
    assert root.tag == f"{{{SITEMAP_NS}}}urlset"
    assert root.nsmap[None] == SITEMAP_NS
    urls = list(root)
    assert 0 < len(urls) <= MAX_URLS
    found: dict[str, dict] = {}
    for url in urls:
        assert url.tag == f"{{{SITEMAP_NS}}}url"
        children = list(url)
        assert children[0].tag == f"{{{SITEMAP_NS}}}loc"  # loc first, then the optional ones
        loc = check_loc(children[0].text, base_url)
        assert loc not in found, f"{loc} listed twice"
        lastmod = None
        alternates: dict[str, str] = {}
        foreign = False
        for child in children[1:]:
            # The protocol's own elements first, then those of other namespaces.
            assert not (foreign and child.tag in URL_CHILDREN), f"{child.tag} after extensions"
            if child.tag == f"{{{SITEMAP_NS}}}lastmod":
                lastmod = check_lastmod(child.text)
            elif child.tag == f"{{{XHTML_NS}}}link":
                foreign = True
                assert child.get("rel") == "alternate"
                hreflang, href = child.get("hreflang"), check_loc(child.get("href"), base_url)
                assert hreflang and hreflang not in alternates
                alternates[hreflang] = href
            else:
                foreign = True
                assert not child.tag.startswith(f"{{{SITEMAP_NS}}}") or child.tag in URL_CHILDREN
        found[loc] = {"lastmod": lastmod, "alternates": alternates}
    return found


def check_reciprocal(urls: dict[str, dict]) -> None:
    """Each page lists itself among its alternates, and every alternate (listed in the same
    set) lists exactly the same alternates back."""
    for loc, entry in urls.items():
        alternates = entry["alternates"]
        if not alternates:
            continue
        assert loc in alternates.values(), f"{loc} does not list itself"
        for href in alternates.values():
            assert href in urls, f"{loc} names {href}, which is not listed"
            assert urls[href]["alternates"] == alternates, f"{loc} and {href} disagree"


def sitemapindex(data: bytes, base_url: str) -> dict[str, datetime | None]:
    root = parse(data)
    assert root.tag == f"{{{SITEMAP_NS}}}sitemapindex"
    found = {}
    for sitemap in root:
        assert sitemap.tag == f"{{{SITEMAP_NS}}}sitemap"
        loc = check_loc(sitemap.findtext(f"{{{SITEMAP_NS}}}loc"), base_url)
        lastmod = sitemap.findtext(f"{{{SITEMAP_NS}}}lastmod")
        found[loc] = None if lastmod is None else check_lastmod(lastmod)
    assert 0 < len(found) <= MAX_URLS
    return found
