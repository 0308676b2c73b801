"""How strong a new passphrase is, in words a clinician can act on.

An estimate, not a guarantee: the length and the kinds of characters give an upper bound
on the guesses needed; repeated characters, runs like "1234" or "abcd", and passphrases
made only of a common word lower it. Auralis refuses passphrases shorter than
:data:`MIN_LENGTH`; everything else is the user's choice, with the hint beside it.

:class:`PassphraseVerifier` checks a typed passphrase against a salted hash, for the
window's lock when the database key itself is not a passphrase (a random key kept in the
system keyring).
"""

import hashlib
import hmac
import itertools
import math
import secrets
import string
from dataclasses import dataclass

MIN_LENGTH = 8
COMMON = {
    "password", "passwort", "qwerty", "letmein", "welcome", "admin", "auralis", "hospital",
    "clinic", "therapy", "iloveyou", "monkey", "dragon", "sunshine", "summer", "winter",
}  # fmt: skip


@dataclass(frozen=True)
class Strength:
    bits: float
    label: str  # "too short", "weak", "fair", "strong"
    hint: str

    @property
    def acceptable(self) -> bool:
        return self.label != "too short"


def _alphabet(text: str) -> int:
    size = 0
    for chars, count in (
        (string.ascii_lowercase, 26),
        (string.ascii_uppercase, 26),
        (string.digits, 10),
        (string.punctuation + " ", 33),
    ):
        if any(c in chars for c in text):
            size += count
    if any(ord(c) > 127 for c in text):
        size += 100
    return max(size, 1)


def _effective_length(text: str) -> float:
    # Each character repeating the one before, or continuing a run (a→b, 1→2), counts a
    # quarter: "aaaaaaaa" and "12345678" are short passphrases in disguise.
    length = 1.0 if text else 0.0
    for before, after in itertools.pairwise(text):
        step = ord(after) - ord(before)
        length += 0.25 if step in (-1, 0, 1) else 1.0
    return length


def passphrase_strength(text: str) -> Strength:
    if len(text) < MIN_LENGTH:
        return Strength(0.0, "too short", f"Use at least {MIN_LENGTH} characters.")
    bits = _effective_length(text) * math.log2(_alphabet(text))
    stripped = text.lower().strip(string.digits + string.punctuation + " ")
    if stripped in COMMON:
        bits = min(bits, 20.0)
    if bits < 45:
        return Strength(
            bits, "weak", "Easy to guess. Add words: four unrelated words make a strong one."
        )
    if bits < 70:
        return Strength(bits, "fair", "Acceptable. A few more words or characters make it strong.")
    return Strength(bits, "strong", "Strong.")


# --- checking a typed passphrase without keeping it --------------------------------------

VERIFIER_ROUNDS = 200_000


@dataclass(frozen=True, repr=False)
class PassphraseVerifier:
    """A salted PBKDF2-HMAC-SHA256 hash of a passphrase: enough to check one typed later
    (to unlock the window), not to recover it."""

    salt: str  # hex
    digest: str  # hex
    rounds: int = VERIFIER_ROUNDS

    @classmethod
    def of(cls, passphrase: str) -> "PassphraseVerifier":
        salt = secrets.token_bytes(16)
        return cls(salt.hex(), _digest(passphrase, salt, VERIFIER_ROUNDS), VERIFIER_ROUNDS)

    def matches(self, typed: str) -> bool:
        found = _digest(typed, bytes.fromhex(self.salt), self.rounds)
        return hmac.compare_digest(found, self.digest)

    def to_dict(self) -> dict[str, object]:
        return {"salt": self.salt, "digest": self.digest, "rounds": self.rounds}

    @classmethod
    def from_dict(cls, data: object) -> "PassphraseVerifier":
        """Raises ValueError for anything that is not a verifier written by ``to_dict``."""
        if not isinstance(data, dict):
            raise ValueError("not a passphrase verifier")
        salt, digest, rounds = data.get("salt"), data.get("digest"), data.get("rounds")
        if not (isinstance(salt, str) and isinstance(digest, str) and isinstance(rounds, int)):
            raise ValueError("not a passphrase verifier")
        bytes.fromhex(salt + digest)  # raises ValueError for non-hex text
        if rounds < 1:
            raise ValueError("not a passphrase verifier")
        return cls(salt, digest, rounds)

    def __repr__(self) -> str:
        return "PassphraseVerifier(<hidden>)"


def _digest(passphrase: str, salt: bytes, rounds: int) -> str:
    return hashlib.pbkdf2_hmac("sha256", passphrase.encode("utf-8"), salt, rounds).hex()
