"""The fault machinery shared by ``tests/faults`` and ``bench/faults.py``: kill -9 cycles
(the writer script and the real command line), a full disk, a damaged database file.

Everything runs in real processes on real files: a subprocess is started with the app's
environment (``AURALIS_HOME``, ``AURALIS_DB_KEY``, the network guard on ``PYTHONPATH``),
killed or starved, and the database is then reopened and checked here. Each check
returns the problems it found (an empty list when nothing was lost), so a test asserts
that the list is empty and the benchmark counts them. Every wait is bounded.
"""

import hashlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import writer
from sqlite_utils import Database

from app.paths import AppPaths
from core.store.backup import integrity_problems, list_backups
from core.store.connection import DatabaseKey, connect
from core.store.notes import current_note
from core.store.orcases import case_segments

REPO_ROOT = Path(__file__).resolve().parents[2]
SUPPORT_DIR = REPO_ROOT / "tests" / "support"
WRITER = Path(__file__).with_name("writer.py")
MAIN = REPO_ROOT / "main.py"

PROCESS_TIMEOUT_S = 120.0  # no process of these checks runs anywhere near this long
NOTE_SIZE = 300  # characters per autosaved draft of the writer
EARLY_KILL_SHARE = 0.2  # kills before the store is even open (check, recovery, backup)
EARLY_KILL_WINDOW_S = 0.6
KILL_WINDOW_S = 0.25  # after "ready": a few hundred commits at most
CLI_KILL_WINDOW_S = 1.6  # a CLI command takes ~0.8 s, more on a busy machine
PAGE_SIZE = 4096  # SQLCipher 4's page size
SECRET = "Zqxjkv-patient-words"  # made-up "patient text" that no message may echo


