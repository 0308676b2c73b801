"""A client's denials of risk in the rule draft: "No, I don't have a plan", "I would never
act on it", "no thoughts of harming others". They belong in the Risk section, said as
denials ("Denies suicidal plan or intent (Client: "...")."), never in the Plan or any
other section, where a denial would read as the clinical plan.

A plan or intent denial counts only where risk is being talked about: the clinician's
line just before asks about a risk, or the safety net flagged a risk on the four lines
before ("no plan for the weekend" is no denial). A denial of harming others names the
others, so it needs no context.

Pure functions; stdlib only; never imports Qt.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from core.notes.risk_dialogue import asked_all
from core.notes.risk_flags import RiskFlag
from core.notes.speakers import is_clinician, split_speaker
from core.notes.spoken import SENTENCE_BREAK

_PLAN_OR_INTENT = re.compile(
    r"(?i)\b(?:no|not a|not any|don'?t have (?:a|any)|do not have (?:a|any)|"
    r"haven'?t (?:got |made )?(?:a|any)|never (?:made|had) (?:a|any)|without (?:a|any))\s+"
    r"(?:real |actual |specific )?"
    r"(?:plans?|intent(?:ions?)?)\b(?! (?:for|to) (?:the|this|that|my|our|a) )|"
    r"\b(?:would|will|could)(?: never|n'?t| not) (?:ever )?(?:act on (?:it|them|those "
    r"thoughts)|go through with it|actually do it)\b|\bi'?d never (?:act on|do) it\b|"
    r"\bnot going to (?:act on|do) (?:it|anything)\b|\bnothing planned\b|"
    r"\b(?:i'?m )?not planning (?:to do )?(?:anything|it)\b"
)
_HARM_OTHERS = re.compile(
    r"(?i)\b(?:no|not any|never had|don'?t have (?:any)?)\s*(?:thoughts?|urges?|intent(?:ions?)?"
    r"|plans?) (?:of|about|to) (?:harm|hurt|kill)(?:ing)? (?:anyone|anybody|others|other "
    r"people|someone)\b|\b(?:would|will)(?: never|n'?t| not) (?:ever )?(?:hurt|harm|kill) "
    r"(?:anyone|anybody|others|other people)\b"
)
CONTEXT_LINES = 4

PLAN_OR_INTENT = "Denies suicidal plan or intent"
HARM_TO_OTHERS = "Denies thoughts of harming others"


@dataclass(frozen=True)
class Denial:
    what: str  # PLAN_OR_INTENT or HARM_TO_OTHERS
    sentence: str
    line: int
    speaker: str | None

    def describe(self) -> str:
        return f'{self.what} ({self.speaker or "Client"}: "{self.sentence}").'


def find_denials(transcript: str, flags: Sequence[RiskFlag]) -> list[Denial]:
    """The client's denials of a plan, of intent or of harming others, in line order."""
    flagged = [line for flag in flags for line in flag.lines]
    previous_clinician = ""
    found = []
    for number, line in enumerate(transcript.splitlines(), start=1):
        speaker, text = split_speaker(line)
        if speaker is not None and is_clinician(speaker):
            previous_clinician = text
            continue
        asked = bool(previous_clinician and asked_all(previous_clinician))
        in_context = asked or any(0 <= number - at <= CONTEXT_LINES for at in flagged)
        for sentence in SENTENCE_BREAK.split(text.strip()):
            if _HARM_OTHERS.search(sentence):
                found.append(Denial(HARM_TO_OTHERS, sentence.strip(), number, speaker))
            elif in_context and _PLAN_OR_INTENT.search(sentence):
                found.append(Denial(PLAN_OR_INTENT, sentence.strip(), number, speaker))
        previous_clinician = ""
    return found
