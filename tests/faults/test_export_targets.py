"""Exports never write into, hang on, or replace something that is not a plain file.

An export to a named pipe (FIFO), a device, a socket or a directory is refused with one
line naming what is there; a symbolic link at the target is refused too, and is neither
followed (the file it points to is untouched) nor replaced (the link stays). Nothing is
left behind (no temporary file) and a refused export is not audited.
"""

import os
import socket
import stat
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import CliRunner
from PySide6.QtWidgets import QApplication
from sqlite_utils import Database

from app.exporters import EXPORTERS
from app.usecases.audit_trail import export_audit
from app.usecases.errors import StoreError
from app.usecases.exports import export_note, load_export
from app.usecases.orcases import export_case
from core import files
from core.notes.export import ExportError
from core.store import audit
from core.store.notes import save_note_version
from core.store.orcases import create_case
from core.store.patients import create_patient
from core.store.sessions import add_session

EXPORT_WAIT_S = 60.0  # an export takes well under a second; a hang waits forever
NOTE = "Chief Complaint:\nZqxjkv-patient-words keep me awake.\n"


@pytest.fixture
def session_id(fresh_db: Database) -> int:
    patient = create_patient(fresh_db, "Ada Lovelace")
    session = add_session(fresh_db, patient.id, "Client: hello")
    save_note_version(fresh_db, session.id, NOTE, template="default", is_ai_generated=False)
    return session.id


def _fifo(path: Path) -> str:
    os.mkfifo(path)
    return "named pipe"


def _device(path: Path) -> str:
    try:
        os.mknod(path, 0o600 | stat.S_IFCHR, os.makedev(1, 3))  # a second /dev/null
    except PermissionError:
        pytest.skip("this machine does not let the tests make a device file")
    return "device"


def _socket(path: Path) -> Iterator[str]:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.bind(str(path))
        yield "socket"


def _directory(path: Path) -> str:
    path.mkdir()
    (path / "kept.txt").write_text("kept")
    return "folder"


KINDS: dict[str, Callable[[Path], object]] = {
    "fifo": _fifo,
    "device": _device,
    "socket": _socket,
    "directory": _directory,
}


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {entry.name: (entry.lstat().st_ino, entry.lstat().st_mode) for entry in folder.iterdir()}


def _finishes(action: Callable[[], object]) -> BaseException | None:
    """Run ``action`` on a daemon thread; its exception (None if it returned). Fails the
    test when it does not finish: an export that opens a FIFO waits for a reader."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            action()
            outcome.append(None)
        except BaseException as exc:  # handed to the test
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(EXPORT_WAIT_S)
    assert outcome, "the export hung on the target"
    return outcome[0]


@pytest.fixture(params=sorted(KINDS))
def special_target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Path, str]]:
    folder = tmp_path / "out"
    folder.mkdir()
    path = folder / "note.out"
    made = KINDS[request.param](path)
    if isinstance(made, Iterator):
        word = next(made)
        yield path, word
        next(made, None)
    else:
        yield path, str(made)


@pytest.mark.parametrize("name", sorted(EXPORTERS))
def test_export_onto_a_fifo_device_socket_or_folder_is_refused_and_replaces_nothing(
    fresh_db: Database,
    session_id: int,
    special_target: tuple[Path, str],
    name: str,
    qapp: QApplication,
) -> None:
    path, word = special_target
    before = _snapshot(path.parent)
    doc = load_export(fresh_db, session_id)
    error = _finishes(lambda: EXPORTERS[name].write(path, doc))
    assert isinstance(error, ExportError), error
    with pytest.raises(ExportError):  # the use case, audited only when written
        export_note(fresh_db, session_id, EXPORTERS[name], path)
    message = str(error)
    assert str(path) in message and word in message and "\n" not in message
    assert "Zqxjkv" not in message
    assert _snapshot(path.parent) == before  # still the FIFO/device/socket, no leftovers
    assert [e for e in audit.list_entries(fresh_db) if e.action == "export"] == []


@pytest.mark.parametrize("dangling", [False, True], ids=["to-a-file", "dangling"])
@pytest.mark.parametrize("name", sorted(EXPORTERS))
def test_export_onto_a_symlink_is_refused_and_neither_follows_nor_replaces_it(
    fresh_db: Database,
    session_id: int,
    tmp_path: Path,
    name: str,
    dangling: bool,
    qapp: QApplication,
) -> None:
    folder, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    folder.mkdir()
    elsewhere.mkdir()
    pointed_at = elsewhere / "authorized_keys"
    if not dangling:
        pointed_at.write_text("ssh-ed25519 AAAA the user's key\n")
    link = folder / "note.out"
    link.symlink_to(pointed_at)
    before = _snapshot(folder)
    doc = load_export(fresh_db, session_id)
    error = _finishes(lambda: EXPORTERS[name].write(link, doc))
    assert isinstance(error, ExportError), error
    with pytest.raises(ExportError):
        export_note(fresh_db, session_id, EXPORTERS[name], link)
    assert str(link) in str(error) and "symbolic link" in str(error)
    assert _snapshot(folder) == before and link.is_symlink()
    assert os.readlink(link) == str(pointed_at)
    if dangling:
        assert not pointed_at.exists()
    else:
        assert pointed_at.read_text() == "ssh-ed25519 AAAA the user's key\n"
    assert [e for e in audit.list_entries(fresh_db) if e.action == "export"] == []


def test_audit_and_or_case_exports_refuse_a_fifo_and_a_symlink(
    fresh_db: Database, tmp_path: Path
) -> None:
    fifo, link = tmp_path / "trail.csv", tmp_path / "case.jsonl"
    os.mkfifo(fifo)
    link.symlink_to(tmp_path / "elsewhere.jsonl")
    case_id = create_case(fresh_db, "appendectomy").id
    for path in (fifo, link):
        with pytest.raises(StoreError, match="not a regular file") as trail:
            export_audit(fresh_db, path)
        with pytest.raises(StoreError, match="not a regular file") as case:
            export_case(fresh_db, case_id, path)
        assert str(path) in str(trail.value) and str(path) in str(case.value)
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and link.is_symlink()
    assert not (tmp_path / "elsewhere.jsonl").exists()


def test_other_atomic_writes_still_replace_a_symlink_but_never_a_fifo(tmp_path: Path) -> None:
    """Settings and the app's own files keep their behaviour for a symlink (the link is
    replaced by the file, as before); a FIFO or a device is never written into."""
    link, fifo = tmp_path / "settings.toml", tmp_path / "state.json"
    link.symlink_to(tmp_path / "dotfiles-settings.toml")
    files.write_text_atomically(link, "a = 1\n")
    assert not link.is_symlink() and link.read_text() == "a = 1\n"
    os.mkfifo(fifo)
    with pytest.raises(files.UnsafeTargetError, match="named pipe"):
        files.write_text_atomically(fifo, "{}")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_cli_export_to_a_fifo_says_so_in_one_line(run_cli: CliRunner, tmp_path: Path) -> None:
    assert run_cli("patients", "add", "Ada Lovelace").returncode == 0
    transcript = tmp_path / "t.txt"
    transcript.write_text("Client: I cannot sleep.\n")
    assert (
        run_cli("sessions", "add", "--patient", "1", "--transcript", str(transcript)).returncode
        == 0
    )
    assert run_cli("notes", "generate", "--session", "1", "--engine", "rules").returncode == 0
    fifo = tmp_path / "note.md"
    os.mkfifo(fifo)
    result = run_cli("notes", "export", "1", "--format", "md", "--output", str(fifo))
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "named pipe" in lines[0] and str(fifo) in lines[0], lines
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
