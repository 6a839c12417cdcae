"""Real (tiny) Argos packages for the translation tests, built once per session.

The en→zh package maps a–z to A–Z and the zh→en one is the identity, through a genuine
CTranslate2 model and SentencePiece tokenizer, so outputs are exact and assertable.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import fake_minisbd, tiny_argos


@pytest.fixture(scope="session")
def argos_env(tmp_path_factory: pytest.TempPathFactory):
    """HOME/XDG dirs in tmp: importing argostranslate writes under them."""
    home = tmp_path_factory.mktemp("argos-home")
    patch = pytest.MonkeyPatch()
    patch.setenv("HOME", str(home))
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        patch.setenv(var, str(home / var.lower()))
    patch.setenv("ARGOS_PACKAGES_DIR", str(home / "unused"))  # restored after the session
    yield home
    patch.undo()


@pytest.fixture(scope="session")
def tiny_archives(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    tiny = tiny_argos
    sbd = fake_minisbd.fake_minisbd_bytes()
    return tiny.build_tiny_packages(tmp_path_factory.mktemp("argos-build"), sbd)


@pytest.fixture(scope="session")
def packages_dir(tmp_path_factory, argos_env, tiny_archives) -> Path:
    from syndicate.translation import packages

    target = tmp_path_factory.mktemp("argos-packages")
    for archive in tiny_archives:
        packages.install_from_path(archive, target)
    return target


@pytest.fixture(scope="session")
def engine(packages_dir):
    from syndicate.translation.engine import Engine

    return Engine(packages_dir)
