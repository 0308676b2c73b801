"""Faults against the passphrase's guards and the process's hardening, shared by
``tests/faults`` and ``bench/faults.py``: wrong passphrases guessed by parallel processes,
and a crash of a process started through the real entry point with core files allowed.

Everything runs in real processes; every wait is bounded.
"""

import json
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PROCESS_TIMEOUT_S = 120.0

# A guesser: imports everything, says "ready", waits for a line on stdin, then makes one
# attempt with a wrong passphrase through the check the window and the command line make
# before opening the database, and prints what happened: wrong, wait or opened.
GUESSER = """
import sys
from pathlib import Path
from app.paths import AppPaths
from app.startup import check_database
from app.unlock_attempts import TooManyAttemptsError
from core.store.connection import DatabaseKey
from core.store.errors import WrongKeyError

paths = AppPaths.resolve(Path(sys.argv[1]))
print("ready", flush=True)
sys.stdin.readline()
try:
    check_database(paths, DatabaseKey.passphrase("wrong guess " + sys.argv[2]))
    print("opened", flush=True)
except TooManyAttemptsError:
    print("wait", flush=True)
except WrongKeyError:
    print("wrong", flush=True)
"""

# A start through ``main.main`` whose command-line ``paths`` handler and window smoke test
# are replaced by WHAT: a crash (os.abort) or a report of the limits in force.
STARTED = """
import ctypes, json, os, resource, sys
import main, app.cli.info, ui.smoke_test

def report(*_args):
    umask = os.umask(0)
    os.umask(umask)
    dumpable = ctypes.CDLL(None).prctl(3, 0, 0, 0, 0) if sys.platform == "linux" else None
    core = resource.getrlimit(resource.RLIMIT_CORE)
    print(json.dumps({"core": core, "dumpable": dumpable, "umask": umask}), flush=True)
    return 0

def crash(*_args):
    os.abort()

what = {"crash": crash, "report": report}[sys.argv[1]]
app.cli.info._paths = what
ui.smoke_test.smoke_test = what
sys.exit(main.main(sys.argv[2:]))
"""
COMMAND_LINE = ["paths"]
WINDOW = ["--smoke-test"]


def parallel_guesses(home: Path, count: int) -> list[str]:
    """``count`` processes, released together, each guess a wrong passphrase for the
    database under ``home``; return what each was told ("wrong" or "wait")."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    guessers = [
        subprocess.Popen(
            [sys.executable, "-c", GUESSER, str(home), str(number)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=REPO_ROOT,
        )
        for number in range(count)
    ]
    try:
        for guesser in guessers:  # every one has imported everything and waits
            assert guesser.stdout is not None
            if guesser.stdout.readline() != "ready\n":
                raise RuntimeError("a guesser did not start")
        for guesser in guessers:
            assert guesser.stdin is not None
            guesser.stdin.write("go\n")
            guesser.stdin.flush()
        return [guesser.communicate(timeout=PROCESS_TIMEOUT_S)[0].strip() for guesser in guessers]
    finally:
        for guesser in guessers:
            guesser.kill()
            guesser.wait()


def _core_files_allowed() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
    resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))


def core_files_possible() -> bool:
    """Whether this machine lets a process raise its core-file limit at all."""
    return resource.getrlimit(resource.RLIMIT_CORE)[1] != 0


def start(
    what: str, args: list[str], cwd: Path, env: Mapping[str, str]
) -> subprocess.CompletedProcess[str]:
    """Start Auralis through ``main.main(args)`` in ``cwd`` with core files allowed (as
    ``ulimit -c unlimited`` allows them), the handler replaced by ``what``."""
    return subprocess.run(
        [sys.executable, "-c", STARTED, what, *args],
        cwd=cwd,
        env={**env, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT_S,
        preexec_fn=_core_files_allowed,
    )


@dataclass(frozen=True)
class Crash:
    aborted: bool  # the process died of SIGABRT, as a crash does
    left_behind: list[str]  # files the crash wrote into its working folder (core files)


def crash_after_start(args: list[str], cwd: Path, env: Mapping[str, str]) -> Crash:
    """Crash a process after the entry point's start-up; ``cwd`` must be an empty folder."""
    crashed = start("crash", args, cwd, env)
    return Crash(crashed.returncode == -signal.SIGABRT, sorted(p.name for p in cwd.iterdir()))


def limits_after_start(args: list[str], cwd: Path, env: Mapping[str, str]) -> dict[str, object]:
    """The core-file limit, the dumpable flag (Linux) and the umask after start-up."""
    reported = start("report", args, cwd, env)
    if reported.returncode != 0:
        raise RuntimeError(f"the start failed: {reported.stderr[-2000:]}")
    state: dict[str, object] = json.loads(reported.stdout.strip().splitlines()[-1])
    return state
