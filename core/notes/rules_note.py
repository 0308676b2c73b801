"""The note Auralis drafts without a model: sentences picked from the transcript by cue
words, section by section, quoted and attributed. These are the rule answers of the note
and summary tasks (``core.notes.tasks``), given whenever no model is loaded or the model
fails. The Risk section is left to the risk safety net, which fills it from the
deterministic risk detection for every engine alike; the rule draft's own Risk lines are
the client's denials of a plan, of intent or of harming others
(``core.notes.risk_denials``), which no other section quotes.
"""

import re
from collections.abc import Sequence
from typing import Any

from core.notes.render import cap_words
from core.notes.risk import detect_risks
from core.notes.risk_denials import find_denials
from core.notes.risk_flags import RiskFlag
from core.notes.rules_visit import SECTION_DRAFTERS, VISIT_KEYS, read_visit
from core.notes.speakers import is_clinician, split_speaker
from core.notes.spoken import SENTENCE_BREAK
from core.notes.templates import NOT_DISCUSSED, SectionSpec

RULE_BASED_LABEL = "rule-based draft"
_WORDS_PER_SECTION = 60

_CUES: dict[str, tuple[str, ...]] = {
    "complaint": (
        "i feel",
        "i've been",
        "i have been",
        "struggl",
        "worr",
        "can't",
        "cannot",
        "problem",
        "stress",
        "because",
        "hard",
        "difficult",
        "overwhelm",
        "afraid",
    ),
    "emotion": (
        "mood",
        "feel",
        "sad",
        "down",
        "depress",
        "anxious",
        "anxiety",
        "angry",
        "hopeless",
        "happy",
        "tired",
        "exhausted",
        "sleep",
        "nightmare",
        "insomnia",
        "energy",
        "calm",
        "tearful",
        "irritable",
        "numb",
    ),
    "intervention": (
        "let's",
        "let us",
        "try",
        "practi",
        "exercise",
        "breath",
        "ground",
        "mindful",
        "reframe",
        "thought record",
        "cbt",
        "homework",
        "technique",
        "notice",
        "what would",
        "suggest",
        "skill",
    ),
    "plan": (
        "next session",
        "next week",
        "plan",
        "will ",
        "going to",
        "homework",
        "follow up",
        "follow-up",
        "schedule",
        "refer",
        "appointment",
        "until then",
        "before we meet",
    ),
    "response": (
        "that helps",
        "i'll try",
        "i will try",
        "makes sense",
        "okay",
        "i can",
        "better",
        "worth trying",
        "i like",
        "i agree",
    ),
    "goals": ("goal", "want to", "hope to", "working on", "aim", "would like to"),
    "assessment": (
        "better",
        "worse",
        "improv",
        "progress",
        "since last",
        "more often",
        "less often",
        "again",
    ),
    "observation": ("seem", "appear", "look", "tearful", "smil", "quiet", "calm", "agitat"),
}
# Which cues fill which section (by key); other sections match their own title words.
_SECTION_CUES: dict[str, tuple[str, bool | None]] = {
    "chief_complaint": ("complaint", False),
    "subjective": ("complaint", False),
    "data": ("complaint", None),
    "behavior": ("complaint", False),
    "emotional_state": ("emotion", False),
    "objective": ("observation", True),
    "intervention": ("intervention", True),
    "plan": ("plan", None),
    "response": ("response", False),
    "goals": ("goals", None),
    "assessment": ("assessment", None),
}


def _sentences(transcript: str) -> list[tuple[str | None, str]]:
    found = []
    for line in transcript.splitlines():
        speaker, text = split_speaker(line)
        found += [(speaker, s) for s in SENTENCE_BREAK.split(text.strip()) if len(s.split()) >= 3]
    return found


def _matches(
    sentences: list[tuple[str | None, str]], cues: Sequence[str], clinician: bool | None
) -> list[tuple[str | None, str]]:
    """Statements (not questions) with a cue word, by the client, the clinician or either."""
    found = []
    for speaker, sentence in sentences:
        if clinician is not None and speaker is not None and is_clinician(speaker) != clinician:
            continue
        if not sentence.endswith("?") and any(cue in sentence.lower() for cue in cues):
            found.append((speaker, sentence))
    return found


def _pick(
    sentences: list[tuple[str | None, str]],
    cues: Sequence[str],
    clinician: bool | None,
    used: set[str],
) -> str:
    """Up to three matching sentences, preferring ones no earlier section quoted; a
    section reuses a quote rather than say "Not discussed" about what was discussed."""
    found = _matches(sentences, cues, clinician)
    fresh = [(speaker, sentence) for speaker, sentence in found if sentence not in used]
    chosen = (fresh or found)[:3]
    used.update(sentence for _, sentence in chosen)
    quotes = " ".join(f'{speaker or "Speaker"}: "{sentence}"' for speaker, sentence in chosen)
    return cap_words(quotes, _WORDS_PER_SECTION) if chosen else NOT_DISCUSSED


def rule_note_sections(
    transcript: str, specs: Sequence[SectionSpec], flags: Sequence[RiskFlag] | None = None
) -> dict[str, str]:
    """One extract per section: the visit note's sections read the visit in order
    (``core.notes.rules_visit``); the others take sentences whose cue words fit them.
    The client's denials of risk (``flags``: the safety net's, default the lexicon's)
    are the Risk section's, said as denials, and no other section's."""
    flags = detect_risks(transcript) if flags is None else flags
    denials = find_denials(transcript, flags)
    denied = {d.sentence for d in denials}
    denied |= {f.quote.strip() for f in flags if f.status == "denied"}
    sentences = [(who, s) for who, s in _sentences(transcript) if s.strip() not in denied]
    visit = read_visit(transcript) if any(s.key in VISIT_KEYS for s in specs) else None
    used: set[str] = set()
    sections = {}
    for spec in specs:
        key = spec.key
        if key == "risk":  # the risk safety net adds every flag to the denials
            sections[key] = "\n".join(d.describe() for d in denials) or NOT_DISCUSSED
            continue
        if visit is not None and key in VISIT_KEYS:
            sections[key] = SECTION_DRAFTERS[key](visit, spec.max_words) or NOT_DISCUSSED
            continue
        cue_name, clinician = _SECTION_CUES.get(key, ("", None))
        cues = _CUES.get(cue_name) or tuple(w for w in spec.title.lower().split() if len(w) > 3)
        sections[key] = _pick(sentences, cues, clinician, used)
    return sections


def rule_summary(text: str) -> dict[str, Any]:
    """A summary of sessions (each under a "Session <n> (...)" header): a mood or concern
    statement quoted from each."""
    sessions = [block for block in re.split(r"\n(?=Session \d+)", text) if block.strip()]
    points = []
    for block in sessions:
        header, _, body = block.partition("\n")
        extract = _pick(_sentences(body), _CUES["emotion"] + _CUES["complaint"], False, set())
        if extract != NOT_DISCUSSED:
            points.append(cap_words(f"{header.strip()}: {extract}", 40))
    summary = f"Rule-based summary of {len(sessions)} session(s). " + (
        " ".join(points[:3]) if points else "No statements about mood or concerns were found."
    )
    return {"summary": cap_words(summary, 250), "key_points": points[:8]}
