"""Store benchmark: listing 10,000 sessions and searching 10,000 notes (budget: 50 ms).

Builds a throwaway database of 500 patients x 20 sessions, each with a ~1,500-character
transcript and an AI-drafted note, then times the repository calls the UI makes.
Prints timings; it is a measurement, not a test.

    .venv/bin/python bench/store.py [--sessions N]
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.store import open_store
from core.store.connection import DatabaseKey
from core.store.notes import search_notes
from core.store.patients import search_patients
from core.store.sessions import list_sessions, search_sessions

KEY = DatabaseKey.random()  # encrypted, as a new install is

BUDGET_MS = 50.0
WORDS = (
    "sleep anxiety work family mother father sister brother school panic breathing "
    "exercise walk appetite mood tired angry calm hopeful worried therapy homework "
    "weekend friend partner argument drink coffee medication dose doctor meeting plan "
    "goal progress setback relapse trigger memory dream nightmare grief loss"
).split()


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def build(path: Path, sessions: int) -> None:
    rng = random.Random(7)
    db = open_store(path, key=KEY)
    per_patient = 20
    with db.atomic():
        for p in range(sessions // per_patient):
            patient_id = db.execute(
                "INSERT INTO patients (display_name, created_at) VALUES (?, '2026-01-01')",
                [f"Patient {p}"],
            ).lastrowid
            for n in range(1, per_patient + 1):
                session_id = db.execute(
                    "INSERT INTO sessions (patient_id, session_number, session_date, transcript,"
                    " created_at) VALUES (?, ?, ?, ?, '2026-01-01')",
                    [patient_id, n, f"2026-{1 + n % 12:02d}-{1 + p % 28:02d}", _text(rng, 250)],
                ).lastrowid
                db.execute(
                    "INSERT INTO note_versions (session_id, template, content, is_ai_generated,"
                    " generated_at, created_at) VALUES (?, 'default', ?, 1, 'x', 'x')",
                    [session_id, _text(rng, 120)],
                )
    db.execute("ANALYZE")
    db.close()


def measure(name: str, call: Callable[[], object], runs: int = 15) -> float:
    call()  # warm the page cache, as a running app would have it
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - started) * 1000)
    count = len(result) if isinstance(result, list) else "-"
    median = statistics.median(times)
    verdict = "within" if median <= BUDGET_MS else "OVER"
    print(
        f"{name:<42} rows={count!s:>6}  median={median:7.2f} ms  max={max(times):7.2f} ms"
        f"  ({verdict} the {BUDGET_MS:.0f} ms budget)"
    )
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        started = time.perf_counter()
        build(path, args.sessions)
        size_mb = path.stat().st_size / 1e6
        print(
            f"built {args.sessions} sessions + {args.sessions} notes ({size_mb:.1f} MB) "
            f"in {time.perf_counter() - started:.1f} s"
        )
        db = open_store(path, key=KEY)
        try:
            measure("list_sessions (all)", lambda: list_sessions(db))
            measure("list_sessions (one patient)", lambda: list_sessions(db, 250))
            measure("search_notes 'nightmare grief'", lambda: search_notes(db, "nightmare grief"))
            measure("search_notes 'relapse' (limit 100)", lambda: search_notes(db, "relapse"))
            measure(
                "search_sessions 'panic breathing'", lambda: search_sessions(db, "panic breathing")
            )
            measure("search_patients 'patient 42'", lambda: search_patients(db, "patient 42"))
        finally:
            db.close()


if __name__ == "__main__":
    main()
