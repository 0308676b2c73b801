"""Risk detection in one transcript line.

Each line goes through, in order: idiom masking ("the commute is killing me"), the
question filter (a question to the listener is no disclosure), then each risk phrase;
forms that carry their own negation ("I don't want to wake up") are listed first and
never read as denials; then negation ("I would never kill myself" -> denied), then past
time ("years ago I tried to kill myself" -> historical). One flag per category; the
strongest status wins: disclosed > historical > denied.

Pure functions without state, safe from any thread; stdlib only. The cues live in
``core.notes.risk_lexicon``, the phrases in ``core.notes.risk_phrases``.
"""

import functools
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from core.notes import risk_constructs, risk_phrases, risk_phrases_es
from core.notes import risk_lexicon as lex
from core.notes.risk_flags import RANK, RiskFlag, RiskStatus
from core.notes.risk_lexicon import RiskCategory
from core.notes.risk_quotes import others_quotes, quotations
from core.notes.speakers import split_speaker

_MAX_QUOTE = 240
# Every phrase a line is read for: the English ones, by construct, and the Spanish ones.
PHRASES: tuple[lex.Phrase, ...] = (
    *risk_phrases.PHRASES,
    *risk_constructs.PHRASES,
    *risk_phrases_es.PHRASES,
)

_TIMESTAMP = re.compile(r"^\s*(?:\[?\(?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\)?\]?\s*(?:-\s*)?)")
_WORD = re.compile(r"[\w'’-]+")
SENTENCE_END = re.compile(r"(?<=[.!?])[\"'’”)]*\s+")
_CONTRAST = re.compile(r"\b(?:but|however|although|though|whereas|except)\b|;", re.I)
_SUBJECT_BREAK = frozenset(
    "i i'm im i've ive i'd i'll he she they we you he's she's they're we're you're".split()
)
_SCOPE_WORDS = 8
_PARTICIPLE = re.compile(r"\w+(?:ado|ido|ito|cho)$")
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


def _first_person(text: str) -> bool:
    """Whether the client speaks of themselves in ``text`` (I, me, my; yo, me, mi)."""
    return any(w in lex.FIRST_PERSON for w in _words(text))


def _you(text: str) -> bool:
    return any(w in lex.YOU_WORDS for w in _words(text))


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
    # Spanish "nunca he pensado": that "he" is an auxiliary, not a new subject.
    breaks = [
        w
        for i, w in enumerate(between)
        if w in _SUBJECT_BREAK
        and not (w == "he" and i + 1 < len(between) and _PARTICIPLE.match(between[i + 1]))
    ]
    return raised or not breaks


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
        if (kind := _person(word)) is not None:
            return kind
    return None


def _person(word: str) -> str | None:
    """The kind of a person word (self, you, thing or third), or None."""
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


