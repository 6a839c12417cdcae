"""Building blocks for tests: a section tree and articles through the real API."""

from __future__ import annotations

SECTIONS = [
    {
        "slug": "hongqiao-yrd",
        "parent": None,
        "name": {"en": "Hongqiao Intl and YRD", "zh": "虹桥国际与长三角"},
    },
    {
        "slug": "industrial-cooperation",
        "parent": "hongqiao-yrd",
        "name": {"en": "Industrial Cooperation", "zh": "产业合作"},
    },
    {"slug": "top-news", "parent": None, "name": {"en": "Top News", "zh": "头条新闻"}},
]


def make_sections(client, admin) -> None:
    for section in SECTIONS:
        response = client.post("/api/v1/sections", json=section, headers=admin)
        assert response.status_code == 201, response.get_json()


def article_payload(**overrides) -> dict:
    payload = {
        "id": "yrd-branches-cooperate",
        "section": "industrial-cooperation",
        "language": "en",
        "title": "Party branches in YRD cooperate",
        "summary": "Fifteen cities sign up to an alliance.",
        "body_html": "<p>Branches in <a href='https://example.com/yrd'>15 cities</a> met.</p>",
        "author": "Li Wei",
        "source": "LMS",
        "image": {"url": "/media/yrd.jpg", "caption": "Representatives", "alt": "People"},
        "tags": ["YRD", "cooperation"],
        "canonical_url": None,
        "status": "draft",
        "published_at": "2023-07-17T09:30:00+08:00",
    }
    payload.update(overrides)
    return payload
