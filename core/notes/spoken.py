"""Spoken words made readable for a note: fillers and false starts removed, spacing and
capitals mended, whole sentences, and a patient's "I" told in the third person.

Pure functions on strings; used by the rule drafts (``core.notes.rules_visit``).
"""

import re

# "do n't", "gon na": the split forms of tokenised transcripts (ACI-Bench writes them so).
_JOINED = (
    (re.compile(r"\b(\w+) n't\b", re.I), r"\1n't"),
    (re.compile(r"\bgon na\b", re.I), "going to"),
    (re.compile(r"\bwan na\b", re.I), "want to"),
    (re.compile(r"\bgot ta\b", re.I), "got to"),
    (re.compile(r"\bgonna\b", re.I), "going to"),
    (re.compile(r"\bwanna\b", re.I), "want to"),
)
_SPACE_BEFORE = re.compile(r"\s+([,.!?;:%)])")
_SPACE_AFTER = re.compile(r"([(])\s+")
_FILLERS = re.compile(r"(?i)(?<![\w'-])(?:um+|uh+|hmm+|mm+|er+|ah+)(?![\w'-])[,.]?\s*")
# "you know" and "kind of" are fillers only set off by commas: "let you know" is not one.
_SET_OFF_FILLERS = re.compile(
    r"(?i)(^|[,.!?])\s*(?:you know|i mean|kind of|sort of|like)\s*(?=[,.!?]|$)"
)
# "hey, dragon, show me the x-ray" and the like: commands to the dictation system.
_DICTATION = re.compile(r"(?i)\bhey\s*,?\s*dragon\b[^.?!]*[.?!]?")
_YOU_KNOW = re.compile(r"(?i)(\b[\w']+\s+)?\byou know\s*,\s*")
_KNOWING = frozenset("let if do did you to that what i we they don't didn't".split())


def _drop_you_know(match: re.Match[str]) -> str:
    """ "but you know, it does" -> "but it does"; "let you know, then" stays."""
    before = match.group(1) or ""
    return match.group(0) if before.strip().lower() in _KNOWING else before


# "..., okay?" asks for a nod, not an answer: the sentence is a statement.
_TAG_QUESTION = re.compile(r"(?i)\s*,\s*\b(?:okay|ok|all right|alright|right|yeah|you know)\s*\?")
_REPEATED = re.compile(r"(?i)\b([\w']+(?:\s+[\w']+)?)(?:\s*,\s*|\s+)\1\b")
_CUT_WORD = re.compile(r"\b\w+-\s+(?=\w)")  # "l- let you know"
# Where one sentence ends and the next begins (shared by the rule drafts).
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=\S)")
_LEADING = re.compile(
    r"(?i)^(?:(?:so|and|but|well|okay|ok|all right|alright|yeah|yes|now|then|right|oh|"
    r"like|just|anyway|actually|great|good|perfect|alrighty)\s*[,.]?\s+)+"
)
_EMPTY_PUNCT = re.compile(r"\s*,\s*(?:,\s*)+")
_AFFIRMATIONS = re.compile(
    r"(?i)^(?:(?:okay|ok|all right|alright|yes|yeah|yup|yep|no|nope|right|great|good|sure|"
    r"thank you|thanks|perfect|mm-hmm|uh-huh|hi|hello|bye|goodbye|wow|oh|sounds good|"
    r"that's fine|that's it|got it|i see|here we go)[.,!?\s]*)+$"
)


def clean_spoken(text: str) -> str:
    """``"um , i've been , i've been doing okay . do n't worry"`` ->
    ``"I've been doing okay. Don't worry"``: fillers, repeated words, cut-off words and
    dictation commands out; punctuation spacing and sentence capitals mended."""
    for pattern, repl in _JOINED:
        text = pattern.sub(repl, text)
    text = _DICTATION.sub(" ", text)
    text = _TAG_QUESTION.sub(".", text)
    text = _FILLERS.sub("", text)
    text = _SET_OFF_FILLERS.sub(r"\1", text)
    text = _YOU_KNOW.sub(_drop_you_know, text)
    text = _CUT_WORD.sub("", text)
    for _ in range(2):
        text = _REPEATED.sub(r"\1", text)
    text = _SPACE_BEFORE.sub(r"\1", " ".join(text.split()))
    text = _SPACE_AFTER.sub(r"\1", text)
    text = _EMPTY_PUNCT.sub(", ", text)
    text = re.sub(r"(?<=[.!?])\s*,\s*", " ", text)
    text = re.sub(r"\s*,\s*([.!?])", r"\1", text)
    text = re.sub(r"^[,.\s]+", "", text)
    return _capitalise_sentences(text)


