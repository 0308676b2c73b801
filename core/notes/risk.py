"""The risk safety net: deterministic risk detection, urgent-word marking, and the merge
that puts every disclosed risk into a note's Risk section, whatever the model wrote.

Detection works line by line on a transcript ("Speaker: text" or bare text). Each line
goes through, in order: idiom masking ("the commute is killing me"), the clinician and
question filter (a therapist's "any thoughts of suicide?" is no disclosure), then each risk
phrase; forms that carry their own negation ("I don't want to wake up") are listed first
and never read as denials; then negation ("I would never kill myself" -> denied), then
past time ("years ago I tried to kill myself" -> historical). One flag per line and
category; the strongest status wins: disclosed > historical > denied.

Pure functions without state, safe from any thread; stdlib only, never imports Qt. The
word lists live in ``core.notes.risk_lexicon``.
"""

import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from core.notes import risk_lexicon as lex
from core.notes import risk_phrases
from core.notes.markers import ANY_MARKER, red
from core.notes.risk_lexicon import RiskCategory as RiskCategory  # re-exported
from core.notes.speakers import is_clinician, split_speaker

RiskStatus = Literal["disclosed", "denied", "historical"]

_RANK: dict[RiskStatus, int] = {"denied": 1, "historical": 2, "disclosed": 3}
_LABELS: dict[RiskCategory, str] = {
    **{"suicidal_ideation": "Suicidal ideation", "plan_or_means": "Plan or means"},
    **{"self_harm": "Self-harm", "violence": "Violence toward others", "abuse": "Abuse"},
    "overdose": "Overdose",
}
_MAX_QUOTE = 240


@dataclass(frozen=True)
class RiskFlag:
    """One risk found in a transcript: what, how it was said, and where."""

    category: RiskCategory
    status: RiskStatus
    quote: str  # the sentence (or clause) as it appears in the transcript line, trimmed
    line: int  # 1-based line number in the transcript text (the first, over several)
    speaker: str | None  # the line's speaker label, if any
    construct: str = ""  # what clinicians screen for, e.g. "nssi", "abuse_financial"
    lines: tuple[int, ...] = ()  # every line it rests on (a question and its answer)

    def __post_init__(self) -> None:
        if not self.lines:
            object.__setattr__(self, "lines", (self.line,))

    def describe(self) -> str:
        """One line for the note, e.g. ``Self-harm (disclosed, line 7, Client): "..."``."""
        label = _LABELS[self.category]
        where = f"line {self.line}" + (f", {self.speaker}" if self.speaker else "")
        quote = " ".join(self.quote.split())
        if self.status == "disclosed":
            return f'{label} (disclosed, {where}): "{quote}"'
        prefix = "Denied" if self.status == "denied" else "Historical"
        return f'{prefix} {label[0].lower()}{label[1:]} ({where}): "{quote}"'


# --- Detection ------------------------------------------------------------------------

_TIMESTAMP = re.compile(r"^\s*(?:\[?\(?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\)?\]?\s*(?:-\s*)?)")
_WORD = re.compile(r"[\w'’-]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'’”)]*\s+")
_CONTRAST = re.compile(r"\b(?:but|however|although|though|whereas|except)\b|;", re.I)
_SUBJECT_BREAK = frozenset(
    "i i'm im i've ive i'd i'll he she they we you he's she's they're we're you're".split()
)
_SCOPE_WORDS = 8
_WINDOW = 300  # characters around a phrase that its cues are looked for in


def _split_speaker(raw: str) -> tuple[str | None, int]:
    """The speaker label of a line (or None) and where the spoken text starts; a leading
    timestamp ("[00:12:03]") is skipped."""
    start = m.end() if (m := _TIMESTAMP.match(raw)) else 0
    speaker, rest = split_speaker(raw[start:])
    return (speaker, len(raw) - len(rest)) if speaker is not None else (None, start)


def _mask(text: str, pattern: re.Pattern[str]) -> str:
    """``text`` with every match of ``pattern`` blanked, offsets unchanged."""
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


