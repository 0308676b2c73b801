"""Who is speaking in a transcript line: the speaker label, and whether it is a clinician.

One definition for the importer (which finds labels in plain-text transcripts) and for
everything that reads a stored transcript's "Speaker: text" lines afterwards.
"""

import re

_ROLES = frozenset(
    "therapist client patient counselor counsellor clinician doctor interviewer "
    "interviewee speaker psychologist psychiatrist nurse t c p q a".split()
)
# Single words that often end in a colon in prose or headers but never name a speaker.
_NOT_SPEAKERS = frozenset(
    "i note notes nb ps date time duration subject re title location session so well "
    "anyway okay ok yes no and but".split()
)
_PARTICLES = frozenset("van von der den de da di du del della la le bin al el".split())
# "[doctor] hi", "[Patient]: hi", "[speaker 2] hi": a known role or a numbered speaker.
_BRACKET_LABEL = re.compile(
    r"\[\s*((?i:"
    + "|".join(sorted(_ROLES, key=len, reverse=True))
    + r")(?:\s+\d+)?)\s*\]:?(?=\s*\S)"
)
_NAME_WORD = re.compile(r"\(?[^\W\d_][\w.'’\-]*\)?")


_CLINICIAN_ROLES = (
    r"(?:t|th|ther|therapist|clinician|counsell?or|counselor|doctor|doc|dr\b.*|psychologist|"
    r"psychiatrist|psychotherapist|nurse|np|rn|md|social worker|sw|interviewer|int|provider|"
    r"practitioner|case manager|physician|lcsw|lpc|lmft)"
)
# "Therapist", "Dr. Lee", "Nurse Kim", "Therapist 2", "Speaker 1 (Therapist)".
CLINICIAN_LABEL = re.compile(
    rf"(?i){_CLINICIAN_ROLES}(?:\s*\(.*\)|\s+\d+|\s+[a-z][\w.'’-]*)*|.*\(\s*{_CLINICIAN_ROLES}\s*\)"
)


def split_speaker(line: str) -> tuple[str | None, str]:
    """``"Dr. Lee: how are you?"`` -> ``("Dr. Lee", " how are you?")``; a line without a
    label (``"I said: no"``, ``"At 10:30: coffee"``) -> ``(None, line)``.

    A label is 1-4 words of at most 40 characters before the first colon, each word
    capitalised (or a number after the first, or a name particle such as "van" inside),
    or a known role in any case ("therapist", "t"); single words that end prose clauses
    ("Note", "So", "I") are not labels; a label alone on its line is text. A role in
    square brackets is a label too (``"[doctor] hi"``, as ACI-Bench writes them), but a
    sound or an aside is not (``"[laughs] yes"``).
    """
    if bracketed := _BRACKET_LABEL.match(line):
        return bracketed.group(1), line[bracketed.end() :]
    label, colon, rest = line.partition(":")
    # "At 10:30: coffee" and "http://" are not labels; a label alone on its line is text.
    split_time = rest[:1].isdigit() and label.rstrip()[-1:].isdigit()
    if not colon or not rest.strip() or split_time or rest[:1] == "/":
        return None, line
    words = label.split()
    if not 1 <= len(words) <= 4 or len(label.strip()) > 40:
        return None, line
    if len(words) == 1 and words[0].casefold().rstrip(".") in _NOT_SPEAKERS:
        return None, line
    for position, word in enumerate(words):
        if word.isdigit() and position:
            continue
        if not _NAME_WORD.fullmatch(word):
            return None, line
        capital = word.lstrip("(")[0].isupper()
        if position == 0 and not (capital or word.casefold().strip("().") in _ROLES):
            return None, line
        particle = word in _PARTICLES and 0 < position < len(words) - 1
        if position and not (capital or particle):
            return None, line  # "I said: no" is a sentence, not a speaker
    return " ".join(label.split()), rest


def is_clinician(speaker: str | None) -> bool:
    """True for labels like Therapist, Dr. Lee, Nurse Kim, T, "Speaker 1 (Therapist)"."""
    return speaker is not None and bool(CLINICIAN_LABEL.fullmatch(speaker.strip()))