class Line:
    """One line's text, its masks and sentence spans, for the matching passes."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.masked = _mask(text, lex.IDIOM)
        self.negmask = _mask(self.masked, lex.NEGATION_NEUTRALISERS)
        self.first_person = _first_person(text)
        words = set(_words(text))
        english, spanish = len(words & lex.ENGLISH_WORDS), len(words & lex.SPANISH_WORDS)
        # Spanish words are few and short: a line is read as Spanish with two of them, and
        # in both languages when it has some of each.
        if spanish >= 2:
            self.languages = {"es"} if english < 2 else {"en", "es"}
        else:  # one Spanish word and no English one ("A veces quiero desaparecer"): both
            self.languages = {"en", "es"} if spanish == 1 and english == 0 else {"en"}
        self.sentences = [
            s for s in _spans(text, 0, len(text), SENTENCE_END) if text[s[0] : s[1]].strip()
        ]

    @functools.cached_property
    def quotations(self) -> list[tuple[int, int]]:
        return quotations(self.text)

    def _opening(self, at: int) -> int:
        """Where the quotation holding ``at`` starts (after its mark), or 0."""
        return max((a + 1 for a, b in self.quotations if a < at < b), default=0)

    @functools.cached_property
    def others_quotes(self) -> list[tuple[int, int]]:
        """Spans quoting someone other than the client ("she goes, 'I want to die'")."""
        return others_quotes(self.text, _person)

    def _others_words(self, span: tuple[int, int], category: RiskCategory) -> bool:
        """Whether ``span`` is someone else's quoted words. A threat quoted at "you"
        ("he said, 'I'll kill you if you leave'") stays: it may be made to the client."""
        for start, end in self.others_quotes:
            if start <= span[0] and span[1] <= end:
                said = self.text[start:end]
                return not (category in ("violence", "abuse") and _you(said))
        return False

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
        past = (
            _governs(lex.PAST_GOVERNOR, prefix)
            or bool(lex.PAST_TIME_CUE.search(words))
            or self._dated_after(span)
        )
        if negated:
            return "historical" if past or lex.NEGATED_HISTORY_CUE.search(words) else "denied"
        return "historical" if past and not lex.RECENT_CUE.search(words) else "disclosed"

    def _dated_after(self, span: tuple[int, int]) -> bool:
        """Whether the sentence after the one holding ``span`` dates it to the past: "I cut
        my arms for a while. That was nine years ago." """
        for (_, end), (start, after) in zip(self.sentences, self.sentences[1:], strict=False):
            if end >= span[1]:
                return bool(lex.DATED_BEFORE.match(self.text, start, after))
        return False

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

    def hits(self, phrases: Sequence[lex.Phrase] = PHRASES) -> Iterator[_Hit]:
        """Every match of ``phrases`` in the line with its status, questions skipped."""
        for sentence in self.sentences:
            if not self.is_question(*sentence):
                for seg in _spans(self.text, sentence[0], sentence[1], _CONTRAST):
                    yield from self._phrase_hits(phrases, sentence, seg)

    def _phrase_hits(
        self, phrases: Sequence[lex.Phrase], sentence: tuple[int, int], seg: tuple[int, int]
    ) -> Iterator[_Hit]:
        said = self.text[sentence[0] : sentence[1]]
        story: bool | None = None  # read once, at the first match
        reported = False
        for phrase in phrases:
            if phrase.language not in self.languages:
                continue
            for m in phrase.pattern.finditer(self.masked, seg[0], seg[1]):
                # words in a quotation have their subject inside it
                opening = max(seg[0], m.start() - _WINDOW, self._opening(m.start()))
                subject = _nearest_subject(self.masked[opening : m.start()])
                if subject in _SKIP_SUBJECTS[phrase.subject]:
                    continue
                if story is None:
                    story = self._story(sentence)
                    # the whole sentence is the story's when it says nothing of the client
                    # ("I", "my" outside the story's own words)
                    reported = story and not _first_person(lex.REPORTED.sub(" ", said))
                if reported or (phrase.category == "abuse" and not self.first_person):
                    continue  # someone else's story, not the client's own
                if subject == "third" and story and not _first_person(m[0]):
                    continue  # "I had to remove two kids from a home where mom was ..."
                if self._others_words(m.span(), phrase.category):
                    continue  # "my sister goes, 'I just want to die'"
                status = self.status(phrase, seg, m.span())
                if status == "disclosed" and self._answered_no(sentence):
                    status = "denied"  # "But do I want to die? No."
                if status == "disclosed" and (
                    self._hyperbole(phrase, said)
                    or lex.NOT_LITERAL.search(self.text)
                    or self._bare_threat(phrase, m.span(), seg)
                ):
                    status = "possible"  # for a clinician to weigh, not a disclosure
                yield _Hit(phrase.category, status, sentence, seg, m.span(), phrase.construct)

    def _bare_threat(self, phrase: lex.Phrase, span: tuple[int, int], seg: tuple[int, int]) -> bool:
        """Whether an abuse phrase is "he'll kill me" said with nothing of why."""
        if phrase.category != "abuse":
            return False
        threats = lex.BARE_THREAT.finditer(self.masked, seg[0], seg[1])
        return any(t.start() < span[1] and span[0] < t.end() for t in threats)

    def _answered_no(self, sentence: tuple[int, int]) -> bool:
        """Whether ``sentence`` is a question the next sentence answers "no"."""
        if not self.text[sentence[0] : sentence[1]].rstrip().endswith("?"):
            return False
        after = [s for s in self.sentences if s[0] >= sentence[1]]
        return bool(after) and bool(lex.ANSWERED_NO.match(self.text, after[0][0], after[0][1]))

    def _story(self, sentence: tuple[int, int]) -> bool:
        """Whether the sentence, or an earlier one of the line, sets up someone else's
        story ("an old gentleman on my caseload ...", a film, a call-out)."""
        for start, end in self.sentences:
            if lex.REPORTED.search(self.text[start:end]):
                return True
            if (start, end) == sentence:
                break
        return False

    def _hyperbole(self, phrase: lex.Phrase, sentence: str) -> bool:
        """Violence said the way people vent ("I'm going to murder him"), with nothing that
        makes it serious: for a clinician to review, not a disclosure."""
        return (
            phrase.category == "violence"
            and bool(lex.VENTING_VERB.search(sentence))
            and not lex.SERIOUS_CUE.search(self.text)
        )

    def quote(self, hit: _Hit) -> str:
        """The hit's sentence, or its clause, or a window around it when those are long."""
        for start, end in (hit.sentence, hit.clause):
            if len(self.text[start:end].strip()) <= _MAX_QUOTE:
                return self.text[start:end].strip()
        start = max(hit.clause[0], hit.span[0] - _MAX_QUOTE // 2)
        end = min(hit.clause[1], hit.span[1] + _MAX_QUOTE // 2)
        return self.text[start:end].strip()


@functools.lru_cache(maxsize=4096)
def read_line(text: str) -> Line:
    """``Line(text)``, kept: the dialogue pass reads a line more than once."""
    return Line(text)


def edge(text: str, *, last: bool) -> str:
    """The last (or first) sentence of ``text``: where a statement over two lines joins."""
    sentences = [p for p in SENTENCE_END.split(text.strip()) if p.strip()]
    if not sentences:
        return ""
    return sentences[-1] if last else sentences[0]


def split_line(raw: str) -> tuple[str | None, str]:
    """The speaker label of a transcript line (or None) and its spoken text."""
    speaker, start = _split_speaker(raw)
    return speaker, raw[start:]


def line_flags(
    number: int, speaker: str | None, text: str, extra: Sequence[lex.Phrase] = ()
) -> list[RiskFlag]:
    """The flags of one line's spoken ``text``: one per category, the strongest status;
    ``extra``: phrases read besides the built-in ones (a clinic's own words)."""
    line = read_line(text)
    hits = list(line.hits((*PHRASES, *extra) if extra else PHRASES))
    context = [h.status for h in hits if h.category in risk_phrases.CONTEXT_CATEGORIES]
    if "disclosed" in context or "historical" in context:
        best_context: RiskStatus = "disclosed" if "disclosed" in context else "historical"
        hits.extend(line.context_hits(best_context))
    return flags_of_hits(line, hits, number, speaker)


def _length(hit: _Hit) -> int:
    return hit.span[1] - hit.span[0]


def flags_of_hits(
    line: Line, hits: Sequence[_Hit], number: int, speaker: str | None
) -> list[RiskFlag]:
    """One flag per category of ``hits`` in ``line``, the strongest status, in order."""
    best: dict[RiskCategory, _Hit] = {}
    for hit in hits:
        kept = best.get(hit.category)
        # the strongest status; at the same, the longer phrase says more ("tried to kill
        # myself" is a past attempt, "kill myself" in it only ideation)
        if kept is None or (RANK[hit.status], _length(hit)) > (RANK[kept.status], _length(kept)):
            best[hit.category] = hit
    flags = []
    for hit in sorted(best.values(), key=lambda h: h.span):
        quote = line.quote(hit)
        flags.append(RiskFlag(hit.category, hit.status, quote, number, speaker, hit.construct))
    return flags
