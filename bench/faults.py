"""Fault benchmark: kill -9, a full disk, a damaged file and bad input, at full size.

The same machinery as ``tests/faults`` (``tests/faults/harness.py`` and ``corpus.py``),
with bigger budgets: 200 kill -9 cycles of the writer script, killed ``notes edit`` and
``or replay`` commands, the full-disk cases, damaged databases, a restore beside an open
window and one killed after each of its file steps, full-disk and read-only opens, files
rotated and truncated under ``or follow``, and thousands of fuzzed
inputs for every transcript importer and for the operating-room JSON lines parser. All
in a throwaway AURALIS_HOME with its own passphrase, in real processes, without the
network. Prints one row per part: cycles or inputs tried, acknowledged writes checked,
failures (each one is a bug) and the elapsed time, then every failure and note. A
measurement, not a test: the exit code is always 0.

    .venv/bin/python bench/faults.py [--writer-cycles 200] [--cli-cycles 20] [--fuzz 3000]
                                     [--follow-rounds 30]
"""

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "support"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "faults"))

import corpus
import follow_faults
import harness
import netguard
import restore_faults
from gguf_builder import write_llama_gguf

from core.llm.config import LlamaConfig
from core.llm.local import LocalEngine
from core.llm.rules import RuleEngine
from core.notes.templates import BUILTIN_TEMPLATES

PASSPHRASE = "bench passphrase, not a real one"
OR_SEGMENTS = 10_000
CORRUPTION_RUNS = 3


@dataclass
class Part:
    name: str
    tried: int = 0  # cycles or inputs
    acked: int | None = None  # acknowledged writes checked
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _home(root: Path, name: str) -> harness.FaultHome:
    return harness.FaultHome(harness.subprocess_env(root / name, PASSPHRASE))


def _timed(name: str, run: Callable[[Part], None]) -> Part:
    part = Part(name)
    started = time.perf_counter()
    try:
        run(part)
    except Exception as exc:  # a crash of the machinery is reported, the others still run
        part.failures.append(f"crashed: {type(exc).__name__}: {exc}")
    part.seconds = time.perf_counter() - started
    print(f"  {name}: {part.seconds:.1f} s", flush=True)
    return part


def writer_kills(root: Path, cycles: int) -> Callable[[Part], None]:
    def run(part: Part) -> None:
        home = _home(root, "writer")
        ledger = harness.setup(home)
        rng = random.Random(200)
        part.acked = 0
        for cycle in range(cycles):
            outcome = harness.writer_kill_cycle(home, ledger, rng, cycle)
            part.tried += 1
            part.acked += outcome.acked
            part.failures += outcome.problems
        with home.open() as db:
            part.failures += harness.check_record(db, ledger)
        part.failures += harness.backups_sound(home)
        part.notes.append(
            f"writer: {len(ledger.notes)} note versions and {len(ledger.segments)} segments "
            "in the final record, every text checked"
        )

    return run


def cli_edit_kills(root: Path, cycles: int) -> Callable[[Part], None]:
    def run(part: Part) -> None:
        home = _home(root, "cli-edit")
        ledger = harness.setup(home)
        harness.grow(home, ledger, 20)
        rng = random.Random(201)
        part.acked, killed = 0, 0
        for cycle in range(cycles):
            outcome = harness.cli_edit_kill_cycle(home, ledger, rng, cycle, root)
            part.tried += 1
            part.acked += outcome.acked
            killed += outcome.killed
            part.failures += outcome.problems
        part.notes.append(f"notes edit: {killed} of {cycles} runs killed before they ended")

    return run


def cli_or_kills(root: Path, cycles: int) -> Callable[[Part], None]:
    def run(part: Part) -> None:
        home = _home(root, "cli-or")
        ledger = harness.setup(home)
        transcript = root / "case.jsonl"
        expected = harness.write_or_transcript(transcript, OR_SEGMENTS)
        rng = random.Random(202)
        part.acked = 0
        for cycle in range(cycles):
            outcome = harness.cli_or_kill_cycle(home, ledger, rng, cycle, transcript, expected)
            part.tried += 1
            part.acked += outcome.acked
            part.failures += outcome.problems
        part.failures += harness.cli_or_finish(home, ledger, transcript, expected)
        part.notes.append(f"or replay: resumed to the end, {len(expected)} segments exactly once")

    return run


