import pytest

from core.passphrase import MIN_LENGTH, PassphraseVerifier, passphrase_strength


def test_short_passphrases_are_refused() -> None:
    assert not passphrase_strength("a" * (MIN_LENGTH - 1)).acceptable
    assert passphrase_strength("a" * MIN_LENGTH).acceptable


def test_the_hint_follows_what_makes_a_passphrase_guessable() -> None:
    assert passphrase_strength("password1").label == "weak"  # a common word
    assert passphrase_strength("12345678").label == "weak"  # a run
    assert passphrase_strength("aaaaaaaaaaaaaaaa").label == "weak"  # one character
    assert passphrase_strength("kjH7!x9q").label == "weak"  # 10^8 guesses: hours offline
    assert passphrase_strength("harbour violet seven lantern").label == "strong"
    assert passphrase_strength("k7#Lp2$wQz9!").label in ("fair", "strong")


@pytest.mark.parametrize(
    "decorated",
    ["P@ssw0rd2024", "Jennifer1985!", "qwertyuiop123", "trustno1trustno1", "Auralis2025!"],
)
def test_a_decorated_common_password_is_not_called_fair_or_strong(decorated: str) -> None:
    # Hand-written rules counted kinds of characters: "P@ssw0rd2024" came out "strong".
    strength = passphrase_strength(decorated)
    assert strength.label == "weak", (decorated, strength)
    assert strength.hint and decorated not in strength.hint


def test_a_very_long_passphrase_is_judged_without_failing() -> None:
    strength = passphrase_strength("lantern harbour " * 40)
    assert strength.acceptable and strength.label in ("weak", "fair", "strong")


def test_a_verifier_checks_the_passphrase_without_holding_it() -> None:
    verifier = PassphraseVerifier.of("harbour violet seven lantern")
    assert verifier.matches("harbour violet seven lantern")
    assert not verifier.matches("harbour violet seven lanterns")
    assert "harbour" not in repr(verifier) and "harbour" not in str(verifier.to_dict())
    again = PassphraseVerifier.from_dict(verifier.to_dict())
    assert again.matches("harbour violet seven lantern")
    assert PassphraseVerifier.of("same").salt != PassphraseVerifier.of("same").salt


@pytest.mark.parametrize(
    "data",
    [None, [], {"salt": "zz", "digest": "00", "rounds": 1}, {"salt": "00", "digest": "00"}],
)
def test_a_damaged_verifier_is_refused(data: object) -> None:
    with pytest.raises(ValueError):
        PassphraseVerifier.from_dict(data)
