"""How strong a new passphrase is, in words a clinician can act on.

An estimate, not a guarantee, by zxcvbn (Dropbox's estimator, maintained as the ``zxcvbn``
package): it finds common passwords, names, dictionary words, keyboard walks, dates,
repeats and l33t substitutions, and counts the guesses an attacker who knows them needs.
Its score maps to the app's words: 0-2 (fewer than 10^8 guesses: hours for someone who
copied the database and guesses offline) "weak", 3 "fair", 4 "strong". Auralis refuses
passphrases shorter than :data:`MIN_LENGTH`; everything else is the user's choice, with
the hint beside it.

:class:`PassphraseVerifier` checks a typed passphrase against a salted hash, for the
window's lock when the database key itself is not a passphrase (a random key kept in the
system keyring).
"""

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass

from zxcvbn import zxcvbn  # type: ignore[import-untyped]  # no type hints shipped

MIN_LENGTH = 8
# zxcvbn's own limit: its matching grows fast with the length, and a passphrase this long
# is judged by its beginning (more characters never make it weaker).
JUDGED_LENGTH = 72
# Words anyone guessing at an Auralis database tries first.
APP_WORDS = ["auralis", "hospital", "clinic", "therapy", "therapist", "patient", "surgery"]
LABELS = {0: "weak", 1: "weak", 2: "weak", 3: "fair", 4: "strong"}
ADD_WORDS = "Add words: four unrelated words make a strong one."


@dataclass(frozen=True)
class Strength:
    bits: float  # log2 of the guesses needed, as estimated
    label: str  # "too short", "weak", "fair", "strong"
    hint: str

    @property
    def acceptable(self) -> bool:
        return self.label != "too short"


def passphrase_strength(text: str) -> Strength:
    if len(text) < MIN_LENGTH:
        return Strength(0.0, "too short", f"Use at least {MIN_LENGTH} characters.")
    result = zxcvbn(text[:JUDGED_LENGTH], user_inputs=APP_WORDS)
    bits = float(result["guesses_log10"]) * math.log2(10)
    label = LABELS.get(int(result["score"]), "weak")
    warning = str(result["feedback"].get("warning") or "")
    suggestions = [str(each) for each in result["feedback"].get("suggestions") or []]
    if label == "weak":
        hint = " ".join(part for part in ("Easy to guess.", warning, ADD_WORDS) if part)
    elif label == "fair":
        hint = " ".join(["Acceptable.", *(suggestions or ["A few more words make it strong."])])
    else:
        hint = "Strong."
    return Strength(bits, label, hint)


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
