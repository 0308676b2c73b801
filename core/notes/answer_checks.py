"""A model's note checked section by section before anyone sees it as a draft.

A section is unusable when it echoes the prompt's instructions, holds placeholder or
debris text, repeats itself, copies another section, names a number, medication or
diagnosis the transcript never mentions, says mostly what the transcript does not, or
(the Risk section) says there is no risk while the safety net found a disclosure. Each
finding is a short reason a clinician reads beside the rule draft that replaces the
section; the reasons' codes (never their words) are what gets logged.

Pure functions on strings; the drafting (``core.notes.drafting``) applies them.
"""

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core.notes.risk import LINE_PREFIX
from core.notes.risk_flags import RiskFlag
from core.notes.templates import NOT_DISCUSSED, Template

ECHO_WORDS = 5  # a run of this many words from the instructions is an echo
REPEATS = 3  # a run of REPEAT_WORDS words written this often is a loop
REPEAT_WORDS = 6
SUPPORTED_SHARE = 0.6  # of a section's content words, at least this share in the transcript

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_PLACEHOLDER = re.compile(
    r"(?i)\[[^\]\n]{0,40}\]|<[^<>\n]{1,40}>|\{\{(?!RED:)|\bN/A\b|\bTBD\b|\bXXX*\b|lorem ipsum|"
    r"\binsert (?:the |here)|\b(?:patient|doctor)'s name\b|_{3,}"
)
_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)?\b")
# Medication names by their usual stems; and diagnoses a note must never invent.
_MEDICATION = re.compile(
    r"(?i)\b[a-z]+(?:pril|sartan|olol|dipine|statin|formin|gliptin|glitazone|prazole|tidine|"
    r"oxetine|aline|pram|azepam|zolam|triptan|cillin|mycin|cycline|floxacin|azole|vir|mab|nib|"
    r"parin|xaban|semide|thiazide|sone|olone|codone|morphone|profen|coxib|tropin)\b"
)
_DIAGNOSES = (
    "diabetes cancer tumor tumour carcinoma lymphoma leukemia pneumonia asthma copd "
    "hypertension stroke infarction fracture sepsis dementia schizophrenia bipolar epilepsy "
    "tuberculosis hiv hepatitis cirrhosis arthritis gout anemia anaemia migraine covid "
    "obesity depression anxiety psychosis ptsd"
).split()
_NO_RISK = re.compile(
    r"(?i)\b(?:no (?:current |acute |active |immediate )?(?:risk|concerns?|safety concerns?|"
    r"suicidal|self-harm|harm|thoughts)|denie[sd]|denial|none (?:reported|disclosed|noted)|"
    r"low risk|not at risk|no evidence|not discussed|nothing (?:reported|disclosed))\b|^none\.?$"
)
_STOPWORDS = frozenset(
    """the a an and or but of to in on at for with from by as is are was were be been being
    has have had do does did this that these those it its they them their she he her his him
    patient patients clinician doctor reports reported states stated notes noted also which
    who whom what when where will would should could can may might not no any some there
    here very more most other than then about into over after before during while""".split()
)
_NUMBER_WORDS = {
    word: str(value)
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
_NUMBER_WORDS.update(
    {"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "hundred": "100"}
)

REASONS = {
    "empty": "the model wrote nothing for it",
    "echo": "it repeats the instructions given to the model",
    "placeholder": "it holds placeholder or broken text",
    "repeated": "it repeats itself",
    "copied": "it copies another section",
    "ungrounded": "it names {what} that the transcript never mentions",
    "unsupported": "most of it is not in the transcript",
    "contradicts_risk": "it says there is no risk, but the transcript has a disclosure",
    "thin": "it says too little of what the transcript holds",
    "off_topic": "it is not about risk",
    "second_person": "it speaks to the patient instead of describing the visit",
    "patient_voice": "it is written in the patient's own voice, not as a note",
}
# A section naming fewer than two of the transcript's own words, where the rules found
# this many, says too little; so does a "detailed" one (a history, a plan) naming less
# than this share of the rules' (a concise one may rightly say less than the rules).
SPECIFIC_WORDS = 4
SPECIFIC_SHARE = 0.5
_YOU = re.compile(r"(?i)\b(?:you|your|you're|you've|yours)\b")
_QUOTED = re.compile(r'"[^"]*"|“[^”]*”')
# "I am feeling dizzy", "I've had pain in my back": the patient speaking, not a note (a
# clinician's "I advised", "I will order" is not caught).
_PATIENT_VOICE = re.compile(
    r"(?i)(?:^\s*-?\s*|[.!?]\s+|\n\s*-?\s*)i\s*(?:am|'m|feel|felt|'ve\s+had|have\s+had|have\s+been|"
    r"was|think|don't|can't|hurt|get)\b"
)
_RISK_TOPIC = re.compile(
    r"(?i)risk|harm|suicid|self-harm|kill|die\b|dead|death|hurt|violen|abus|overdos|weapon|"
    r"gun|safe|threat|denie|not discussed|none"
)


@dataclass(frozen=True)
class SectionProblem:
    """Why a model's section was not used: ``code`` for logs, ``reason`` for the clinician."""

    key: str
    code: str
    reason: str


def words_of(text: str) -> list[str]:
    """Lower-case words and numbers, as the checks compare them."""
    return _WORD.findall(text.lower())


def says_nothing(text: str) -> bool:
    """An empty section, or one that only says "Not discussed"."""
    return not text.strip() or text.strip().rstrip(".").lower() == NOT_DISCUSSED.lower()


def _grams(words: Sequence[str], size: int) -> list[tuple[str, ...]]:
    return [tuple(words[i : i + size]) for i in range(len(words) - size + 1)]


@dataclass(frozen=True)
class Grounding:
    """What the transcript mentions, read once per draft."""

    words: frozenset[str]
    stems: frozenset[str]
    numbers: frozenset[str]
    roots: frozenset[str] = frozenset()  # first four letters: "anxiety" ~ "anxious"

    @classmethod
    def of(cls, transcript: str) -> "Grounding":
        words = words_of(transcript)
        numbers = set(_NUMBER.findall(transcript))
        numbers |= {_NUMBER_WORDS[w] for w in words if w in _NUMBER_WORDS}
        stems = frozenset(w[:5] for w in words)
        return cls(frozenset(words), stems, frozenset(numbers), frozenset(w[:4] for w in words))

    def knows(self, word: str) -> bool:
        return word in self.words or word[:5] in self.stems


def _ungrounded(text: str, grounding: Grounding) -> str | None:
    """What the section names that the transcript does not: a number, a medication, a
    diagnosis (the first one found, for the reason), else None."""
    for number in _NUMBER.findall(text):
        if number not in grounding.numbers and number.replace(",", "") not in grounding.numbers:
            return f'a number ("{number}")'
    for match in _MEDICATION.finditer(text):
        if not grounding.knows(match.group(0).lower()):
            return f'a medication ("{match.group(0)}")'
    for word in words_of(text):
        if word in _DIAGNOSES and not grounding.knows(word) and word[:4] not in grounding.roots:
            return f'a diagnosis ("{word}")'
    return None


def _supported_share(text: str, grounding: Grounding) -> float:
    content = [w for w in words_of(text) if len(w) > 3 and w not in _STOPWORDS]
    if len(content) < 4:
        return 1.0
    return sum(grounding.knows(w) for w in content) / len(content)


def _repeats(text: str) -> bool:
    words = words_of(text)
    counts = Counter(_grams(words, REPEAT_WORDS))
    if counts and max(counts.values()) >= REPEATS:
        return True
    sentences = [" ".join(words_of(s)) for s in re.split(r"(?<=[.!?])\s+|\n", text)]
    long = [s for s in sentences if len(s.split()) >= 4]
    return len(long) != len(set(long))


def _debris(text: str) -> bool:
    letters = sum(c.isalpha() for c in text)
    return len(words_of(text)) < 2 or letters < 0.5 * len(text.replace(" ", ""))


def check_sections(
    template: Template,
    sections: Mapping[str, str],
    *,
    transcript: str,
    instructions: str,
    flags: Sequence[RiskFlag] = (),
    rule_sections: Mapping[str, str] | None = None,
) -> list[SectionProblem]:
    """Every problem of a model's sections, at most one per section (the first found).
    ``rule_sections`` (the rule draft) lets a section that says next to nothing be told
    from one about which the transcript indeed says little."""
    grounding = Grounding.of(transcript)
    told = set(words_of(instructions))
    echo_grams = set(_grams(words_of(instructions), ECHO_WORDS))
    disclosed = any(flag.status == "disclosed" for flag in flags)
    normalised = {key: " ".join(words_of(text)) for key, text in sections.items()}
    problems = []
    for spec in template.sections:
        text = sections.get(spec.key, "").strip()
        code, what = _first_problem(spec.key, text, normalised, echo_grams, grounding)
        if code is None and _opens_with(text, spec.instruction):
            code = "echo"
        unquoted = _QUOTED.sub(" ", text)
        if code is None and len(_YOU.findall(unquoted)) >= 1:
            code = "second_person"
        if code is None and _PATIENT_VOICE.search(unquoted):
            code = "patient_voice"
        if code is None and spec.is_risk:
            if disclosed and says_no_risk(text):
                code = "contradicts_risk"
            elif not _RISK_TOPIC.search(text):
                code = "off_topic"
        elif code is None:
            own = _specific_words(text, grounding, told)
            rule = _specific_words((rule_sections or {}).get(spec.key, ""), grounding, told)
            detailed = spec.length == "detailed" and own < SPECIFIC_SHARE * rule
            if own == 0 or (own < 2 and rule >= SPECIFIC_WORDS) or detailed:
                code = "thin"
        if code is not None:
            reason = REASONS[code].format(what=what or "something")
            problems.append(SectionProblem(spec.key, code, reason))
    return problems


def _first_problem(
    key: str,
    text: str,
    normalised: Mapping[str, str],
    echo_grams: set[tuple[str, ...]],
    grounding: Grounding,
) -> tuple[str | None, str | None]:
    if says_nothing(text):
        return "empty", None
    words = words_of(text)
    if echo_grams.intersection(_grams(words, ECHO_WORDS)):
        return "echo", None
    if _PLACEHOLDER.search(text) or _debris(text):
        return "placeholder", None
    if _repeats(text):
        return "repeated", None
    mine = normalised[key]
    if any(other == mine or _overlap(mine, other) for k, other in normalised.items() if k != key):
        return "copied", None
    if (what := _ungrounded(text, grounding)) is not None:
        return "ungrounded", what
    if _supported_share(text, grounding) < SUPPORTED_SHARE:
        return "unsupported", None
    return None, None


def says_no_risk(risk_section: str) -> bool:
    """Whether a Risk section says there is no risk, outside the safety net's own lines
    (``Transcript: ...``, which quote denials as denials)."""
    own = [line for line in risk_section.splitlines() if not line.startswith(LINE_PREFIX)]
    return bool(_NO_RISK.search("\n".join(own)))


def _opens_with(text: str, instruction: str) -> bool:
    """A section that begins with the first three words of its own instruction."""
    start, told = words_of(text)[:3], words_of(instruction)[:3]
    return len(told) == 3 and start == told


def _specific_words(text: str, grounding: Grounding, told: set[str]) -> int:
    """How many different content words of ``text`` come from the transcript and not
    from the instructions: what the section actually says about this visit."""
    content = {w for w in words_of(text) if len(w) > 3 and w not in _STOPWORDS and w not in told}
    return sum(grounding.knows(w) for w in content)


def _overlap(mine: str, other: str) -> bool:
    """Most of one section's word runs are the other's."""
    a, b = set(_grams(mine.split(), 4)), set(_grams(other.split(), 4))
    if len(a) < 3 or len(b) < 3:
        return False
    return len(a & b) / min(len(a), len(b)) >= 0.6
