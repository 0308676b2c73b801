"""The risk safety net: deterministic risk detection, urgent-word marking, and the merge
that puts every disclosed risk into a note's Risk section, whatever the model wrote.

Detection reads each line on its own (``core.notes.risk_lines``: idioms, the question
filter, negation, past time), then the dialogue (``core.notes.risk_dialogue``: a
question and its answer, a statement over two lines, what the conversation is about);
clinicians' lines are never disclosures by themselves.

Pure functions without state, safe from any thread; stdlib only, never imports Qt.
"""

import re
from collections.abc import Sequence

from core.notes.markers import ANY_MARKER, RED_MARKER, red
from core.notes.risk_dialogue import dialogue_flags
from core.notes.risk_flags import RiskFlag as RiskFlag  # re-exported
from core.notes.risk_flags import RiskStatus as RiskStatus  # re-exported
from core.notes.risk_lexicon import Phrase
from core.notes.risk_lexicon import RiskCategory as RiskCategory  # re-exported
from core.notes.risk_lines import SENTENCE_END


def detect_risks(transcript: str, clinic_words: Sequence[Phrase] = ()) -> list[RiskFlag]:
    """Risk flags in line order: one per (line, category), the strongest status kept.
    A clinician's line counts only as the question a client's answer affirms.
    ``clinic_words``: a clinic's own phrases (``core.notes.risk_words``), read besides
    the built-in ones."""
    return sorted(dialogue_flags(transcript, clinic_words), key=lambda flag: flag.lines)


# --- Marking --------------------------------------------------------------------------

MARKER_PATTERN = ANY_MARKER
URGENT_WORD_PATTERN = re.compile(
    r"(?<![\w'’])(?:suicid(?:e|es|al|ality)|self[- ]?harm(?:s|ed|ing)?|kill(?:s|ed|ing)?|"
    r"(?:hurt|hurting|cut|cutting)[ \t]+myself|violen(?:ce|t)|abus(?:e|ed|es|ive|ing)|"
    r"overdos(?:e|ed|es|ing)|homicidal|(?-i:OD(?:['’]d)?))(?![\w’]|'\w)",
    re.IGNORECASE,
)


def mark_urgent_words(text: str) -> str:
    """Wrap every urgent risk word outside existing markers in ``{{RED:...}}``, case kept.

    Idioms are marked too ("killing time"): a note is clinical text written for review,
    and a red word too many is safer than one too few. Existing markers of any kind are
    left exactly as they are, so marking twice gives the same text as marking once.
    """
    parts: list[str] = []
    last = 0
    for marker in MARKER_PATTERN.finditer(text):
        parts.append(_mark_plain(text[last : marker.start()]))
        parts.append(marker.group(0))
        last = marker.end()
    parts.append(_mark_plain(text[last:]))
    return "".join(parts)


def _mark_plain(text: str) -> str:
    return URGENT_WORD_PATTERN.sub(lambda m: red(m.group(0)), text)


# --- Safety net -----------------------------------------------------------------------

LINE_PREFIX = "Transcript: "
_PLACEHOLDER = re.compile(
    r"^(?:risk(?: assessment)?\s*:\s*)?(?:not discussed|none|n/?a|nil|not assessed|"
    r"not applicable|none (?:reported|noted|identified|disclosed|discussed)|no risks? "
    r"(?:discussed|identified|reported|noted|disclosed))$"
)
_NOT_DISCUSSED = re.compile(r"\bnot\s+discussed\b", re.IGNORECASE)
_DENIAL_WORDS = re.compile(r"\b(?:den(?:y|ies|ied)|no|not|never)\b|n't\b", re.IGNORECASE)
_PAST_WORDS = re.compile(r"histor|past|previous|prior|ago|used to", re.IGNORECASE)
_MARKER_TOKEN = re.compile(r"\{\{[A-Z][A-Z0-9_]*:|\}\}")


def _norm(text: str) -> str:
    """Marker brackets removed, whitespace collapsed, case folded: how presence is
    compared. Marking only adds brackets, so it never changes this form."""
    return " ".join(_MARKER_TOKEN.sub("", text).split()).casefold()


def _is_placeholder(line: str) -> bool:
    return bool(_PLACEHOLDER.match(_norm(line).lstrip("-*•– ").rstrip(". ")))


def _without_not_discussed(line: str) -> str:
    """``line`` less its sentences that say "not discussed" (never cutting a marker)."""
    inside = [m.span() for m in MARKER_PATTERN.finditer(line)]
    cuts = [0]
    for m in SENTENCE_END.finditer(line):
        if not any(a < m.start() < b for a, b in inside):
            cuts.append(m.end())
    pieces = [line[a:b] for a, b in zip(cuts, [*cuts[1:], len(line)], strict=True)]
    kept = [p for p in pieces if not _NOT_DISCUSSED.search(_norm(p))]
    return line if len(kept) == len(pieces) else " ".join(p.strip() for p in kept if p.strip())