def _capitalise_sentences(text: str) -> str:
    parts = SENTENCE_BREAK.split(text)
    return " ".join(_capitalise(part) for part in parts if part.strip())


def _capitalise(sentence: str) -> str:
    sentence = re.sub(r"\bi\b(?=[\s'’,.!?]|$)", "I", sentence)
    return sentence[:1].upper() + sentence[1:]


def sentences(text: str) -> list[str]:
    """The sentences of cleaned text, each without its leading "so, okay, and"; a bare
    "okay." or "yes." is not a sentence worth keeping."""
    found = []
    for part in SENTENCE_BREAK.split(text):
        part = _LEADING.sub("", part.strip()).strip(" ,")
        if part and not _AFFIRMATIONS.match(part) and len(part.split()) >= 2:
            found.append(_capitalise(part))
    return found


# The patient's words in the third person. Verbs after "I" that need an -s.
_THIRD_PERSON_VERBS = frozenset(
    """feel think get go take know want need like notice see try use work walk run start
    stop eat drink sleep wake hurt lose gain love hate live wear play keep make come say
    tell mean guess believe hope wish remember forget check monitor exercise smoke drive
    seem deal struggle cough vomit get find look sit stand lift bend move drink cook help
    bring put call follow avoid miss spend swim bike hike travel plan wonder worry
    usually also still just really never always sometimes""".split()
)
_NOT_VERBS = frozenset("usually also still just really never always sometimes".split())
_IRREGULAR = {
    "have": "has",
    "do": "does",
    "go": "goes",
    "am": "is",
    "don't": "doesn't",
    "haven't": "hasn't",
}
_FIRST_PERSON = re.compile(
    r"(?i)\b(?P<pronoun>i'm|i am|i've|i have|i'd|i'll|i was|i|my|me|myself|mine)\b"
    r"(?:(?P<space>\s+)(?P<next>[\w']+))?"
)


def third_person_verb(verb: str) -> str:
    """``"feel"`` -> ``"feels"``, ``"do"`` -> ``"does"``, ``"don't"`` -> ``"doesn't"``."""
    lower = verb.lower()
    if lower in _IRREGULAR:
        return _IRREGULAR[lower]
    if lower.endswith(("s", "sh", "ch", "x", "z", "o")):
        return verb + "es"
    if lower.endswith("y") and lower[-2:-1] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


def third_person(sentence: str, subject: str = "the patient") -> str:
    """``"I've been walking, my knee hurts"`` -> ``"She has been walking, her knee
    hurts"`` (``subject`` "she"; "the patient" or "the client" give "their")."""
    possessive = {"she": "her", "he": "his"}.get(subject, "their")
    objective = {"she": "her", "he": "him"}.get(subject, "them")
    reflexive = {"she": "herself", "he": "himself"}.get(subject, "themselves")

    def swap(match: re.Match[str]) -> str:
        pronoun = " ".join(match.group("pronoun").lower().split())
        following = match.group("next") or ""
        tail = f" {following}" if following else ""
        if pronoun == "i":
            verb = following.lower()
            if (verb in _THIRD_PERSON_VERBS or verb in _IRREGULAR) and verb not in _NOT_VERBS:
                return f"{subject} {third_person_verb(following)}"
            return subject + tail
        replacement = {
            "i'm": f"{subject} is",
            "i am": f"{subject} is",
            "i've": f"{subject} has",
            "i have": f"{subject} has",
            "i'd": f"{subject} would",
            "i'll": f"{subject} will",
            "i was": f"{subject} was",
            "my": possessive,
            "me": objective,
            "myself": reflexive,
            "mine": {"she": "hers", "he": "his"}.get(subject, "theirs"),
        }[pronoun]
        return replacement + tail

    swapped = _FIRST_PERSON.sub(swap, sentence)
    adverb_verb = re.compile(rf"(?i)\b({re.escape(subject)}) ({'|'.join(_NOT_VERBS)}) ([\w']+)")

    def agree(match: re.Match[str]) -> str:
        verb = match.group(3)
        if verb.lower() in _THIRD_PERSON_VERBS or verb.lower() in _IRREGULAR:
            verb = third_person_verb(verb)
        return f"{match.group(1)} {match.group(2)} {verb}"

    return _capitalise_sentences(adverb_verb.sub(agree, swapped))


_ASKS = re.compile(
    r"(?i)^(?:what|how|why|when|where|who|which|do|does|did|are|can|could|would|should|"
    r"have you|has|any)\b"
)


def is_question(sentence: str) -> bool:
    """A question by its mark or by its first word ("What does that mean.")."""
    return sentence.rstrip().endswith("?") or bool(_ASKS.match(sentence))
