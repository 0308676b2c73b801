"""The rule draft of a general clinical visit note: the conversation read in the order a
visit runs (history, examination, results, assessment and plan), the patient's words told
in the third person, the clinician's findings and plan in theirs, and the answers to
symptom questions as a review of systems. Whole sentences only; nothing is invented.

Used by ``core.notes.rules_note`` for the sections of the visit template (and any
template with sections of the same names); pure functions on the transcript's text.
"""

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

from core.notes.speakers import is_clinician, split_speaker
from core.notes.spoken import (
    SENTENCE_BREAK,
    clean_spoken,
    is_question,
    sentences,
    third_person,
    third_person_verb,
)

VISIT_KEYS = frozenset(
    {
        "chief_complaint",
        "history_of_present_illness",
        "review_of_systems",
        "physical_examination",
        "physical_exam",
        "results",
        "assessment_and_plan",
    }
)

_EXAM = re.compile(
    r"(?i)physical exam|\bexamination\b|\bon (?:your )?exam\b|\blet me (?:take a )?(?:look|listen|"
    r"examine|feel|check)|\bvital signs\b|\bvitals\b|\bi(?:'m| am) (?:going to|just going to) "
    r"(?:examine|check|take a (?:quick )?look|listen|do a (?:quick )?(?:physical )?exam)"
)
_RESULTS = re.compile(
    r"(?i)\bresults?\b|\bx-?rays?\b|\blabs?\b|\blab work\b|\bblood ?work\b|\bmri\b|\bct\b|"
    r"\bcat scan\b|\bultrasound\b|\becho(?:cardiogram)?\b|\bekg\b|\becg\b|\ba1c\b|\bpanel\b|"
    r"\bimaging\b|\bbiopsy\b|\bculture\b|\burinalysis\b|\bscan\b|\bhemoglobin\b|\bcholesterol\b"
)
_PLAN = re.compile(
    r"(?i)assessment and plan|\bmy (?:impression|assessment|plan|diagnosis)\b|\b(?:first|second|"
    r"third|next|last) problem\b|\bplan (?:for you|is)\b|\bin terms of (?:the |your )?plan\b|"
    r"\bdiagnos|\bwhat i(?:'d| would) like to do\b|\bi(?:'m| am) going to (?:order|prescribe|"
    r"refer|start|put you|recommend|have you)|\bi want(?: you)? to (?:order|prescribe|refer|"
    r"start|continue)"
)
_INTRO = re.compile(r"(?i)\b\d+[- ]year[- ]old\b|\bpresents?\b|\bpast medical history\b")
_PRESENTS = re.compile(
    r"(?i)\b(?:presents?|presenting|is here|came in|comes in|coming in|here today|in today)"
    r"(?: today)?(?: (?:for|with|because of|due to|after)) (?P<reason>[^.?!]+)"
)
_OPENING_QUESTION = re.compile(
    r"(?i)what brings you|what(?:'s| is) going on|how can i help|what can i do for you|"
    r"tell me (?:a little bit )?(?:more )?about|what happened|why are you here"
)
_INSTRUCTION = re.compile(
    r"(?i)^(?:can you|could you|take a deep breath|breathe|let me|let's|i'm going to (?:press|"
    r"listen|look|check|examine|feel)|i'm just going to|any questions|do you have any questions|"
    r"does that sound|is that okay|sound good|how does that sound|(?:i want to|i'd like to|"
    r"i'm going to|i'll|we'll|we're going to) (?:go ahead and )?(?:do|take|check|examine|look|"
    r"listen)\b)"
)
# A symptom asked about must name something: not "any questions?", "anything else?".
_VAGUE = frozenset(
    "that this it those these else other others thing things symptoms symptom questions "
    "question concerns problems issues changes more anything something".split()
)
_QUESTION_SUBJECT = re.compile(
    r"(?i)\bany(?:thing like)? (?P<what>[^?]+?)\s*\?|\b(?:have you (?:had|noticed|felt|been having|"
    r"experienced)|do you have|are you having|did you have|is there any) (?P<also>[^?]+?)\s*\?"
)
_NO = re.compile(r"(?i)^(?:no|nope|nah|not really|never|none|not that i(?:'ve| have) noticed)\b")
_YES = re.compile(r"(?i)^(?:yes|yeah|yup|yep|i have|i do|a little|sometimes|uh-huh|mm-hmm)\b")
_SECOND_PERSON = re.compile(r"(?i)\b(?:you're|you are|you've|you have|you were|you|your|yours)\b")