def disk_full(root: Path) -> list[tuple[str, Callable[[Part], None]]]:
    home = _home(root, "disk-full")
    state: dict[str, harness.Ledger] = {}

    def ledger() -> harness.Ledger:
        if "ledger" not in state:
            state["ledger"] = harness.setup(home)
            harness.grow(home, state["ledger"], 3000)
        return state["ledger"]

    def note_save(part: Part) -> None:
        outcome = harness.disk_full_note_save(home, ledger(), root)
        part.tried, part.acked = 1, len(ledger().notes) + len(ledger().segments)
        part.failures += outcome.problems
        part.notes.append(f"disk full, notes edit said: {outcome.message}")

    def autosave(part: Part) -> None:
        outcome = harness.disk_full_autosave(home, ledger(), root)
        part.tried, part.acked = 1, len(ledger().notes) + len(ledger().segments)
        part.failures += outcome.problems
        part.notes.append(f"disk full, the window's autosave call: {outcome.message}")

    def backup(part: Part) -> None:
        outcome = harness.disk_full_backup(home, ledger())
        part.tried, part.acked = 1, len(ledger().notes) + len(ledger().segments)
        part.failures += outcome.problems
        part.notes.append(f"disk full, db backup said: {outcome.message}")

    return [
        ("disk full: notes edit", note_save),
        ("disk full: autosave call", autosave),
        ("disk full: db backup", backup),
    ]


def corruption(root: Path) -> Callable[[Part], None]:
    def run(part: Part) -> None:
        part.acked = 0
        for number in range(CORRUPTION_RUNS):
            home = _home(root, f"corrupt-{number}")
            ledger = harness.setup(home)
            harness.grow(home, ledger, 500 * (number + 1))
            outcome = harness.corrupt_and_restore(home, ledger, random.Random(300 + number))
            part.tried += 1
            part.acked += len(ledger.notes) + len(ledger.segments)
            part.failures += outcome.problems
        part.notes.append(f"damaged file: {CORRUPTION_RUNS} databases, 4 pages overwritten each")

    return run


def fuzz_importer(filename: str, budget: int) -> Callable[[Part], None]:
    def run(part: Part) -> None:
        outcome = corpus.fuzz_importer(filename, budget)
        part.tried, part.failures = outcome.tried, outcome.failures
        for _label, _name, data in corpus.bad_transcripts(scale=4):
            part.tried += 1
            if problem := corpus.transcript_problem(data, filename):
                part.failures.append(problem)

    return run


def fuzz_segments(budget: int) -> Callable[[Part], None]:
    def run(part: Part) -> None:
        outcome = corpus.fuzz(corpus.segment_lines, corpus.segment_line_problem, budget)
        part.tried, part.failures = outcome.tried, outcome.failures
        for case in corpus.jsonl_cases(scale=4):
            part.tried += 1
            line = case.line.decode("utf-8", "surrogateescape")
            if problem := corpus.segment_line_problem(line):
                part.failures.append(f"{case.label}: {problem}")

    return run


def injections(root: Path) -> Callable[[Part], None]:
    def run(part: Part) -> None:
        transcripts = [corpus.injection_transcript(), *corpus.INJECTIONS]
        for template in BUILTIN_TEMPLATES.values():
            for transcript in transcripts:
                part.tried += 1
                part.failures += corpus.injection_problems(RuleEngine(), template, transcript)
        model = write_llama_gguf(root / "tiny.gguf")
        engine = LocalEngine(LlamaConfig(model, n_ctx=4096, n_threads=1, seed=3))
        try:
            for name in ("default", "soap"):
                part.tried += 1
                template = BUILTIN_TEMPLATES[name]
                transcript = corpus.injection_transcript()
                part.failures += corpus.injection_problems(engine, template, transcript)
        finally:
            engine.close()
        part.notes.append("prompt injection: rules on every template, the tiny model on 2")

    return run


def huge_models(root: Path) -> Callable[[Part], None]:
    def run(part: Part) -> None:
        home = _home(root, "models")
        folder = root / "huge-models"
        folder.mkdir()
        with corpus.huge_model_files(folder, random.Random(400)) as paths:
            for path in paths:
                part.tried += 1
                if problem := corpus.model_check_problem(path):
                    part.failures.append(problem)
                result = home.cli("llm", "info", "--model", str(path))
                part.failures += harness.cli_failure_problems(result, f"llm info {path.name}")
        part.notes.append(f"1 GiB model files: {part.tried}, each refused and deleted")

    return run


def restore_beside_writer(root: Path) -> Callable[[Part], None]:
    def run(part: Part) -> None:
        home = _home(root, "restore-beside-writer")
        harness.setup(home)
        outcome = restore_faults.restore_beside_open_window(home)
        part.tried, part.acked = 1, 1
        part.failures += outcome.problems
        said = "refused, naming the window's process" if outcome.refused else "went ahead"
        part.notes.append(f"restore beside an open window: {said}")

    return run


def restore_crashes(root: Path) -> Callable[[Part], None]:
    def run(part: Part) -> None:
        home = _home(root, "restore-crash")
        harness.setup(home)
        for name in ("In the backup", "After the backup"):
            if home.cli("patients", "add", name).returncode != 0:
                part.failures.append(f"could not add the patient {name!r}")
            if name == "In the backup" and home.cli("db", "backup").returncode != 0:
                part.failures.append("db backup failed")
        part.acked = len(restore_faults.patient_names(home))
        outcome = restore_faults.restore_crash_cycles(home, root / "restore-crash-points")
        part.tried = outcome.crash_points
        part.failures += outcome.problems
        part.notes.append(f"db restore killed after each of its {outcome.crash_points} file steps")

    return run


