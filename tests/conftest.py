"""Fixtures for the whole suite.

Every test runs with ``AURALIS_HOME`` pointing at its own temporary folder, so nothing
touches the real user folders, and under a guard that fails any non-loopback
connection, in this process and in the Python subprocesses tests start.
"""

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

SUPPORT_DIR = Path(__file__).parent / "support"
sys.path.insert(0, str(SUPPORT_DIR))

import netguard  # noqa: E402
import pulse_room  # noqa: E402

netguard.install()

from core.store.connection import DatabaseKey  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
# Every test database is encrypted, as a new install's is: the CLI and the window get this
# passphrase from AURALIS_DB_KEY; core tests use the raw key (no key derivation, faster).
TEST_PASSPHRASE = "test passphrase, not a real one"
TEST_KEY = DatabaseKey.from_raw_hex("5a" * 32)
SECOND_SCREEN_ENV = "AURALIS_RISK__SECOND_SCREEN"
MODELS_ENV = "AURALIS_MODELS_DIR"
# Fixtures shared by several test folders: the window tests' make_window, a real server.
pytest_plugins = ["tests.ui.window_fixture", "tests.core.llm.server_fixture"]


def pytest_configure(config: pytest.Config) -> None:
    # The microphone tests' sound server, before Qt first looks for sound devices.
    pulse_room.start()


def pytest_unconfigure(config: pytest.Config) -> None:
    pulse_room.stop()


@pytest.fixture(autouse=True)
def _network_guard() -> None:
    assert netguard.is_installed(), "the network guard was removed by an earlier test"


@pytest.fixture(autouse=True)
def auralis_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's AURALIS_HOME (data, config, logs, models under one temp folder)."""
    home = tmp_path / "auralis-home"
    monkeypatch.setenv("AURALIS_HOME", str(home))
    for name in list(os.environ):
        if name.startswith("AURALIS_") and name != "AURALIS_HOME":
            monkeypatch.delenv(name)
    monkeypatch.setenv("AURALIS_DB_KEY", TEST_PASSPHRASE)
    # The risk net's second screen (when `make` installed it) is off unless a test turns
    # it on: the window would read every session it opens with it in the background.
    monkeypatch.setenv(SECOND_SCREEN_ENV, "false")
    # The models set-up installs beside the program are not this test's: a test that
    # wants the real default model names it (tests/app/test_default_model.py).
    monkeypatch.setenv(MODELS_ENV, str(home / "program-models"))
    return home


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random-weight llama GGUF (2 layers, 64 wide, ChatML template), written once
    per test session with the ``gguf`` package; llama.cpp loads it in about 10 ms."""
    from gguf_builder import write_llama_gguf

    return write_llama_gguf(tmp_path_factory.mktemp("models") / "tiny.gguf")


@pytest.fixture(scope="session")
def tiny_encoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random-weight BERT encoder (2 layers, 32 wide) converted to GGUF by the
    app's own converter, named as the risk screen's encoder; written once per session."""
    from tiny_bert import write_tiny_bert

    from core.llm.bert_gguf import convert
    from core.notes.risk_screen import SCREEN_MODEL_NAME

    folder = write_tiny_bert(tmp_path_factory.mktemp("tiny-bert"))
    out = folder / SCREEN_MODEL_NAME
    convert(folder, out, name="tiny-bert")
    return out


@pytest.fixture
def fresh_db(tmp_path: Path) -> Iterator[Database]:
    """A new, fully migrated database file."""
    from core.store import open_store

    db = open_store(tmp_path / "fresh.db", key=TEST_KEY)
    yield db
    db.close()


@pytest.fixture
def run_cli(auralis_home: Path) -> "CliRunner":
    return CliRunner(auralis_home)


class CliRunner:
    """Runs ``python main.py ...`` in a real subprocess with the network guard."""

    def __init__(self, home: Path) -> None:
        self.home = home

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AURALIS_")}
        env["AURALIS_HOME"] = str(self.home)
        env["AURALIS_DB_KEY"] = TEST_PASSPHRASE
        env[SECOND_SCREEN_ENV] = "false"
        env[MODELS_ENV] = str(self.home / "program-models")
        env["PYTHONPATH"] = os.pathsep.join([str(SUPPORT_DIR), str(REPO_ROOT)])
        env.update(extra)
        return env

    def __call__(
        self, *args: str, stdin: str | None = None, timeout: float = 120, **extra_env: str
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(REPO_ROOT / "main.py"), *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=self.env(**extra_env),
            cwd=REPO_ROOT,
            timeout=timeout,
        )


@pytest.fixture
def file_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A real keyring backend (keyrings.alt's file), named by the administrator's variable,
    in a test folder; keyring reads the variable once per process, so it is also set for
    this one. Yields the folder."""
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    folder = tmp_path / "keyring-home"
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    monkeypatch.setenv("XDG_DATA_HOME", str(folder))
    before = keyring.get_keyring()
    keyring.set_keyring(PlaintextKeyring())
    yield folder
    keyring.set_keyring(before)