_HISTORY_MIN_WORDS = 5  # "Probably two days ago." means nothing without its question


@dataclass(frozen=True)
class Turn:
    clinician: bool | None  # None: the line has no speaker label
    text: str  # cleaned


@dataclass(frozen=True)
class VisitReading:
    """The transcript read once: turns in order, where the examination and the plan
    begin, and how to name the patient."""

    turns: tuple[Turn, ...]
    exam_start: int
    plan_start: int
    subject: str

    def history(self) -> tuple[Turn, ...]:
        return self.turns[: min(self.exam_start, self.plan_start)]

    def exam(self) -> tuple[Turn, ...]:
        return self.turns[self.exam_start : self.plan_start]

    def plan(self) -> tuple[Turn, ...]:
        return self.turns[self.plan_start :]


def read_visit(transcript: str) -> VisitReading:
    turns = []
    speakers: list[tuple[str, bool]] = []
    for line in transcript.splitlines():
        speaker, text = split_speaker(line)
        cleaned = clean_spoken(text)
        if cleaned:
            clinician = None if speaker is None else is_clinician(speaker)
            turns.append(Turn(clinician, cleaned))
            if speaker is not None:
                speakers.append((speaker, bool(clinician)))
    clinician_text = " ".join(t.text for t in turns if t.clinician)
    labels = [speaker.lower() for speaker, clinician in speakers if clinician is False]
    exam_start = _first(turns, _EXAM, 0)
    plan_start = _first(turns, _PLAN, exam_start if exam_start < len(turns) else 0)
    if plan_start < exam_start:
        exam_start = plan_start
    return VisitReading(tuple(turns), exam_start, plan_start, _subject(clinician_text, labels))


def _first(turns: list[Turn], pattern: re.Pattern[str], start: int) -> int:
    for index in range(start, len(turns)):
        if turns[index].clinician is not False and pattern.search(turns[index].text):
            return index
    return len(turns)


def _subject(clinician_text: str, labels: list[str]) -> str:
    """ "she" or "he" when the clinician's dictation says so clearly, else "the client"
    when the other speaker is labelled so (therapy), else "the patient"."""
    lower = clinician_text.lower()
    female = len(re.findall(r"\b(?:she|her|hers|herself|female|woman|mrs|ms)\b", lower))
    male = len(re.findall(r"\b(?:he|him|his|himself|male|man|mr)\b", lower))
    if female >= 2 and female > 2 * male:
        return "she"
    if male >= 2 and male > 2 * female:
        return "he"
    clients = sum(label.startswith("client") for label in labels)
    return "the client" if clients > len(labels) / 2 else "the patient"


_STARTS_CLAUSE = frozenset(
    "and but so that if when because then or while until unless although though since "
    "whether where how why who which once".split()
)


def _second_to_third(sentence: str, subject: str) -> str:
    """The clinician's "you" and "your" as the patient: "you have some pain" -> "she has
    some pain", "I want you to continue" -> "I want her to continue"."""
    possessive = {"she": "her", "he": "his"}.get(subject, "their")
    objective = {"she": "her", "he": "him"}.get(subject, "them")

    def swap(match: re.Match[str]) -> str:
        word = " ".join(match.group(0).lower().split())
        before = sentence[: match.start()].rstrip()
        previous = before.split()[-1].lower() if before.split() else ""
        starts_clause = not previous or previous in _STARTS_CLAUSE or before[-1:] in ",;:"
        if word in ("you're", "you are"):
            return f"{subject} is"
        if word in ("you've", "you have"):
            return f"{subject} has"
        if word == "you were":
            return f"{subject} was"
        if word == "your":
            return possessive
        if word == "yours":
            return {"she": "hers", "he": "his"}.get(subject, "theirs")
        return subject if starts_clause else objective  # a verb after it is mended below

    text = _SECOND_PERSON.sub(swap, sentence)
    text = re.sub(
        rf"(?i)\b({re.escape(subject)}) (do|don't|go|need|want|feel|get|seem|look|take|keep)\b",
        lambda m: f"{m.group(1)} {third_person_verb(m.group(2))}",
        text,
    )
    return text[:1].upper() + text[1:]