def follow_rotations(root: Path, rounds: int) -> Callable[[Part], None]:
    def run(part: Part) -> None:
        home = _home(root, "follow")
        harness.setup(home)
        workdir = root / "follow-files"
        workdir.mkdir()
        part.tried = rounds
        part.failures += follow_faults.follow_rotation_problems(
            home, workdir, random.Random(500), rounds
        )
        part.notes.append(f"or follow: {rounds} random appends, rotations and truncations")

    return run


def unreadable_opens(root: Path) -> Callable[[Part], None]:
    def run(part: Part) -> None:
        home = _home(root, "unreadable")
        harness.setup(home)
        part.tried, part.acked = 1, len(restore_faults.patient_names(home))
        part.failures += restore_faults.full_disk_open(home)
        with restore_faults.read_only_view(home.paths.data_dir, root / "ro-view") as view:
            if view is None:
                part.notes.append("read-only open not tried: no read-only folder for root here")
                return
            part.tried += 1
            part.failures += _check_read_only(home, view)
        part.notes.append("full-disk and read-only opens: neither called damaged")

    return run


def _check_read_only(home: harness.FaultHome, view: Path) -> list[str]:
    """``verify_database`` on the read-only view: it reads, or is refused as unreadable
    now, never reported damaged or with a restore proposed."""
    from core.store.backup import verify_database
    from core.store.connection import DatabaseKey
    from core.store.errors import CorruptDatabaseError, StoreError, WrongKeyError

    key = DatabaseKey.passphrase(PASSPHRASE)
    database = view / home.paths.database.name
    try:
        verify_database(database, view / home.paths.backup_dir.name, key=key)
    except (CorruptDatabaseError, WrongKeyError) as exc:
        return [f"a healthy database in a read-only folder was reported as {type(exc).__name__}"]
    except StoreError as exc:
        if "db restore" in str(exc):
            return ["the read-only message proposes a restore"]
    return []


def print_table(parts: list[Part]) -> None:
    print()
    print(f"{'PART':<30} {'TRIED':>7} {'ACKED WRITES':>13} {'FAILURES':>9} {'SECONDS':>8}")
    for part in parts:
        acked = "-" if part.acked is None else str(part.acked)
        print(
            f"{part.name:<30} {part.tried:>7} {acked:>13} {len(part.failures):>9} "
            f"{part.seconds:>8.1f}"
        )
    total = sum(len(part.failures) for part in parts)
    print(f"{'total':<30} {'':>7} {'':>13} {total:>9} {sum(p.seconds for p in parts):>8.1f}")
    for part in parts:
        for failure in part.failures[:10]:
            print(f"FAILURE {part.name}: {failure}")
    for part in parts:
        for note in part.notes:
            print(f"note: {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writer-cycles", type=int, default=200)
    parser.add_argument("--cli-cycles", type=int, default=20)
    parser.add_argument("--follow-rounds", type=int, default=30)
    parser.add_argument("--fuzz", type=int, default=3000, help="inputs per transcript importer")
    args = parser.parse_args()
    netguard.install()
    with tempfile.TemporaryDirectory(prefix="auralis-faults-") as folder:
        root = Path(folder)
        # Nothing here may touch the user's own Auralis folder or key.
        os.environ["AURALIS_HOME"] = str(root / "home")
        os.environ["AURALIS_DB_KEY"] = PASSPHRASE
        plan: list[tuple[str, Callable[[Part], None]]] = [
            ("kill -9: writer script", writer_kills(root, args.writer_cycles)),
            ("kill -9: notes edit (CLI)", cli_edit_kills(root, args.cli_cycles)),
            ("kill -9: or replay (CLI)", cli_or_kills(root, args.cli_cycles)),
            *disk_full(root),
            ("damaged database + restore", corruption(root)),
            ("restore beside an open writer", restore_beside_writer(root)),
            ("kill -9: mid-restore", restore_crashes(root)),
            ("full-disk + read-only opens", unreadable_opens(root)),
            ("or follow: rotate/truncate", follow_rotations(root, args.follow_rounds)),
            *[
                (f"fuzz: {name} importer", fuzz_importer(name, args.fuzz))
                for name in corpus.TRANSCRIPT_FILENAMES
            ],
            ("fuzz: OR JSON lines parser", fuzz_segments(args.fuzz * 3)),
            ("prompt injection", injections(root)),
            ("1 GiB random model files", huge_models(root)),
        ]
        print(f"Fault benchmark in {root} ({len(plan)} parts)", flush=True)
        parts = [_timed(name, run) for name, run in plan]
    print_table(parts)


if __name__ == "__main__":
    main()
