import re
from pathlib import Path

import pytest

from syndicate import config

README = Path(__file__).resolve().parent.parent / "README.md"


def test_every_setting_is_documented_in_the_readme():
    text = README.read_text()
    documented = set(re.findall(r"^\| `SYNDICATE_([A-Z_]+)` \|", text, re.MULTILINE))
    declared = {s.name for s in config.SETTINGS}
    assert declared - documented == set(), "settings missing from the README"
    assert documented - declared == set(), "README documents settings that do not exist"


def test_every_setting_has_a_doc_string():
    for setting in config.SETTINGS:
        assert len(setting.doc) > 20, setting.name


def test_environment_overrides_and_validation():
    values = config.load({"SYNDICATE_PAGE_SIZE": "50", "SYNDICATE_AUTO_TRANSLATE": "no"})
    assert values["SYNDICATE_PAGE_SIZE"] == 50
    assert values["SYNDICATE_AUTO_TRANSLATE"] is False
    with pytest.raises(config.ConfigError) as raised:
        config.load(
            {
                "SYNDICATE_TIMEZONE": "Mars/Olympus",
                "SYNDICATE_DATABASE_URL": "mysql://x",
                "SYNDICATE_CACHE_MAX_AGE": "-1",
            }
        )
    message = str(raised.value)
    for name in ("SYNDICATE_TIMEZONE", "SYNDICATE_DATABASE_URL", "SYNDICATE_CACHE_MAX_AGE"):
        assert name in message


def test_defaults_fill_embedded_paths(tmp_path):
    values = config.load({"SYNDICATE_INSTANCE_PATH": str(tmp_path)})
    assert values["SYNDICATE_DATABASE_URL"] == f"sqlite:///{tmp_path / 'syndicate.db'}"
    assert values["SYNDICATE_QUEUE_URL"] == f"sqlite:///{tmp_path / 'queue.db'}"
