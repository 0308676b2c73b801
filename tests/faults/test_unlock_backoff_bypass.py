"""Issue 21, item 13: the wait after wrong passphrases cannot be got round by guessing in
parallel processes, by deleting (or spoiling) the count's file, by a time in the future
in it, or by failing so often that the wait overflows.

The parallel case runs real processes, each calling the check that the window and the
command line make before opening the database (``app.startup.check_database``), all
released at once.
"""

import json
import math
import time
from pathlib import Path

import pytest
from hardening_faults import parallel_guesses

from app.paths import AppPaths
from app.startup import check_database, unlock_attempts
from app.unlock_attempts import FREE_ATTEMPTS, MAX_DELAY_S, TooManyAttemptsError
from core.store import open_store
from core.store.connection import DatabaseKey

PASSPHRASE = "the right passphrase, for the test"
GUESSERS = 8


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    paths = AppPaths.resolve(tmp_path / "home")
    open_store(paths.database, key=DatabaseKey.passphrase(PASSPHRASE)).close()
    return paths


def _fail(paths: AppPaths, times: int) -> None:
    for _ in range(times):
        try:
            check_database(paths, DatabaseKey.passphrase("not it"))
        except TooManyAttemptsError:
            return
        except Exception:  # WrongKeyError: counted
            continue


def test_parallel_guesses_get_no_more_than_the_free_attempts(paths: AppPaths) -> None:
    outcomes = parallel_guesses(paths.data_dir.parent, GUESSERS)
    assert sorted(set(outcomes)) <= ["wait", "wrong"], outcomes
    tried = outcomes.count("wrong")
    assert tried <= FREE_ATTEMPTS, outcomes
    assert unlock_attempts(paths).failures == tried  # none of the counts was lost


def test_deleting_the_count_does_not_end_the_wait(paths: AppPaths) -> None:
    _fail(paths, FREE_ATTEMPTS + 1)
    attempts = unlock_attempts(paths)
    assert attempts.wait_seconds() > 0
    attempts.file.unlink()
    assert unlock_attempts(paths).wait_seconds() > 0
    with pytest.raises(TooManyAttemptsError):
        check_database(paths, DatabaseKey.passphrase(PASSPHRASE))


def test_a_data_folder_moved_without_its_settings_folder_opens_at_once(paths: AppPaths) -> None:
    _fail(paths, 2)
    assert check_database(paths, DatabaseKey.passphrase(PASSPHRASE)) == 2  # count cleared
    mirror = unlock_attempts(paths).mirror
    assert mirror is not None and mirror.exists()
    mirror.unlink()  # the data folder alone, copied to another computer
    assert unlock_attempts(paths).wait_seconds() == 0
    assert check_database(paths, DatabaseKey.passphrase(PASSPHRASE)) == 0


def test_spoiling_the_count_does_not_end_the_wait(paths: AppPaths) -> None:
    _fail(paths, FREE_ATTEMPTS + 1)
    attempts = unlock_attempts(paths)
    attempts.file.write_text("{not json")
    assert unlock_attempts(paths).wait_seconds() > 0
    attempts.file.write_text(json.dumps({"failures": 0, "last_failure": time.time()}))
    assert unlock_attempts(paths).wait_seconds() > 0


@pytest.mark.parametrize("stamp", [time.time() + 10 * 365 * 86400, math.inf, math.nan, -1e308])
def test_a_time_in_the_future_neither_extends_nor_ends_the_wait(
    paths: AppPaths, stamp: float
) -> None:
    _fail(paths, FREE_ATTEMPTS + 1)
    attempts = unlock_attempts(paths)
    record = json.loads(attempts.file.read_text())
    record["last_failure"] = stamp
    attempts.file.write_text(json.dumps(record))
    wait = unlock_attempts(paths).wait_seconds()
    assert 0 < wait <= MAX_DELAY_S


@pytest.mark.parametrize("failures", [1_029, 1_030, 10**400])
def test_a_huge_count_neither_overflows_nor_ends_the_wait(paths: AppPaths, failures: int) -> None:
    _fail(paths, FREE_ATTEMPTS + 1)
    attempts = unlock_attempts(paths)
    record = json.loads(attempts.file.read_text())
    record["failures"] = failures
    attempts.file.write_text(json.dumps(record))
    again = unlock_attempts(paths)
    assert 0 < again.wait_seconds() <= MAX_DELAY_S
    again.failed()  # one more, past any limit
    assert 0 < again.wait_seconds() <= MAX_DELAY_S
    with pytest.raises(TooManyAttemptsError):
        check_database(paths, DatabaseKey.passphrase(PASSPHRASE))