def _statements(turns: tuple[Turn, ...], clinician: bool) -> list[str]:
    found = []
    for turn in turns:
        if turn.clinician is not None and turn.clinician != clinician:
            continue
        found += [s for s in sentences(turn.text) if not is_question(s)]
    return found


def _join(items: list[str], cap: int) -> str:
    """Whole sentences, in order, up to ``cap`` words."""
    kept: list[str] = []
    words = 0
    for item in dict.fromkeys(items):
        size = len(item.split())
        if words + size > cap and kept:
            break
        kept.append(item if item[-1:] in ".!?" else item + ".")
        words += size
    return " ".join(kept)


def chief_complaint(reading: VisitReading, cap: int) -> str:
    for turn in reading.turns:
        if turn.clinician is not False and (found := _PRESENTS.search(turn.text)):
            reason = found.group("reason").strip(" ,")
            return _join([reason[:1].upper() + reason[1:]], cap)
    for index, turn in enumerate(reading.turns[:-1]):
        if turn.clinician and _OPENING_QUESTION.search(turn.text):
            answer = _statements(reading.turns[index + 1 : index + 2], clinician=False)
            if answer:
                return _join([third_person(answer[0], reading.subject)], cap)
    first = _statements(reading.history(), clinician=False)
    return _join([third_person(s, reading.subject) for s in first[:1]], cap)


def history_of_present_illness(reading: VisitReading, cap: int) -> str:
    items = []
    for turn in reading.history():
        if turn.clinician:
            items += [s for s in sentences(turn.text) if _INTRO.search(s) and not is_question(s)]
        else:
            items += [
                third_person(s, reading.subject)
                for s in sentences(turn.text)
                if not is_question(s) and len(s.split()) >= _HISTORY_MIN_WORDS and not _NO.match(s)
            ]
    return _join(items, cap)


def review_of_systems(reading: VisitReading, cap: int) -> str:
    """ "Denies fever or chills." for a symptom question answered no, "Reports ..." for yes."""
    items = []
    turns = reading.history()
    for question, answer in itertools.pairwise(turns):
        if not question.clinician or answer.clinician is not False:
            continue
        asked = [s for s in SENTENCE_BREAK.split(question.text) if s.endswith("?")]
        found = _QUESTION_SUBJECT.search(asked[-1]) if asked else None
        if not found:
            continue
        what = (found.group("what") or found.group("also") or "").strip(" ,")
        named = [w for w in re.findall(r"[a-z']+", what.lower()) if w not in _VAGUE]
        if not named or len(what.split()) > 8 or named[0] in ("other", "more"):
            continue
        if _NO.match(answer.text):
            items.append(f"Denies {_second_to_third(what, reading.subject).lower()}.")
        elif _YES.match(answer.text):
            items.append(f"Reports {_second_to_third(what, reading.subject).lower()}.")
    return "\n".join(_join(items, cap).replace(". ", ".\n").splitlines())


def _clinician_findings(
    turns: tuple[Turn, ...], keep: Callable[[str], bool], subject: str
) -> list[str]:
    return [
        _second_to_third(s, subject)
        for s in _statements(turns, clinician=True)
        if keep(s) and not _INSTRUCTION.match(s) and len(s.split()) >= 3
    ]


def physical_examination(reading: VisitReading, cap: int) -> str:
    items = _clinician_findings(
        reading.exam(), lambda s: not _RESULTS.search(s) or bool(_EXAM.search(s)), reading.subject
    )
    return _join(items, cap)


def results(reading: VisitReading, cap: int) -> str:
    items = _clinician_findings(reading.exam(), lambda s: bool(_RESULTS.search(s)), reading.subject)
    return _join(items, cap)


def assessment_and_plan(reading: VisitReading, cap: int) -> str:
    items = _clinician_findings(reading.plan(), lambda s: True, reading.subject)
    return _join(items, cap)


SECTION_DRAFTERS: dict[str, Callable[[VisitReading, int], str]] = {
    "chief_complaint": chief_complaint,
    "history_of_present_illness": history_of_present_illness,
    "review_of_systems": review_of_systems,
    "physical_examination": physical_examination,
    "physical_exam": physical_examination,
    "results": results,
    "assessment_and_plan": assessment_and_plan,
}
