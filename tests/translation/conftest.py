"""Real (tiny) Argos packages for the translation tests, built once per session.

The en→zh package maps a–z to A–Z and the zh→en one is the identity, through a genuine
CTranslate2 model and SentencePiece tokenizer, so outputs are exact and assertable.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SUPPORT = Path(__file__).resolve().parents[1] / "support"


def load_support(name: str) -> ModuleType:
    """Import tests/support/<name>.py by path: argostranslate's wheel installs a top-level
    ``tests`` package into site-packages that shadows ours."""
    module_name = f"syndicate_test_support_{name}"
    if module_name not in sys.modules:
        spec = importlib.util.spec_from_file_location(module_name, SUPPORT / f"{name}.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    return sys.modules[module_name]


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
    tiny = load_support("tiny_argos")
    sbd = load_support("fake_minisbd").fake_minisbd_bytes()
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
