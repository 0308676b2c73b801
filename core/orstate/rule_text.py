"""The words of an utterance as the OR rules read them: tokens with their offsets, lexicon
keys, the progressive and participle forms of verb phrases, ASR stutters, and a near miss
of a long word. Pure functions of text; see :mod:`core.orstate.rules` for their use.
"""

import re

from core.orstate import rule_words as W
from core.orstate.rule_time import Tok

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|,")
# Verbs that double their last letter before -ing and -ed ("stopping", "stopped").
_DOUBLED = frozenset({"stop", "shut", "cut", "put", "get", "run", "set", "begin", "plan"})


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens (hyphens split words); commas kept as clause breaks."""
    return [tok for tok, _, _ in text_tokens(text)]


def text_tokens(text: str, base: int = 0) -> list[Tok]:
    """The tokens of ``text`` with their offsets (``base`` added: text inside a longer one)."""
    low = text.lower().replace("’", "'").replace("‘", "'")
    return [(m.group(), base + m.start(), base + m.end()) for m in _TOKEN.finditer(low)]


def phrase_key(phrase: str) -> tuple[str, ...]:
    """A lexicon key: the phrase's tokens without articles."""
    return tuple(t for t in tokenize(phrase) if t not in W.ARTICLES)


def progressive(phrase: str) -> str:
    """``start up`` -> ``starting up``: the progressive of a verb phrase's first word."""
    head, _, rest = phrase.partition(" ")
    if head.endswith("e") and not head.endswith("ee") and len(head) > 2:
        head = head[:-1] + "ing"
    elif head in _DOUBLED:
        head = head + head[-1] + "ing"
    else:
        head += "ing"
    return f"{head} {rest}".strip()


def participle(phrase: str) -> str:
    """``fire up`` -> ``fired up``: the participle of a verb phrase's first word."""
    head, _, rest = phrase.partition(" ")
    if head in W.IRREGULAR_PARTICIPLES:
        head = W.IRREGULAR_PARTICIPLES[head]
    elif head.endswith("e"):
        head += "d"
    elif head in _DOUBLED:
        head = head + head[-1] + "ed"
    else:
        head += "ed"
    return f"{head} {rest}".strip()


def one_edit(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` with one letter changed, added, dropped or two swapped."""
    if a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = next((k for k in range(len(short)) if short[k] != long_[k]), len(short))
    return short[i:] == long_[i + 1 :]


def drop_stutters(tokens: list[Tok]) -> list[Tok]:
    """Drop ASR stutters: a word repeated right after itself."""
    return [tok for i, tok in enumerate(tokens) if i == 0 or tok[0] != tokens[i - 1][0]]
