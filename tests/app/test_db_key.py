"""Where the passphrase comes from, and the delay after wrong ones."""

from pathlib import Path

import pytest

from app.db_key import (
    KEY_ENV,
    KeyChoice,
    KeyOptions,
    NoPassphraseGiven,
    choose_key,
    read_key_file,
)
from app.keyring_store import StoredKey, keyring_name, load_key, save_key
from app.unlock_attempts import FREE_ATTEMPTS, TooManyAttemptsError, UnlockAttempts
from core.passphrase import PassphraseVerifier
from core.store import open_store
from core.store.connection import DatabaseKey, FileState
from core.store.errors import StoreError


def _never_ask(state: FileState) -> KeyChoice | None:
    raise AssertionError(f"asked for a passphrase ({state})")


def test_the_key_file_wins_over_the_environment(tmp_path: Path) -> None:
    key_file = tmp_path / "key.txt"
    key_file.write_text("from the file\nsecond line ignored\n")
    choice = choose_key(
        tmp_path / "new.db", KeyOptions(key_file=key_file), _never_ask, {KEY_ENV: "from env"}
    )
    assert choice.key == DatabaseKey.passphrase("from the file")
    assert choice.source == "key file" and choice.encrypted


def test_the_environment_gives_the_key(tmp_path: Path) -> None:
    choice = choose_key(tmp_path / "new.db", KeyOptions(), _never_ask, {KEY_ENV: "a passphrase"})
    assert choice.key == DatabaseKey.passphrase("a passphrase")


def test_asking_happens_only_when_nothing_else_gives_a_key(tmp_path: Path) -> None:
    states: list[FileState] = []

    def ask(state: FileState) -> KeyChoice | None:
        states.append(state)
        return KeyChoice(DatabaseKey.passphrase("typed in"), "asked")

    choice = choose_key(tmp_path / "new.db", KeyOptions(), ask, {})
    assert choice.source == "asked" and states == [FileState.MISSING]
    with pytest.raises(NoPassphraseGiven):
        choose_key(tmp_path / "new.db", KeyOptions(), lambda _state: None, {})


def test_without_a_way_to_ask_the_error_says_how_to_give_a_key(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=f"will be encrypted.*{KEY_ENV}.*--db-key-file"):
        choose_key(tmp_path / "new.db", KeyOptions(), None, {})


def test_no_encryption_only_for_new_or_unencrypted_databases(tmp_path: Path) -> None:
    options = KeyOptions(no_encryption=True)
    assert choose_key(tmp_path / "new.db", options, _never_ask, {KEY_ENV: "x"}).key is None
    encrypted = tmp_path / "enc.db"
    open_store(encrypted, key=DatabaseKey.random()).close()
    with pytest.raises(StoreError, match="encrypted; --no-encryption cannot open it"):
        choose_key(encrypted, options, _never_ask, {})
    plain = tmp_path / "plain.db"
    open_store(plain, key=None).close()
    # an old unencrypted database opens as it is, whatever key is around
    choice = choose_key(plain, KeyOptions(), _never_ask, {KEY_ENV: "x"})
    assert choice.key is None and choice.source == "unencrypted file"


@pytest.mark.parametrize(
    ("content", "problem"),
    [(b"", "no usable passphrase"), (b"\xff\xfe\x00", "not UTF-8"), (b"x" * 5000, "larger")],
)
def test_a_bad_key_file_is_refused_clearly(tmp_path: Path, content: bytes, problem: str) -> None:
    key_file = tmp_path / "key"
    key_file.write_bytes(content)
    with pytest.raises(StoreError, match=problem):
        read_key_file(key_file)
    with pytest.raises(StoreError, match="Cannot read the key file"):
        read_key_file(tmp_path / "missing")


def test_wrong_passphrases_cost_a_growing_wait_after_five(tmp_path: Path) -> None:
    attempts = UnlockAttempts(tmp_path / "attempts.json")
    for _ in range(FREE_ATTEMPTS - 1):
        attempts.failed()
    attempts.check()  # four: no wait
    assert attempts.failed() == FREE_ATTEMPTS
    assert 29 < attempts.wait_seconds() <= 30
    with pytest.raises(TooManyAttemptsError, match="Wait 30 seconds"):
        attempts.check()
    attempts.failed()
    assert 59 < attempts.wait_seconds() <= 60
    assert attempts.wait_seconds(now=10**12) == 0  # the wait runs out
    for _ in range(20):
        attempts.failed()
    assert attempts.wait_seconds() <= 15 * 60
    # shared through the file, as the window and the command line share it
    assert UnlockAttempts(tmp_path / "attempts.json").failures == FREE_ATTEMPTS + 21
    assert attempts.succeeded() == FREE_ATTEMPTS + 21
    assert attempts.failures == 0 and attempts.wait_seconds() == 0


def test_an_unreadable_count_counts_as_the_longest_wait(tmp_path: Path) -> None:
    # Spoiling the file must not end the wait (issue 21); the count is written atomically,
    # so only a hand (or a damaged disk) leaves it unreadable.
    file = tmp_path / "attempts.json"
    file.write_text("{not json")
    assert 15 * 60 - 5 < UnlockAttempts(file).wait_seconds() <= 15 * 60


def test_the_lock_opens_with_the_passphrase_or_the_stored_unlock_hash() -> None:
    typed = KeyChoice(DatabaseKey.passphrase("open sesame please"), "asked")
    assert typed.can_unlock and typed.unlocks("open sesame please")
    assert not typed.unlocks("open sesame") and not typed.unlocks("")
    stored = KeyChoice(DatabaseKey.random(), "keyring", PassphraseVerifier.of("window pass"))
    assert stored.can_unlock and stored.unlocks("window pass")
    assert not stored.unlocks(stored.key.secret if stored.key else "")  # not the raw key
    unencrypted = KeyChoice(None, "no encryption")
    assert not unencrypted.can_unlock and not unencrypted.unlocks("")


def test_a_key_stored_in_the_keyring_opens_the_database(tmp_path: Path, file_keyring: Path) -> None:
    assert keyring_name() is not None
    database = tmp_path / "kept.db"
    assert load_key(database) is None
    key = DatabaseKey.random()
    save_key(database, StoredKey(key, PassphraseVerifier.of("unlock words")))
    open_store(database, key=key).close()
    choice = choose_key(database, KeyOptions(), _never_ask, {})
    assert choice.source == "keyring" and choice.key == key
    assert choice.unlocks("unlock words")
    # the environment still wins (scripts, tests)
    assert choose_key(database, KeyOptions(), _never_ask, {KEY_ENV: "x"}).source == "environment"


def test_a_damaged_keyring_entry_is_a_clear_error(tmp_path: Path, file_keyring: Path) -> None:
    import keyring

    database = tmp_path / "kept.db"
    open_store(database, key=DatabaseKey.random()).close()
    keyring.set_password("Auralis", f"database-key:{database.resolve()}", "{not json")
    with pytest.raises(StoreError, match="keyring is damaged"):
        choose_key(database, KeyOptions(), _never_ask, {})


def test_a_plain_file_keyring_is_never_picked_by_chance(monkeypatch: pytest.MonkeyPatch) -> None:
    # keyrings.alt is installed for the tests; without the administrator's choice its
    # plain-text file must not count as the system keyring.
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    before = keyring.get_keyring()
    keyring.set_keyring(PlaintextKeyring())
    try:
        assert keyring_name() is None
    finally:
        keyring.set_keyring(before)