_FOR_REVIEW = _norm(LINE_PREFIX + "Possible risk, please review:")


def _for_review(normed_line: str) -> bool:
    return normed_line.startswith(_FOR_REVIEW)


def _documented(flag: RiskFlag, normed: Sequence[str], joined: str) -> bool:
    """Whether the section (its lines ``normed``, all of it ``joined``) already records
    ``flag``: its quote for a disclosure; its own line for a possible risk; for a denial
    or history, its line, or its quote on a line that says so."""
    quote, own = _norm(flag.quote), _norm(LINE_PREFIX + flag.describe())
    if flag.status == "disclosed":  # a possible risk's line is for review, not a record
        return quote in " ".join(n for n in normed if not _for_review(n))
    if flag.status == "possible":  # only its own line says it is for review
        return any(own in n for n in normed)
    words = _DENIAL_WORDS if flag.status == "denied" else _PAST_WORDS
    return any(own in n or (quote in n and words.search(n)) for n in normed)


def apply_risk_safety_net(risk_section: str, flags: Sequence[RiskFlag]) -> str:
    """The Risk section with every flag recorded, then urgent words marked.

    A disclosure whose quote the section lacks gets a line ``Transcript: <describe>``;
    denials, past risks and the second screen's possible risks ("Possible risk, please
    review: ...", never as a disclosure) are recorded the same way unless already
    recorded. With any
    flag, placeholder lines ("Not discussed", "None") go; with a disclosure, so does every
    sentence saying "not discussed". Every disclosure's quote is then marked red where
    the section holds it, whatever its category; urgent words are marked everywhere but
    in the possible risks' own lines, which are for review, not disclosures. No flags:
    the section is only marked. Applying the net twice gives the same text as once.
    """
    if not flags:
        return mark_urgent_words(risk_section)
    own = {_norm(LINE_PREFIX + flag.describe()) for flag in flags}
    disclosed = any(flag.status == "disclosed" for flag in flags)
    lines: list[str] = []
    for line in risk_section.splitlines():
        if _norm(line) in own:
            lines.append(line)
            continue
        kept = _without_not_discussed(line) if disclosed else line
        if not _is_placeholder(kept) and (kept.strip() or not line.strip()):
            lines.append(kept)
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    normed, joined, added = [_norm(line) for line in lines], _norm("\n".join(lines)), []
    for flag in flags:
        entry = LINE_PREFIX + flag.describe()
        if not _documented(flag, normed, joined):
            added.append(entry)
            normed.append(_norm(entry))
            joined = f"{joined} {normed[-1]}".strip()
    possible = {_norm(LINE_PREFIX + f.describe()) for f in flags if f.status == "possible"}
    # A possible risk's own line stays plain: red says "disclosed", and it is not.
    marked = [
        line if _norm(line) in possible else mark_urgent_words(line)
        for line in "\n".join(lines + added).splitlines()
    ]
    return "\n".join(_red_quotes(marked, flags))


def _red_quotes(lines: list[str], flags: Sequence[RiskFlag]) -> list[str]:
    """Each disclosure's quote in red where the section holds it: whatever its category
    (a plan or means says no urgent word), a disclosure never reads as plain text."""
    for flag in flags:
        if flag.status != "disclosed" or not flag.quote.strip() or _BRACES.search(flag.quote):
            continue
        pattern = _quote_pattern(flag.quote)
        for number, line in enumerate(lines):
            if _for_review(_norm(line)):
                continue  # a possible risk's line stays plain
            found = pattern.search(line)
            if found is None:
                continue
            inside_red = any(
                m.start() < found.end() and found.start() < m.end()
                for m in RED_MARKER.finditer(line)
            )
            if not inside_red and not _MARKER_TOKEN.search(found.group(0)):
                lines[number] = line[: found.start()] + red(found.group(0)) + line[found.end() :]
            break
    return lines


_BRACES = re.compile(r"[{}]")
_TOKENS = r"(?:\{\{[A-Z][A-Z0-9_]*:|\}\})*"


def _quote_pattern(quote: str) -> re.Pattern[str]:
    """``quote`` as it may stand in a section: any case and spacing, markers anywhere."""
    words = [_TOKENS.join(re.escape(ch) for ch in word) for word in quote.split()]
    return re.compile(_TOKENS + (_TOKENS + r"\s+" + _TOKENS).join(words), re.IGNORECASE)