def subprocess_env(
    home: Path, passphrase: str, base: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment of an Auralis subprocess, as the tests' ``CliRunner.env()`` makes it:
    its own AURALIS_HOME and passphrase, and the network guard loaded by sitecustomize."""
    source = os.environ if base is None else base
    env = {k: v for k, v in source.items() if not k.startswith("AURALIS_")}
    env["AURALIS_HOME"] = str(home)
    env["AURALIS_DB_KEY"] = passphrase
    env["PYTHONPATH"] = os.pathsep.join([str(SUPPORT_DIR), str(REPO_ROOT)])
    return env


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def limit_file_size(limit: int) -> Callable[[], None]:
    """A ``preexec_fn`` that makes every write beyond ``limit`` bytes of a file fail, as
    a full disk does (CPython ignores SIGXFSZ, so the write fails with EFBIG)."""

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("auralis: error:")]


def cli_failure_problems(result: "subprocess.CompletedProcess[str]", what: str) -> list[str]:
    """A command that must fail cleanly: status 1, one ``auralis: error:`` line, nothing
    but ``auralis:`` lines on stderr (no traceback), no made-up patient text."""
    problems = []
    if result.returncode != 1:
        problems.append(f"{what}: exit status {result.returncode}, expected 1")
    if "Traceback" in result.stderr:
        problems.append(f"{what}: a traceback on stderr")
    if len(error_lines(result.stderr)) != 1:
        problems.append(f"{what}: {len(error_lines(result.stderr))} error lines, expected 1")
    stray = [line for line in result.stderr.splitlines() if not line.startswith("auralis:")]
    if stray:
        problems.append(f"{what}: {len(stray)} stray stderr line(s), first {stray[0][:80]!r}")
    if SECRET in result.stderr or SECRET in result.stdout:
        problems.append(f"{what}: patient text in the output")
    return problems


@dataclass
class FaultHome:
    """An Auralis home that subprocesses share with the checks made here."""

    env: dict[str, str]

    @property
    def paths(self) -> AppPaths:
        return AppPaths.resolve(Path(self.env["AURALIS_HOME"]))

    @property
    def key(self) -> DatabaseKey:
        return DatabaseKey.passphrase(self.env["AURALIS_DB_KEY"])

    def popen(
        self, argv: list[str], stderr: IO[bytes] | int = subprocess.PIPE
    ) -> "subprocess.Popen[str]":
        return subprocess.Popen(
            [sys.executable, *argv],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env=self.env,
            cwd=REPO_ROOT,
        )

    def cli(
        self, *args: str, preexec_fn: Callable[[], None] | None = None
    ) -> "subprocess.CompletedProcess[str]":
        """``python main.py ARGS`` to the end."""
        return self.python(str(MAIN), *args, preexec_fn=preexec_fn)

    def python(
        self, *args: str, preexec_fn: Callable[[], None] | None = None
    ) -> "subprocess.CompletedProcess[str]":
        """``python ARGS`` in this home's environment, to the end (output captured)."""
        return subprocess.run(
            [sys.executable, *args],
            capture_output=True,
            text=True,
            env=self.env,
            cwd=REPO_ROOT,
            timeout=PROCESS_TIMEOUT_S,
            preexec_fn=preexec_fn,
            check=False,
        )

    @contextmanager
    def open(self) -> Iterator[Database]:
        """The store, opened the way the app opens it after a crash (WAL recovery)."""
        db = connect(self.paths.database, key=self.key)
        try:
            yield db
        finally:
            db.close()

    def integrity(self) -> list[str]:
        """What PRAGMA integrity_check says of the database file (read-only)."""
        return integrity_problems(self.paths.database, key=self.key)

    def record_problems(self, ledger: "Ledger", after: str) -> list[str]:
        """The integrity check, then (when it passes) every acknowledged write."""
        integrity = self.integrity()
        if integrity:
            return [f"integrity after {after}: {integrity[:3]}"]
        with self.open() as db:
            return check_record(db, ledger)


@dataclass
class Ledger:
    """Every write acknowledged so far, and every unacknowledged one found committed
    after a kill (from then on it is part of the record too), with the text it holds."""

    session_id: int
    case_id: int
    cli_case_id: int
    notes: dict[int, str] = field(default_factory=dict)  # note version id -> content
    segments: dict[int, str] = field(default_factory=dict)  # or_segments id -> text

    @property
    def newest_note(self) -> int:
        return max(self.notes, default=0)

    @property
    def newest_segment(self) -> int:
        return max(self.segments, default=0)


def setup(home: FaultHome) -> Ledger:
    """A patient, a session and two operating-room cases, made by the writer script."""
    result = home.python(str(WRITER), "setup")
    if result.returncode != 0:
        raise RuntimeError(f"the writer's setup failed: {result.stderr[-2000:]}")
    ids = json.loads(result.stdout.splitlines()[-1])
    return Ledger(ids["session"], ids["case"], ids["cli_case"])


def _write_command(ledger: Ledger, tag: str) -> list[str]:
    """The writer's ``write`` loop on the ledger's session and case."""
    return [
        str(WRITER),
        "write",
        *("--session", str(ledger.session_id), "--case", str(ledger.case_id)),
        *("--tag", tag, "--size", str(NOTE_SIZE)),
    ]


def grow(home: FaultHome, ledger: Ledger, count: int, tag: str = "grow") -> None:
    """Let the writer save ``count`` writes without being killed (a bigger database)."""
    proc = home.popen([*_write_command(ledger, tag), "--count", str(count)])
    out, err = proc.communicate(timeout=PROCESS_TIMEOUT_S)
    if proc.returncode != 0:
        raise RuntimeError(f"the writer failed: {err[-2000:]}")
    _record_acks(ledger, tag, out.splitlines(keepends=True))


def _record_acks(ledger: Ledger, tag: str, lines: list[str]) -> tuple[int, int]:
    """Add the acknowledged writes in ``lines`` to the ledger; return how many there
    were and the index of the last one (-1: none)."""
    count, last = 0, -1
    for line in lines:
        if not line.endswith("\n"):
            continue  # cut off by the kill: never acknowledged
        parts = line.split()
        if len(parts) == 3 and parts[0] in ("note", "seg"):
            index, row = int(parts[1]), int(parts[2])
            if parts[0] == "note":
                ledger.notes[row] = writer.note_text(tag, index, NOTE_SIZE)
            else:
                ledger.segments[row] = writer.segment_text(tag, index)
            count, last = count + 1, index
    return count, last


@dataclass
class CycleOutcome:
    acked: int  # acknowledged writes of this cycle, each checked
    killed: bool
    problems: list[str]


def _rows_problems(
    db: Database,
    table: str,
    column: str,
    owner: tuple[str, int],
    since: int,
    acked: dict[int, str],
    what: str,
) -> list[str]:
    """Every acknowledged id of ``table`` (rows of ``owner``) is there, and the rows newer
    than ``since`` hold exactly the acknowledged text."""
    owner_column, owner_id = owner
    ids = {
        row[0] for row in db.execute(f"SELECT id FROM {table} WHERE {owner_column} = ?", [owner_id])
    }
    problems = []
    missing = set(acked) - ids
    if missing:
        problems.append(f"{len(missing)} acknowledged {what}(s) lost, e.g. {min(missing)}")
    newer = db.execute(
        f"SELECT id, {column} FROM {table} WHERE {owner_column} = ? AND id > ?", [owner_id, since]
    )
    for row_id, text in newer.fetchall():
        if acked.get(row_id) != text:
            problems.append(f"{what} {row_id} does not hold the acknowledged text")
            break
    return problems


def check_record(
    db: Database, ledger: Ledger, since_note: int = 0, since_segment: int = 0
) -> list[str]:
    """Every id of the ledger is in the database; the rows newer than ``since_*`` hold
    exactly the ledger's text; the session's current note is the newest in the ledger."""
    problems = _rows_problems(
        db, "note_versions", "content", ("session_id", ledger.session_id), since_note,
        ledger.notes, "note version",
    )  # fmt: skip
    problems += _rows_problems(
        db, "or_segments", "text", ("case_id", ledger.case_id), since_segment,
        ledger.segments, "segment",
    )  # fmt: skip
    problems += audit_problems(db)
    current = current_note(db, ledger.session_id)
    if ledger.notes:
        if current is None or current.version.id != ledger.newest_note:
            found = None if current is None else current.version.id
            problems.append(
                f"the current note is version {found}, not the newest autosave {ledger.newest_note}"
            )
        elif current.version.content != ledger.notes[ledger.newest_note]:
            problems.append("the current note does not hold the newest autosaved text")
    return problems


def audit_problems(db: Database) -> list[str]:
    """Every note version has its audit entry and every note-version entry its version:
    a change and its entry are kept together or not at all."""
    versions = {row[0] for row in db.execute("SELECT id FROM note_versions")}
    entries = [
        row[0]
        for row in db.execute(
            "SELECT entity_id FROM audit_log WHERE entity = 'note_version' "
            "AND action IN ('edit', 'generate', 'restore')"
        )
    ]
    problems = [f"note version {v} has no audit entry" for v in sorted(versions - set(entries))]
    problems += [f"an audit entry names note version {e}, which is not there" for e in
                 sorted(set(entries) - versions)]  # fmt: skip
    if len(entries) != len(set(entries)):
        problems.append("a note version has two audit entries")
    return problems


def _adopt_in_flight(
    db: Database, ledger: Ledger, tag: str, last_index: int, problems: list[str]
) -> None:
    """Rows newer than every acknowledged one: at most the write that was in flight when
    the kill came (committed, not yet acknowledged), holding exactly its text."""
    in_flight = last_index + 1
    new_notes = db.execute(
        "SELECT id, content FROM note_versions WHERE session_id = ? AND id > ? ORDER BY id",
        [ledger.session_id, ledger.newest_note],
    ).fetchall()
    new_segments = db.execute(
        "SELECT id, text FROM or_segments WHERE case_id = ? AND id > ? ORDER BY id",
        [ledger.case_id, ledger.newest_segment],
    ).fetchall()
    expected_note = writer.note_text(tag, in_flight, NOTE_SIZE) if in_flight % 2 == 0 else None
    expected_segment = writer.segment_text(tag, in_flight) if in_flight % 2 == 1 else None
    for rows, expected, kind, book in (
        (new_notes, expected_note, "note version", ledger.notes),
        (new_segments, expected_segment, "segment", ledger.segments),
    ):
        if not rows:
            continue
        if len(rows) > 1 or rows[0][1] != expected:
            problems.append(f"{len(rows)} unexpected {kind} row(s) after the last acknowledged one")
            continue
        book[rows[0][0]] = rows[0][1]


def _read_lines(stream: IO[str], lines: list[str], ready: threading.Event) -> None:
    for line in stream:
        lines.append(line)
        if line == "ready\n":
            ready.set()
    ready.set()


def writer_kill_cycle(
    home: FaultHome, ledger: Ledger, rng: random.Random, cycle: int
) -> CycleOutcome:
    """Start the writer, SIGKILL it at a random moment (now and then before the store is
    even open), then check the database: sound, every acknowledged write there with its
    text, the newest acknowledged autosave the current note."""
    tag = f"w{cycle}"
    early = rng.random() < EARLY_KILL_SHARE
    delay = rng.uniform(0.0, EARLY_KILL_WINDOW_S if early else KILL_WINDOW_S)
    with tempfile.TemporaryFile() as errors:
        proc = home.popen(_write_command(ledger, tag), stderr=errors)
        lines: list[str] = []
        ready = threading.Event()
        assert proc.stdout is not None
        reader = threading.Thread(target=_read_lines, args=(proc.stdout, lines, ready), daemon=True)
        reader.start()
        if not early:
            ready.wait(PROCESS_TIMEOUT_S)
        time.sleep(delay)
        killed = proc.poll() is None
        proc.kill()
        proc.wait(PROCESS_TIMEOUT_S)
        reader.join(PROCESS_TIMEOUT_S)
        proc.stdout.close()
        errors.seek(0)
        stderr = errors.read().decode("utf-8", "replace")
    problems = []
    if not killed or stderr.strip():
        tail = stderr.strip().splitlines()[-1:] or ["no output"]
        problems.append(f"cycle {cycle}: the writer stopped by itself ({tail[0][:200]})")
    since_note, since_segment = ledger.newest_note, ledger.newest_segment
    acked, last_index = _record_acks(ledger, tag, lines)
    integrity = home.integrity()
    if integrity:
        return CycleOutcome(acked, killed, [f"cycle {cycle}: integrity_check: {integrity[:3]}"])
    with home.open() as db:
        _adopt_in_flight(db, ledger, tag, last_index, problems)
        problems += check_record(db, ledger, since_note, since_segment)
    return CycleOutcome(acked, killed, [f"cycle {cycle}: {p}" for p in problems])


def _run_killed(
    home: FaultHome, argv: list[str], delay: float
) -> tuple[bool, int | None, str, str]:
    """Run a command and SIGKILL it after ``delay`` seconds unless it ended before:
    (killed, exit status, stdout, stderr)."""
    proc = home.popen(argv)
    try:
        out, err = proc.communicate(timeout=delay)
        return False, proc.returncode, out, err
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate(timeout=PROCESS_TIMEOUT_S)
        return True, proc.returncode, out, err


def cli_edit_kill_cycle(
    home: FaultHome, ledger: Ledger, rng: random.Random, cycle: int, workdir: Path
) -> CycleOutcome:
    """``notes edit`` killed at a random moment: a finished edit is the current note; a
    killed one is either wholly there (and current) or not at all."""
    text = writer.note_text(f"cli{cycle}", 0, NOTE_SIZE)
    edited = workdir / f"edit-{cycle}.txt"
    edited.write_text(text, encoding="utf-8")
    argv = [str(MAIN), "notes", "edit", str(ledger.session_id), "--file", str(edited)]
    killed, status, out, err = _run_killed(home, argv, rng.uniform(0.0, CLI_KILL_WINDOW_S))
    problems = []
    acked = not killed and status == 0 and "Saved as a new version." in out
    if not killed and not acked:
        problems.append(f"notes edit failed: status {status}, {err.strip()[-200:]!r}")
    integrity = home.integrity()
    if integrity:
        return CycleOutcome(int(acked), killed, [f"cli cycle {cycle}: integrity: {integrity[:3]}"])
    since = ledger.newest_note
    with home.open() as db:
        rows = db.execute(
            "SELECT id, content FROM note_versions WHERE session_id = ? AND id > ?",
            [ledger.session_id, since],
        ).fetchall()
        if len(rows) > 1 or (rows and rows[0][1] != text) or (acked and not rows):
            problems.append(f"{len(rows)} new version(s) after notes edit (acknowledged: {acked})")
        else:
            ledger.notes.update(dict(rows))
        problems += check_record(db, ledger, since, ledger.newest_segment)
    return CycleOutcome(int(acked), killed, [f"cli cycle {cycle}: {p}" for p in problems])


OR_PHRASES = (
    "start the suction",
    "laser on please",
    "irrigation running",
    "camera in",
    "nephroscope in, irrigation on",
    "stone seen",
    "fragmenting now",
    "suction off",
    "light source on",
    "laser to standby",
)

OrLine = tuple[float, str, str, bool]


def write_or_transcript(path: Path, count: int) -> list[OrLine]:
    """A JSONL transcript of ``count`` final segments, each text unique; returns what a
    case that recorded all of it holds (``case_segments`` order)."""
    lines: list[OrLine] = []
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            speaker = ("surgeon", "nurse", "anaesthetist")[i % 3]
            segment = (round(i * 0.5, 1), speaker, f"{OR_PHRASES[i % len(OR_PHRASES)]} ({i})", True)
            t, who, text, _final = segment
            handle.write(json.dumps({"t": t, "speaker": who, "text": text}) + "\n")
            lines.append(segment)
    return lines


def _recorded(home: FaultHome, case_id: int) -> list[OrLine]:
    with home.open() as db:
        return [tuple(s) for s in case_segments(db, case_id)]  # type: ignore[misc]


def _replay_argv(transcript: Path, case_id: int) -> list[str]:
    return [str(MAIN), "or", "replay", str(transcript), "--resume", str(case_id), "--fast",
            "--engine", "rules"]  # fmt: skip


def cli_or_kill_cycle(
    home: FaultHome,
    ledger: Ledger,
    rng: random.Random,
    cycle: int,
    transcript: Path,
    expected: list[OrLine],
) -> CycleOutcome:
    """``or replay --resume`` killed at a random moment: the case holds a prefix of the
    transcript, in order, without duplicates, at least up to the last printed state
    (a state is printed after its segment is committed)."""
    before = len(_recorded(home, ledger.cli_case_id))
    argv = _replay_argv(transcript, ledger.cli_case_id)
    killed, status, out, err = _run_killed(home, argv, rng.uniform(0.3, CLI_KILL_WINDOW_S * 1.5))
    problems = []
    printed = [line for line in out.splitlines() if line.startswith("{")]
    acked = max(len(printed) - 1, 0)  # the first line is the resumed case's state
    if not killed and status != 0:
        problems.append(f"or replay failed: status {status}, {err.strip()[-200:]!r}")
    integrity = home.integrity()
    if integrity:
        return CycleOutcome(acked, killed, [f"or cycle {cycle}: integrity: {integrity[:3]}"])
    recorded = _recorded(home, ledger.cli_case_id)
    n = len(recorded)
    if recorded != expected[:n]:
        problems.append("the case is not the transcript's prefix (lost, reordered or doubled)")
    low, high = before + acked, before + acked + (1 if killed else 0)
    if not killed and status == 0:
        low = high = len(expected)
    if not low <= n <= high:
        problems.append(f"{n} segments recorded, expected {low}..{high}")
    return CycleOutcome(acked, killed, [f"or cycle {cycle}: {p}" for p in problems])


def cli_or_finish(
    home: FaultHome, ledger: Ledger, transcript: Path, expected: list[OrLine]
) -> list[str]:
    """Resume the killed case to its end: every segment exactly once."""
    result = home.cli(*_replay_argv(transcript, ledger.cli_case_id)[1:])
    problems = []
    if result.returncode != 0:
        problems.append(f"the last resume failed: {result.stderr.strip()[-200:]!r}")
    if _recorded(home, ledger.cli_case_id) != expected:
        problems.append("after resuming to the end the case is not exactly the transcript")
    return problems


# --- a full disk -------------------------------------------------------------------------


@dataclass
class DiskFullOutcome:
    problems: list[str]  # lost or damaged data, a traceback, a wrong exit status
    message: str  # the error line the user read


def _largest_file(*folders: Path) -> int:
    sizes = [p.stat().st_size for folder in folders if folder.is_dir() for p in folder.rglob("*")
             if p.is_file()]  # fmt: skip
    return max(sizes, default=0)


def disk_full_note_save(home: FaultHome, ledger: Ledger, workdir: Path) -> DiskFullOutcome:
    """``notes edit`` with a text that cannot fit on the "disk": a clean error, the
    previous version still current, nothing damaged; with space again, it saves."""
    paths = home.paths
    limit = _largest_file(paths.data_dir, paths.log_dir) + (1 << 20)
    big = workdir / "big-edit.txt"
    filler = "the client described a long week in detail " * ((limit + (2 << 20)) // 44)
    big.write_text(f"{SECRET} {filler}\n", encoding="utf-8")
    result = home.cli(
        "notes", "edit", str(ledger.session_id), "--file", str(big),
        preexec_fn=limit_file_size(limit),
    )  # fmt: skip
    problems = cli_failure_problems(result, "notes edit on a full disk")
    big.unlink()
    problems += home.record_problems(ledger, "a full disk")
    if SECRET in paths.log_dir.joinpath("auralis.jsonl").read_text(encoding="utf-8"):
        problems.append("patient text in the log")
    # Space again: the same command works.
    small = workdir / "after-full.txt"
    text = writer.note_text("after-full", 0, NOTE_SIZE)
    small.write_text(text, encoding="utf-8")
    again = home.cli("notes", "edit", str(ledger.session_id), "--file", str(small))
    if again.returncode != 0:
        problems.append(f"notes edit with space again failed: {again.stderr.strip()[-200:]!r}")
    else:
        with home.open() as db:
            newest = current_note(db, ledger.session_id)
            assert newest is not None
            ledger.notes[newest.version.id] = newest.version.content
            if newest.version.content != text:
                problems.append("the edit saved with space again is not the current note")
    message = (error_lines(result.stderr) or [""])[0]
    return DiskFullOutcome(problems, message)


def disk_full_autosave(home: FaultHome, ledger: Ledger, workdir: Path) -> DiskFullOutcome:
    """The window's autosave call (``update_note``) on a full disk, in the writer script:
    it must raise a ``StoreError`` (which the window reports as "Your edit is not saved
    yet: ..."), not the driver's own exception (which escapes the window's slot)."""
    paths = home.paths
    limit = _largest_file(paths.data_dir, paths.log_dir) + (1 << 20)
    big = workdir / "big-autosave.txt"
    big.write_text(f"{SECRET} " + "a long autosaved paragraph " * ((limit + (2 << 20)) // 27))
    result = home.python(
        str(WRITER), "save", "--session", str(ledger.session_id), "--file", str(big),
        preexec_fn=limit_file_size(limit),
    )  # fmt: skip
    big.unlink()
    problems = []
    crash = result.stderr.strip().splitlines()[-1:] or ["no output"]
    outcome = result.stdout.strip().splitlines()[-1:] or [f"crashed with {crash[0][:200]}"]
    if not outcome[0].startswith("refused "):
        problems.append(f"autosave on a full disk: {outcome[0][:300]}")
    if SECRET in result.stdout or SECRET in result.stderr:
        problems.append("patient text in the autosave's error")
    problems += home.record_problems(ledger, "a full disk")
    return DiskFullOutcome(problems, outcome[0])


def disk_full_backup(home: FaultHome, ledger: Ledger) -> DiskFullOutcome:
    """``db backup`` when the copy cannot be written: a clean error, no partial file,
    the older backups byte for byte as they were; with space again, it backs up."""
    paths = home.paths
    size = paths.database.stat().st_size
    limit = size // 2
    if limit <= _largest_file(paths.log_dir) + (64 << 10):
        return DiskFullOutcome([f"the database ({size} bytes) is too small for this check"], "")
    before = {p.name: sha256(p) for p in paths.backup_dir.iterdir()}
    result = home.cli("db", "backup", preexec_fn=limit_file_size(limit))
    problems = cli_failure_problems(result, "db backup on a full disk")
    after = {p.name: sha256(p) for p in paths.backup_dir.iterdir()}
    if after != before:
        problems.append(f"the backup folder changed: {sorted(set(after) ^ set(before))}")
    problems += home.record_problems(ledger, "a failed backup")
    again = home.cli("db", "backup")
    newest = list_backups(paths.backup_dir)[:1]
    if again.returncode != 0 or not newest or newest[0].name in before:
        problems.append(f"db backup with space again failed: {again.stderr.strip()[-200:]!r}")
    elif integrity_problems(newest[0], key=home.key):
        problems.append("the backup made with space again is not sound")
    return DiskFullOutcome(problems, (error_lines(result.stderr) or [""])[0])


# --- a damaged database file -------------------------------------------------------------


@dataclass
class CorruptionOutcome:
    problems: list[str]
    message: str
    pages: int  # pages overwritten


def corrupt_and_restore(home: FaultHome, ledger: Ledger, rng: random.Random) -> CorruptionOutcome:
    """Back up, overwrite pages in the middle of the encrypted file, then: a command fails
    naming the newest good backup, the damaged file is untouched, and ``db restore`` brings
    every acknowledged write back (the damaged file kept aside)."""
    paths = home.paths
    problems = []
    backup = home.cli("db", "backup")
    newest = list_backups(paths.backup_dir)[:1]
    if backup.returncode != 0 or not newest:
        return CorruptionOutcome([f"db backup failed: {backup.stderr[-200:]!r}"], "", 0)
    wal = paths.database.with_name(paths.database.name + "-wal")
    if wal.exists() and wal.stat().st_size:
        problems.append("the WAL was not checkpointed when the command ended")
    pages = paths.database.stat().st_size // PAGE_SIZE
    if pages < 16:
        return CorruptionOutcome([f"the database has only {pages} pages"], "", 0)
    damaged_pages = 4
    with paths.database.open("r+b") as handle:
        handle.seek(pages // 2 * PAGE_SIZE)
        handle.write(rng.randbytes(damaged_pages * PAGE_SIZE))
    damaged = sha256(paths.database)
    refused = home.cli("notes", "history", str(ledger.session_id), "--json")
    problems += cli_failure_problems(refused, "a command on the damaged database")
    message = (error_lines(refused.stderr) or [""])[0]
    if "integrity check" not in message or str(newest[0]) not in message:
        problems.append("the error does not say the file is damaged and name the newest backup")
    checked = home.cli("db", "check")
    problems += cli_failure_problems(checked, "db check on the damaged database")
    if str(newest[0]) not in checked.stderr:
        problems.append("db check does not name the newest good backup")
    if sha256(paths.database) != damaged:
        problems.append("the damaged file was changed")
    restored = home.cli("db", "restore", str(newest[0]), "--yes")
    if restored.returncode != 0:
        problems.append(f"db restore failed: {restored.stderr.strip()[-200:]!r}")
        return CorruptionOutcome(problems, message, damaged_pages)
    aside = sorted(paths.data_dir.glob(paths.database.name + ".replaced-*"))
    aside = [p for p in aside if not p.name.endswith(("-wal", "-shm"))]
    if len(aside) != 1 or sha256(aside[0]) != damaged:
        problems.append(f"the damaged file was not kept aside intact ({len(aside)} found)")
    integrity = home.integrity()
    if integrity:
        problems.append(f"integrity after the restore: {integrity[:3]}")
        return CorruptionOutcome(problems, message, damaged_pages)
    with home.open() as db:
        problems += check_record(db, ledger)
    history = home.cli("notes", "history", str(ledger.session_id), "--json")
    if history.returncode != 0 or len(json.loads(history.stdout or "[]")) != len(ledger.notes):
        problems.append("the restored history does not list every version")
    return CorruptionOutcome(problems, message, damaged_pages)


def backups_sound(home: FaultHome) -> list[str]:
    """Every complete backup file passes the integrity check."""
    return [
        f"backup {path.name} is damaged"
        for path in list_backups(home.paths.backup_dir)
        if integrity_problems(path, key=home.key)
    ]