def _spans(text: str, start: int, end: int, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """``text[start:end]`` cut at every match of ``pattern``, as absolute spans."""
    cuts = [start, *(m.end() for m in pattern.finditer(text, start, end)), end]
    return [(a, b) for a, b in itertools.pairwise(cuts) if a < b]


def _words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def _governs(cue: re.Pattern[str], prefix: str) -> bool:
    """Whether the last ``cue`` in ``prefix`` reaches the phrase right after it: a few
    words away, and no new subject between ("I don't think I'd" keeps it)."""
    cues = list(cue.finditer(prefix))
    if not cues:
        return False
    between = _words(prefix[cues[-1].end() :])
    if len(between) > _SCOPE_WORDS:
        return False
    raised = bool(between) and between[0] in lex.NEGATION_RAISERS
    return raised or not any(w in _SUBJECT_BREAK for w in between)


_PERSON_KINDS = (
    ("self", lex.SELF_WORDS),
    ("you", lex.YOU_WORDS),
    ("thing", lex.THING_WORDS),
    ("third", lex.THIRD_WORDS),
)
_SKIP_SUBJECTS: dict[lex.Subject, frozenset[str]] = {
    "any": frozenset(),
    "self": frozenset({"third", "you"}),
    "agent": frozenset({"self", "thing", "you"}),
}


def _nearest_subject(prefix: str) -> str | None:
    """The kind of the last person word before a phrase: self, you, thing or third."""
    for word in reversed(_words(prefix)):
        for kind, words in _PERSON_KINDS:
            if word in words:
                return kind
    return None


@dataclass(frozen=True)
class _Hit:
    category: RiskCategory
    status: RiskStatus
    sentence: tuple[int, int]
    clause: tuple[int, int]
    span: tuple[int, int]
    construct: str = ""


class _Line:
    """One line's text, its masks and sentence spans, for the matching passes."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.masked = _mask(text, lex.IDIOM)
        self.negmask = _mask(self.masked, lex.NEGATION_NEUTRALISERS)
        self.sentences = [
            s for s in _spans(text, 0, len(text), _SENTENCE_END) if text[s[0] : s[1]].strip()
        ]

    def is_question(self, start: int, end: int) -> bool:
        """A question to the listener: ends with "?", says nothing of "I" or "my", and is
        not a rhetorical "what's the point of living?"."""
        sentence = self.text[start:end].strip().rstrip("\"'’”) ")
        if not sentence.endswith("?") or lex.RHETORICAL_QUESTION.search(sentence):
            return False
        return not any(w in lex.SELF_WORDS or w == "my" for w in _words(sentence))

    def status(self, phrase: lex.Phrase, seg: tuple[int, int], span: tuple[int, int]) -> RiskStatus:
        """Denied, historical or disclosed, from the words around ``span`` in its clause."""
        seg = (max(seg[0], span[0] - _WINDOW), min(seg[1], span[1] + _WINDOW))
        prefix = self.negmask[seg[0] : span[0]]
        if breaks := list(lex.CLAUSE_BREAK.finditer(prefix)):
            prefix = prefix[breaks[-1].end() :]
        clause = self._history_clause(seg, span)
        words = self.masked[clause[0] : clause[1]]
        negated = _governs(lex.NEGATION_CUE, prefix) or bool(
            lex.POST_NEGATION.match(self.negmask, span[1], seg[1])
        )
        past = _governs(lex.PAST_GOVERNOR, prefix) or bool(lex.PAST_TIME_CUE.search(words))
        if negated:
            return "historical" if past or lex.NEGATED_HISTORY_CUE.search(words) else "denied"
        return "historical" if past and not lex.RECENT_CUE.search(words) else "disclosed"

    def _history_clause(self, seg: tuple[int, int], span: tuple[int, int]) -> tuple[int, int]:
        """The part of ``seg`` around ``span`` that has one subject, for time cues."""
        start, end = seg
        for m in lex.HISTORY_CLAUSE_BREAK.finditer(self.masked, seg[0], seg[1]):
            before = self.masked[start : m.start()]
            if m.group(0).startswith(",") and _nearest_subject(before) is None:
                continue  # "Years ago, I tried ...": a fronted adverbial, not a clause
            if m.end() <= span[0]:
                start = m.end()
            elif m.start() >= span[1]:
                end = m.start()
                break
        return start, end

    def context_hits(self, context: RiskStatus) -> Iterator[_Hit]:
        """Plans and means beside a suicidal or self-harm phrase: denied or historical by
        their own words, else with the status of that phrase."""
        for hit in self.hits((risk_phrases.MEANS_IN_CONTEXT,)):
            status = context if hit.status == "disclosed" else hit.status
            yield _Hit(hit.category, status, hit.sentence, hit.clause, hit.span, hit.construct)

    def hits(self, phrases: Sequence[lex.Phrase] = risk_phrases.PHRASES) -> Iterator[_Hit]:
        """Every match of ``phrases`` in the line with its status, questions skipped."""
        for sentence in self.sentences:
            if not self.is_question(*sentence):
                for seg in _spans(self.text, sentence[0], sentence[1], _CONTRAST):
                    yield from self._phrase_hits(phrases, sentence, seg)

    def _phrase_hits(
        self, phrases: Sequence[lex.Phrase], sentence: tuple[int, int], seg: tuple[int, int]
    ) -> Iterator[_Hit]:
        for phrase in phrases:
            for m in phrase.pattern.finditer(self.masked, seg[0], seg[1]):
                prefix = self.masked[max(seg[0], m.start() - _WINDOW) : m.start()]
                if _nearest_subject(prefix) in _SKIP_SUBJECTS[phrase.subject]:
                    continue
                status = self.status(phrase, seg, m.span())
                yield _Hit(phrase.category, status, sentence, seg, m.span(), phrase.construct)

    def quote(self, hit: _Hit) -> str:
        """The hit's sentence, or its clause, or a window around it when those are long."""
        for start, end in (hit.sentence, hit.clause):
            if len(self.text[start:end].strip()) <= _MAX_QUOTE:
                return self.text[start:end].strip()
        start = max(hit.clause[0], hit.span[0] - _MAX_QUOTE // 2)
        end = min(hit.clause[1], hit.span[1] + _MAX_QUOTE // 2)
        return self.text[start:end].strip()


def detect_risks(transcript: str) -> list[RiskFlag]:
    """Risk flags in line order: one per (line, category), the strongest status kept.
    Lines spoken by a clinician are skipped; so are questions put to the listener."""
    flags: list[RiskFlag] = []
    for number, raw in enumerate(transcript.splitlines(), start=1):
        speaker, start = _split_speaker(raw)
        if is_clinician(speaker):
            continue
        line = _Line(raw[start:])
        hits = list(line.hits())
        context = [h.status for h in hits if h.category in risk_phrases.CONTEXT_CATEGORIES]
        if "disclosed" in context or "historical" in context:
            best_context: RiskStatus = "disclosed" if "disclosed" in context else "historical"
            hits.extend(line.context_hits(best_context))
        best: dict[RiskCategory, _Hit] = {}
        for hit in hits:
            kept = best.get(hit.category)
            if kept is None or _RANK[hit.status] > _RANK[kept.status]:
                best[hit.category] = hit
        for hit in sorted(best.values(), key=lambda h: h.span):
            quote = line.quote(hit)
            flags.append(RiskFlag(hit.category, hit.status, quote, number, speaker, hit.construct))
    return flags


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
    for m in _SENTENCE_END.finditer(line):
        if not any(a < m.start() < b for a, b in inside):
            cuts.append(m.end())
    pieces = [line[a:b] for a, b in zip(cuts, [*cuts[1:], len(line)], strict=True)]
    kept = [p for p in pieces if not _NOT_DISCUSSED.search(_norm(p))]
    return line if len(kept) == len(pieces) else " ".join(p.strip() for p in kept if p.strip())


def _documented(flag: RiskFlag, normed: Sequence[str], joined: str) -> bool:
    """Whether the section (its lines ``normed``, all of it ``joined``) already records
    ``flag``: its quote for a disclosure; for a denial or history, its line, or its quote
    on a line that says so."""
    quote, own = _norm(flag.quote), _norm(LINE_PREFIX + flag.describe())
    if flag.status == "disclosed":
        return quote in joined
    words = _DENIAL_WORDS if flag.status == "denied" else _PAST_WORDS
    return any(own in n or (quote in n and words.search(n)) for n in normed)


def apply_risk_safety_net(risk_section: str, flags: Sequence[RiskFlag]) -> str:
    """The Risk section with every flag recorded, then urgent words marked.

    A disclosure whose quote the section lacks gets a line ``Transcript: <describe>``;
    denials and past risks are recorded the same way unless already recorded. With any
    flag, placeholder lines ("Not discussed", "None") go; with a disclosure, so does every
    sentence saying "not discussed". No flags: the section is only marked. Applying the
    net twice gives the same text as applying it once.
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
    return mark_urgent_words("\n".join(lines + added))
