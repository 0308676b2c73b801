"""Someone else's words quoted by the client: "my sister goes, 'I just want to die'",
"he texted, 'I'm going to end it tonight'", "y me dijo: «me corto»". Risk phrases inside
them are the speaker's, not the client's; the client's own quoted words ("I told her,
'I want to die'") stay the client's.

A quotation opens with a double quote, a guillemet or a single quote that starts a word
after a space, a colon or a comma, and closes at its pair (or at the end of the line).
Its speaker is the subject of the last verb of saying before it in the same sentence:
the verb's own person when it has one ("goes", "says", "dijo"), else the nearest person
word before it ("she told me", "I said"). Unknown speakers are taken to be the client.

Pure functions; stdlib only.
"""

import re
from collections.abc import Callable

# Verbs of saying whose form is third person: the speaker is not the client.
_THIRD_PERSON_VERBS = (
    r"goes|says|tells|texts|writes|posts|messages|screams|yells|shouts|asks|"
    r"dijo|dice|decía|escribió|escribe|gritó|grita|soltó|suelta|mandó|manda|puso|pone|"
    r"contestó|contesta|preguntó|pregunta"
)
_THIRD_PERSON_SAYING = re.compile(rf"\b(?:{_THIRD_PERSON_VERBS})\b", re.IGNORECASE)
# Any verb of saying (or a word that introduces a quotation), in any person.
_SAYING = re.compile(
    rf"\b(?:{_THIRD_PERSON_VERBS}|said|say|saying|go|went|going|told|tell|telling|texted|"
    r"text|wrote|written|posted|messaged|yelled|yelling|screamed|screaming|shouted|"
    r"shouting|asked|whispered|cried|sobbed|replied|answered|words|like|reads|read|dije|"
    r"digo|escribí|grité|palabras)\b",
    re.IGNORECASE,
)
_SAYING_LAST = re.compile(_SAYING.pattern + r"$", re.IGNORECASE)
_SENTENCE_BREAK = re.compile(r"[.!?…]\s+(?=[A-Z¿¡])")
_PAIRS = {'"': '"', "“": "”", "«": "»", "„": "“"}
_SINGLE = "'‘’"
_WORD = re.compile(r"[\w'’-]+")
# Spanish object pronouns before a verb ("me dijo": told me) are not its subject.
_CLITICS = frozenset("me te le les nos os".split())


def others_quotes(text: str, person: Callable[[str], str | None]) -> list[tuple[int, int]]:
    """The spans of ``text`` quoting someone other than the client. ``person`` gives the
    kind of a word ("self", "you", "thing", "third") or None."""
    spans = []
    for start, end in quotations(text):
        if _speaker(text[:start], person) in ("third", "thing"):
            spans.append((start, end))
    return spans


def quotations(text: str) -> list[tuple[int, int]]:
    """Every quotation's span, its marks included."""
    found = []
    i = 0
    while i < len(text):
        mark = text[i]
        end = -1
        if mark in _PAIRS:
            close = text.find(_PAIRS[mark], i + 1)
            end = close + 1 if close >= 0 else len(text)
        elif mark in _SINGLE and _opens(text, i):
            end = _single_close(text, i + 1)
        if end > i:
            found.append((i, end))
            i = end
        else:
            i += 1
    return found


def _opens(text: str, i: int) -> bool:
    """A single quote starts a quotation, not a word ("'cause") or a contraction: after
    a colon or a comma, or after a verb of saying ("she goes 'I just...")."""
    after = text[i + 1] if i + 1 < len(text) else " "
    if after.isspace() or not text[:i].endswith((" ", ":", "(")):
        return False
    before = text[:i].rstrip()
    return before.endswith((",", ":", "(")) or bool(_SAYING_LAST.search(before))


def _single_close(text: str, start: int) -> int:
    """The end of a single-quoted span: a single quote after a non-space that is not
    followed by a letter ("can't" goes on), or the end of the line."""
    for j in range(start, len(text)):
        closes = j + 1 >= len(text) or not text[j + 1].isalpha()
        if text[j] in _SINGLE and not text[j - 1].isspace() and closes:
            return j + 1
    return len(text)


def _speaker(before: str, person: Callable[[str], str | None]) -> str | None:
    """The kind of person who says the quotation that follows ``before``."""
    sentence = _SENTENCE_BREAK.split(before)[-1]
    verbs = list(_SAYING.finditer(sentence))
    if not verbs:
        return None
    verb = verbs[-1]
    if _THIRD_PERSON_SAYING.fullmatch(verb.group(0)):
        return "third"
    words = [w.lower().replace("’", "'") for w in _WORD.findall(sentence[: verb.start()])]
    if words and words[-1] in _CLITICS and verb.group(0).lower().endswith(("ó", "o", "e", "a")):
        words.pop()
    for word in reversed(words):
        if (kind := person(word)) is not None:
            return kind
    return None
