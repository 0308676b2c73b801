import pytest

from core.passphrase import MIN_LENGTH, PassphraseVerifier, passphrase_strength


def test_short_passphrases_are_refused() -> None:
    assert not passphrase_strength("a" * (MIN_LENGTH - 1)).acceptable
    assert passphrase_strength("a" * MIN_LENGTH).acceptable


def test_the_hint_follows_what_makes_a_passphrase_guessable() -> None:
    assert passphrase_strength("password1").label == "weak"  # a common word
    assert passphrase_strength("12345678").label == "weak"  # a run
    assert passphrase_strength("aaaaaaaaaaaaaaaa").label == "weak"  # one character
    assert passphrase_strength("kjH7!x9q").label == "fair"
    assert passphrase_strength("harbour violet seven lantern").label == "strong"


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
