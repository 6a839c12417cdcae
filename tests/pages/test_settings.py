"""SYNDICATE_SITE_NAME and SYNDICATE_WEBSUB_HUBS: parsed, validated, and a bad value named."""

from __future__ import annotations

import pytest

from syndicate import config


def test_site_name_per_language_or_for_all():
    values = config.load({"SYNDICATE_SITE_NAME": "en=Hongqiao News | zh=虹桥新闻"})
    assert values["SYNDICATE_SITE_NAME"] == {"en": "Hongqiao News", "zh": "虹桥新闻"}
    assert config.load({"SYNDICATE_SITE_NAME": "Metro"})["SYNDICATE_SITE_NAME"] == {"*": "Metro"}
    assert config.load({})["SYNDICATE_SITE_NAME"] == {}


@pytest.mark.parametrize("raw", ["en=Hongqiao News|fr=Nouvelles", "en=|zh=虹桥新闻", "en=A|zh"])
def test_bad_site_names_are_refused(raw):
    with pytest.raises(config.ConfigError, match="SYNDICATE_SITE_NAME"):
        config.load({"SYNDICATE_SITE_NAME": raw})


def test_websub_hubs():
    raw = "https://pubsubhubbub.appspot.com/, https://hub.example.net/publish"
    assert config.load({"SYNDICATE_WEBSUB_HUBS": raw})["SYNDICATE_WEBSUB_HUBS"] == (
        "https://pubsubhubbub.appspot.com/",
        "https://hub.example.net/publish",
    )
    assert config.load({})["SYNDICATE_WEBSUB_HUBS"] == ()
    with pytest.raises(config.ConfigError, match=r"SYNDICATE_WEBSUB_HUBS.*not an absolute"):
        config.load({"SYNDICATE_WEBSUB_HUBS": "hub.example.net"})


def test_site_name_in_pages(site):
    from flask import g

    from syndicate.feed import labels

    with site.test_request_context():
        g.language = "en"
        assert labels.site_name(site.config, "zh") == "虹桥新闻"
        assert labels.site_name({"SYNDICATE_SITE_NAME": {"en": "Metro"}}, "zh") == "Metro"
        assert labels.site_name({"SYNDICATE_SITE_NAME": {}}, "zh") == "新闻"
