"""The offline guarantee, through the real command line: with the rule engine or a local
model, the process never creates a socket; with a remote engine, it connects to the
configured server only. Every command runs under the strict guard (tests/support/
netguard.py), which also writes down any refusal the program might have caught."""

import json
from pathlib import Path

import netguard
import pytest
from conftest import CliRunner

from tests.core.llm.server_fixture import SERVER_API_KEY

API_KEY = SERVER_API_KEY
TRANSCRIPT = """Therapist: How was the week?
Client: Hard. Some days I wish I would not wake up.
Therapist: Thank you for telling me. Let's make a safety plan.
"""
OR_LINES = [
    {"t": 1.0, "speaker": "Anesthetist", "text": "Patient is asleep, starting the case."},
    {"t": 9.0, "speaker": "Surgeon", "text": "Turn on the fluoroscopy please."},
    {"t": 20.0, "speaker": "Surgeon", "text": "Fire up the lithotripter."},
]


class GuardedCli:
    """Runs CLI commands under a strict guard mode and checks nothing was refused."""

    def __init__(self, run_cli: CliRunner, log: Path, mode: str) -> None:
        self.run_cli, self.log, self.mode = run_cli, log, mode

    def __call__(self, *args: str, **env: str) -> str:
        extra = {netguard.MODE_ENV: self.mode, netguard.LOG_ENV: str(self.log), **env}
        result = self.run_cli(*args, **extra)
        refused = self.log.read_text(encoding="utf-8") if self.log.exists() else ""
        assert not refused, f"{' '.join(args)}: the guard refused {refused!r}"
        assert result.returncode == 0, f"{' '.join(args)}: {result.stderr}"
        return result.stdout


@pytest.fixture
def no_sockets(run_cli: CliRunner, tmp_path: Path) -> GuardedCli:
    return GuardedCli(run_cli, tmp_path / "refused.log", netguard.NO_SOCKETS)


def test_every_flow_with_rules_and_a_local_model_opens_no_socket(
    no_sockets: GuardedCli, tmp_path: Path, tiny_model: Path
) -> None:
    transcript = tmp_path / "session.txt"
    transcript.write_text(TRANSCRIPT, encoding="utf-8")
    replay = tmp_path / "case.jsonl"
    replay.write_text("".join(json.dumps(line) + "\n" for line in OR_LINES), encoding="utf-8")
    edited = tmp_path / "edited.md"
    edited.write_text("Risk: reviewed with the client.\n", encoding="utf-8")
    model = str(tiny_model)
    # Random weights write bytes that are not UTF-8, which llama-cpp-python's streaming
    # re-decodes at every step: a short answer keeps each model call to about a second.
    short = {"AURALIS_INFERENCE__MAX_TOKENS": "128"}

    no_sockets("patients", "add", "Offline Patient")
    no_sockets("sessions", "add", "--patient", "1", "--transcript", str(transcript))
    no_sockets("notes", "generate", "--session", "1", "--engine", "rules")
    no_sockets("notes", "generate", "--session", "1", "--model", model, "--regenerate", **short)
    no_sockets("notes", "edit", "1", "--file", str(edited))
    # the edit dropped the disclosure: the export needs the clinician's reason
    no_sockets(
        "notes",
        "export",
        "1",
        "--format",
        "docx",
        "--output",
        str(tmp_path / "n.docx"),
        "--confirm-removed-risk",
        "reviewed with the client",
    )
    no_sockets("notes", "summarize", "--patient", "1", "--model", model, **short)
    no_sockets("or", "replay", str(replay), "--surgery", "pcnl", "--fast", "--record")
    no_sockets(
        "or", "replay", str(replay), "--surgery", "pcnl", "--fast", "--model", model, **short
    )
    no_sockets("llm", "generate", "--model", model, "--prompt", "Hello", "--max-tokens", "8")
    no_sockets("llm", "info", "--model", model)
    no_sockets("db", "backup")
    no_sockets("db", "check")
    no_sockets("audit", "verify")
    no_sockets("audit", "export", "--output", str(tmp_path / "audit.csv"))


def test_a_remote_engine_reaches_only_the_configured_server(
    run_cli: CliRunner, tmp_path: Path, llama_server_url: str
) -> None:
    host_port = llama_server_url.removeprefix("http://")
    only = GuardedCli(run_cli, tmp_path / "refused.log", f"only:{host_port}")
    key = {"AURALIS_INFERENCE__REMOTE_API_KEY": API_KEY}
    transcript = tmp_path / "session.txt"
    transcript.write_text(TRANSCRIPT, encoding="utf-8")
    only(
        "llm",
        "generate",
        "--remote",
        llama_server_url,
        "--prompt",
        "Hello",
        "--max-tokens",
        "8",
        **key,
    )
    only("notes", "generate", "--transcript", str(transcript), "--remote", llama_server_url, **key)


def test_the_guard_catches_a_connection_elsewhere(run_cli: CliRunner, tmp_path: Path) -> None:
    # The control: a server configured at another address is refused and written down,
    # so the tests above would have seen any such attempt.
    log = tmp_path / "refused.log"
    result = run_cli(
        "llm",
        "generate",
        "--remote",
        "http://192.0.2.1:8080",
        "--prompt",
        "x",
        **{netguard.MODE_ENV: "only:127.0.0.1:9", netguard.LOG_ENV: str(log)},
    )
    assert "192.0.2.1" in log.read_text(encoding="utf-8")
    assert "Traceback" not in result.stderr
    log.unlink()
    no_sockets = {netguard.MODE_ENV: netguard.NO_SOCKETS, netguard.LOG_ENV: str(log)}
    run_cli("llm", "generate", "--remote", "http://127.0.0.1:9", "--prompt", "x", **no_sockets)
    assert "creating a socket" in log.read_text(encoding="utf-8")
