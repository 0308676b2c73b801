import json
import logging
from pathlib import Path

import pytest

from app import logging_setup
from app.logging_setup import setup_logging
from core.logs import log_event


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_events_are_json_lines_with_their_fields(tmp_path: Path) -> None:
    path = setup_logging(tmp_path / "logs")
    log_event(logging.getLogger("core.test"), "store.opened", ms=1.5, migrations_applied=4)
    logging.getLogger("x").warning("plain.event")
    entries = _lines(path)
    assert entries[0]["event"] == "store.opened"
    assert entries[0]["ms"] == 1.5 and entries[0]["migrations_applied"] == 4
    assert entries[0]["logger"] == "core.test" and entries[0]["level"] == "INFO"
    assert entries[1]["event"] == "plain.event" and entries[1]["level"] == "WARNING"


def test_format_arguments_and_exception_messages_are_never_written(tmp_path: Path) -> None:
    path = setup_logging(tmp_path / "logs")
    secret = "the client said she wants to disappear"
    logging.getLogger("x").info("note.saved %s", secret)
    try:
        raise ValueError(secret)
    except ValueError:
        logging.getLogger("x").exception("unexpected")
    text = path.read_text()
    assert secret not in text
    entries = _lines(path)
    assert entries[0]["event"] == "note.saved %s"
    assert entries[1]["exc_type"] == "ValueError"
    assert any("test_logging.py" in frame for frame in entries[1]["stack"])  # type: ignore[union-attr]


def test_setting_up_twice_writes_to_one_file(tmp_path: Path) -> None:
    first = setup_logging(tmp_path / "a")
    second = setup_logging(tmp_path / "b")
    logging.getLogger("x").info("once")
    assert first.read_text() == ""
    assert len(_lines(second)) == 1


def test_rotation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logging_setup, "MAX_BYTES", 2000)
    path = setup_logging(tmp_path / "logs")
    for i in range(200):
        log_event(logging.getLogger("x"), "tick", i=i)
    rotated = sorted(p.name for p in path.parent.iterdir())
    assert rotated == ["auralis.jsonl"] + [f"auralis.jsonl.{n}" for n in range(1, 6)]
    assert all(p.stat().st_size <= 2000 for p in path.parent.iterdir())
