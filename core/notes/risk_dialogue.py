"""Risk read across the dialogue, not only line by line.

A clinician reads a session as a conversation, and so does this pass, after each line
has been read on its own (``core.notes.risk_lines``):

- **A question and its answer.** "Have you thought about ending your life?" answered
  "Sometimes." is a disclosure, quoted with both lines; "No." is a denial. An open
  question ("Have you thought about how?", "What do you do with the blade?") answered
  with anything but a denial is a disclosure too; so is "No." to "Do you feel safe at
  home?"; and the answer to "Is that the first time?" right after a disclosure.
- **Two lines.** A statement continued over two consecutive client lines is read as one.
- **Context.** Once the conversation is about a risk (a disclosure, or a clinician's risk
  question a few lines before), words that say nothing alone say it: "I've thought it
  through", "I wrote to my sister", "the gun's in the safe", "I think about doing it".
- A denial never masks a later disclosure: every line is read again on its own.

Pure functions without state, safe from any thread; stdlib only.
"""

import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from core.notes import risk_constructs, risk_phrases
from core.notes.risk_flags import RiskFlag, RiskStatus
from core.notes.risk_lexicon import Phrase, RiskCategory, compile_phrases
from core.notes.risk_lines import edge, flags_of_hits, line_flags, read_line, split_line
from core.notes.speakers import is_clinician

CONTEXT_LINES = 8  # how far back a risk keeps the conversation about it
# "open_in_context": open, but a risk question only once risk is in the conversation
# ("Where would you like to start today?").
_Kind = Literal["yes_no", "open", "open_in_context", "inverted", "repeat"]


@dataclass(frozen=True)
class Turn:
    number: int  # the transcript line
    speaker: str | None
    text: str  # what was said, without the label
    clinician: bool


def turns_of(transcript: str) -> list[Turn]:
    turns = []
    for number, raw in enumerate(transcript.splitlines(), start=1):
        speaker, text = split_line(raw)
        if text.strip():
            turns.append(Turn(number, speaker, text, is_clinician(speaker)))
    return turns


# --- questions and answers ----------------------------------------------------------------


@dataclass(frozen=True)
class _Question:
    pattern: re.Pattern[str]
    category: RiskCategory
    construct: str
    kind: _Kind


def _q(category: RiskCategory, construct: str, kind: _Kind, *phrases: str) -> _Question:
    return _Question(compile_phrases(*phrases), category, construct, kind)


_YOU_DIE = (
    r"(?:suicide|suicidal|kill(?:ing)? (?:yourself|themselves)|end(?:ing)? (?:(?:your|their|"
    r"one's) (?:own )?(?:life|lives)|it all|things|it)|tak(?:e|ing) (?:your|their) "
    r"(?:own )?(?:life|lives)|"
    r"(?:be|are|were|'d be) better off (?:dead|gone|not here|without them)|"
    r"not (?:want(?:ing)?|wanting) to (?:be )?"
    r"(?:alive|here|live|around|wake up)|(?:want(?:ing)?|wish(?:ing)?) to (?:die|be dead)|"
    r"dying|being dead|(?:rather|'d rather) not (?:be )?(?:alive|here|around)|(?:wish|wished) "
    r"(?:you were|you'd be) dead|to die|quitar(?:te|se) la vida|suicidar(?:te|se)|"
    r"morir(?:te|se)|no despertar(?:te|se)?|(?:mejor )?no estar viv[oa])"
)
QUESTIONS: tuple[_Question, ...] = (
    _q(
        "suicidal_ideation",
        "past_attempt",
        "yes_no",
        r"(?:ever|before|previously) (?:tried|attempted|made an attempt)|(?:tried|attempted) "
        r"(?:to (?:end|take|kill)[\w ]{0,25}) (?:before|in the past)|has there been a time when "
        r"you were|intentaste (?:alguna vez )?(?:quitarte|matarte)",
        r"(?:were|was) you (?:trying|meaning|wanting) to (?:die|end|kill)",
    ),
    _q(
        "suicidal_ideation",
        "past_attempt",
        "open",
        r"what (?:did|were) you (?:want|wanting|hope|hoping|expect|expecting) (?:would |to )?"
        r"happen|qué (?:querías|esperabas) que pasara",
    ),
    _q(
        "plan_or_means",
        "plan",
        "open",
        r"thought about how|how (?:would|will|might) you (?:do it|go about|end)|(?:made|got|"
        r"have) a plan(?! for (?:that|this|it|the|when|how to (?:cope|manage|stay))| to "
        r"(?:stay|keep|cope|manage|deal|get))|cómo lo harías|has pensado cómo",
    ),
    _q(
        "plan_or_means",
        "plan",
        "open_in_context",
        r"thought about (?:when|where)|(?:when|where) would you|what (?:would|will) you use|"
        r"what would you do (?:at|there|once|when you (?:got|get))|"
        r"(?:decided|decisions? about|picked|chosen|worked out) (?:when|where|how)",
    ),
    _q(
        "plan_or_means",
        "preparatory_acts",
        "open",
        r"(?:done|do|did) anything to (?:get ready|prepare)|affairs in order|(?:keeping|saving|"
        r"putting|stashing) (?:any )?(?:tablets|pills|medication|meds)[\w ]{0,10}(?:aside|away)|"
        r"anything (?:practical|to prepare)",
    ),
    _q(
        "suicidal_ideation",
        "intent",
        "yes_no",
        r"(?:intend|intending|going) to act on|(?<!won.t )(?<!not )act on (?:this|it|them|"
        r"that|those thoughts)|"
        r"(?:how (?:likely|strong)|pull to act)|(?:intend|intending|going|planning) to go "
        r"through with (?:it|this|that)|(?:are|were) you going to do (?:it|this)",
    ),
    _q(
        "violence",
        "weapon_access",
        "open",
        r"access to (?:a gun|guns|a weapon|weapons|firearms|anything (?:you|that) could)|"
        r"(?:is|are) the (?:gun|guns|rifle|shotgun|pistol|weapons?) (?:at|in|still)|tienes "
        r"acceso a",
    ),
    _q(
        "violence",
        "homicidal_ideation",
        "yes_no",
        r"(?:thoughts?|thinking|thought) (?:of|about) (?:\w+ )?(?:hurting|harming|killing|"
        r"attacking)(?: or (?:\w+ )?(?:hurting|harming|killing|attacking))? (?:someone|anyone|"
        r"him|her|them|others|other people)|(?:use|using) (?:it|that) "
        r"(?:against|on) (?:him|her|them)|usarla contra|hacerle daño a",
    ),
    _q(
        "suicidal_ideation",
        "active_ideation",
        "yes_no",
        rf"(?:thoughts?|thinking|thought|think|ideas?) (?:of|about) {_YOU_DIE}",
        rf"(?:are|were|have) you (?:been )?(?:feeling |having thoughts of |talking about |"
        rf"thinking about |thinking of |planning |considering )?{_YOU_DIE}",
        r"(?:turning|turn|use|using) it on yourself|pensamientos de quitarte la vida|"
        r"sigues teniendo esas ideas",
        # "Do you ever feel like you'd rather not be alive?", "Made your mind up to end
        # your life?": you, and a few words later, dying
        rf"\byou(?:'d|'re|'ve)?\b[\w ’\x27]{{0,30}}?\b{_YOU_DIE}|your mind up to (?:end|take)",
        rf"(?:ha|has|han) pensado (?:que|en) (?:[\wáéíóú]+ ){{0,3}}{_YOU_DIE}",
    ),
    _q(
        "self_harm",
        "nssi",
        "yes_no",
        r"(?:hurt|harm|harmed|hurting|harming|cut|cutting|burn|burning) (?:yourself|themselves)|"
        r"self[- ]harm|hacerte daño|te has hecho daño",
    ),
    _q(
        "abuse",
        "abuse_physical",
        "yes_no",
        r"(?:has|does|did|is) (?:he|she|they|anyone|someone|anybody|your \w+) (?:ever )?"
        r"(?:hurt|hit|harm(?:ed)?|push(?:ed)?|touch(?:ed)?|threaten(?:ed)?|put (?:his|her|"
        r"their) hands on) you|hecho daño físico|te ha pegado|(?:le|la|lo|te) (?:ha|han) "
        r"(?:pegado|empujado|golpeado|hecho daño|maltratado)",
    ),
    _q(
        "abuse",
        "abuse_emotional",
        "yes_no",
        # the HITS screen: hurt, insult, threaten, scream; and fear
        r"(?:say|says|said) (?:things|stuff) (?:that|which) (?:hurt|scare|frighten|upset)|"
        r"(?:put|puts|putting) you down|call(?:s|ed)? you names|(?:insult|threaten|scream at|"
        r"shout at|yell at|swear at|belittle|humiliate)(?:s|ed)? you|(?:scared|afraid|"
        r"frightened) of (?:him|her|them|your \w+)|te (?:insulta|humilla|amenaza|grita)",
    ),
    _q(
        "abuse",
        "abuse_sexual",
        "yes_no",
        r"(?:made|make|makes|forced?|forces|pressured?|pressures) you (?:to )?(?:do|have) "
        r"(?:sexual|sex|things you (?:didn't|don't) want)|touched you in a way|"
        r"(?:sexual|sex) (?:when|that) you (?:didn't|don't) want|(?:anything|something) "
        r"(?:happening|happen|going on)(?: \w+){0,3} that you (?:don't|didn't|do not) want",
    ),
    _q(
        "abuse",
        "coercive_control",
        "yes_no",
        r"(?:check|checks|checked|go through|goes through|track|tracks) your (?:phone|messages|"
        r"location|texts)|(?:stop|stops|stopped|keep|keeps|kept) you (?:from )?(?:seeing|going|"
        r"working|leaving)|(?:let|lets) you (?:see|go out|have your own)",
    ),
    _q(
        "abuse",
        "neglect",
        "inverted",
        r"enough (?:food|to eat)|(?:someone|anyone) (?:to )?look(?:ing)? after you",
    ),
    _q(
        "overdose",
        "overdose_event",
        "yes_no",
        r"(?:taken|took|take) (?:more|too much|too many)(?: of (?:anything|\w+))?(?: than "
        r"(?:you )?(?:meant|intended|should|prescribed))?|overdos(?:e|ed)",
    ),
    _q(
        "overdose",
        "intoxication_event",
        "yes_no",
        r"(?:blacked|passed) out|wok(?:e|en) up (?:somewhere|not knowing)|driv(?:e|en|ing) "
        r"(?:drunk|high|after drinking|over the limit)",
    ),
    _q(
        "violence",
        "weapon_access",
        "yes_no",
        r"(?:have|got|own|keep) (?:a|any) (?:gun|guns|firearms?|weapons?|rifle|shotgun)",
    ),
    _q(
        "suicidal_ideation",
        "intent",
        "inverted",
        r"(?:can|could|will) you promise|promise (?:me )?(?:you(?:'ll| will)? (?:not|won't)|"
        r"to (?:stay|keep) safe)|me (?:lo )?puedes prometer",
    ),
    _q(
        "abuse",
        "abuse_financial",
        "yes_no",
        r"control(?:s|ling)? (?:the |your )?(?:money|finances|pay)|controla (?:también )?el "
        r"dinero",
    ),
    _q(
        "abuse",
        "abuse_physical",
        "inverted",
        r"(?:feel|are you) safe (?:at home|with (?:him|her|them)|around (?:him|her))",
    ),
    _q(
        "suicidal_ideation",
        "active_ideation",
        "inverted",
        r"(?:feel|are you|keep yourself) safe (?:tonight|with yourself|from yourself)",
    ),
)
_OPEN_FOLLOW_UP = compile_phrases(
    r"what do you do with|what (?:kind of|sort of) things|tell me more|what happened|"
    r"what did you (?:do|take|use)|how many|what (?:kind|sort)|what for",
)
_REPEAT = compile_phrases(
    r"(?:is|was) that the first time|how often|how recently|when did you last|since when|"
    r"how long (?:have|has) (?:that|this)|the last time|how many times|and today",
)
_YES = re.compile(
    r"(?i)^\W*(?:(?!no\b|nah\b|never\b|nope\b)\w+\W+){0,5}?"
    r"(?:yes|yeah|yep|yup|yea|ya|ye|aye|mm+(?=\W*$)|I'?m (?:thinking|"
    r"considering|planning) (?:about )?(?:it|that)|I'?ve (?:thought|been thinking) (?:about|"
    r"of) (?:it|that)|might (?:do|be)|sure|sometimes|some (?:days|nights|"
    r"times)|a bit|a little|a lot|kind of|kinda|sort of|maybe|probably|i (?:do|have|am|did|was|"
    r"think so|guess|suppose)|most (?:days|nights|of the time)|every (?:day|night)|often|all "
    r"the time|lately|mm+-?hm+|uh-?huh|si|sí|a veces|claro|bastante|algo|un poco|lo he pensado|"
    r"(?:a )?couple of times|a few times|once or twice|twice|once|loads|plenty|more than once|"
    r"more than I'?d like|more than I should|I reckon|I might|I think I might|I could|"
    r"could be|that thought|those thoughts|the thoughts?|on and off|now and then|now and "
    r"again|every so often|y(?:e|ea)s+)"
    r"\b"
)
_LONG_AGO = re.compile(r"(?i)\bago\b|\bhace\b|years back|when I was")
# "When did you last...?" "Not since 2018.": a risk of the past, not of now.
_NOT_SINCE = re.compile(
    r"(?i)^\W*(?:no,?\s+)?(?:not since|not for (?:years|ages|a long time|a good while)|"
    r"desde hace años no|hace años que no)\b"
)
# "No one. Totally safe.": "no one" hurts the client, which is not "no, I am not safe".
_NOBODY = re.compile(r"(?i)^\W*(?:no[- ]one|nobody|nadie)\b")
_NO = re.compile(
    # "No despertarme" (not to wake up) is an answer, not a denial: a Spanish "no" before
    # an infinitive negates the verb
    r"(?i)^\W*(?:(?:oh|god|gosh|goodness|heavens|good heavens|lord|good lord|christ|hell|"
    r"well|um+|uh+|er+|hmm+|honestly|look|ha|haha|lol|dios|ay|uy|pues|mira|bueno|qué va|"
    r"dear|love|mate|man|ma'am|sir|miss)\W+)*(?:no\b(?!\s+\w+?(?:ar|er|ir)(?:me|te|se|lo|la)?\b)|nope|nah|never|"
    r"not really|not at all|no way|i (?:don't(?! know)|haven't|wouldn't|won't|didn't)|i'd never|"
    # a denial said as a statement: "I would never act on it", "I have no plan"
    r"i (?:would|will|could) never|i (?:have|had|'ve got) no (?:plans?|intent(?:ions?)?)\b|"
    r"not like that|(?:i )?can'?t promise|nunca|jamás|para nada|de ninguna manera|qué va)"
)


_SENTENCE_START = re.compile(r"[.?!…]\s+")


@functools.lru_cache(maxsize=2048)
def asked_all(text: str) -> tuple[_Question, ...]:
    """Every risk the turn's last question asks about, the last asked first: "thoughts
    that you'd be better off dead, or of hurting yourself?" asks about two."""
    found: list[tuple[int, _Question]] = []
    for question in QUESTIONS:
        found += [(match.start(), question) for match in question.pattern.finditer(text)]
    if not found:
        return ()
    last = max(start for start, _ in found)
    begins = max((m.end() for m in _SENTENCE_START.finditer(text, 0, last)), default=0)
    questions: list[_Question] = []
    for start, question in sorted(found, key=lambda f: -f[0]):
        if start >= begins and all(q.category != question.category for q in questions):
            questions.append(question)
    return tuple(questions)


_UNSURE = re.compile(
    r"(?i)^\W*(?:I don'?t know|dunno|not sure|I'?m not sure|no sé|no lo sé|ni idea)\b[\W]*"
)


def answer(text: str) -> Literal["yes", "no", "other"]:
    """What a reply says to a yes/no question; "I don't know... yeah" is its "yeah"."""
    unsure = _UNSURE.match(text)
    if unsure is not None and text[unsure.end() :].strip():
        return answer(text[unsure.end() :])
    if _NO.match(text):
        return "no"
    return "yes" if _YES.match(text) else "other"


# --- the pass over the dialogue -------------------------------------------------------


@dataclass
class _Topics:
    """What the conversation has been about, by category: the line it was last raised on,
    by a client's disclosure (``said``) or by a clinician's question (``asked``)."""

    said: dict[RiskCategory, int] = field(default_factory=dict)
    asked: dict[RiskCategory, int] = field(default_factory=dict)
    last: RiskFlag | None = None  # the newest disclosure

    def recent(self, line: int, *, questions: bool) -> list[RiskCategory]:
        sources = [self.said, self.asked] if questions else [self.said]
        return [c for source in sources for c, at in source.items() if line - at <= CONTEXT_LINES]

    def raised_before(self, line: int) -> bool:
        """Whether any risk was said or asked about before the line."""
        return any(at < line for source in (self.said, self.asked) for at in source.values())


_ANAPHORA = compile_phrases(
    r"(?:think|thinking|thought) (?:about )?(?:doing|do) it|(?:do|doing|did) it(?: again)?"
    r"(?= most| every| some| at night| when| tonight| soon| this time)",
    r"go through with (?:it|any of it)|act on (?:it|them|that)|been (?:planning|thinking) it",
    r"lied (?:before|earlier|about that)|(?:I )?do (?:think about|want) (?:it|that)",
    # taking back a denial: "earlier I said no but...", "I said nah before. It's not nah."
    r"(?:I )?said (?:no|nah|not really)(?: before| earlier)?,? but|it'?s not (?:no|nah)\b|"
    r"(?:earlier|before),? I said (?:no|nah)",
)

# "I would never act on it", "no intent to go through with it": the anaphora denied.
_NEGATED_BEFORE = re.compile(
    r"(?i)(?:\b(?:never|not|no|nothing|without)\b|n't|n’t)(?:\s+\w+){0,4}\s*$"
)


def _affirmed_anaphora(text: str) -> bool:
    """Whether ``text`` refers back to a risk ("act on it") without denying it."""
    return any(
        not _NEGATED_BEFORE.search(text[max(0, m.start() - 60) : m.start()])
        for m in _ANAPHORA.finditer(text)
    )


# The risks whose conversation gives a contextual phrase of each category its meaning:
# "since Sunday" is self-harm only after self-harm; a plan or a gun after any risk to life.
_CONTEXT_OF: dict[RiskCategory, frozenset[RiskCategory]] = {
    "suicidal_ideation": frozenset({"suicidal_ideation", "plan_or_means"}),
    "self_harm": frozenset({"self_harm"}),
    "violence": frozenset({"violence", "suicidal_ideation", "plan_or_means"}),
    "plan_or_means": frozenset({"suicidal_ideation", "plan_or_means", "self_harm", "overdose"}),
}


def _context_flags(turn: Turn, categories: Sequence[RiskCategory]) -> list[RiskFlag]:
    line = read_line(turn.text)
    flags = []
    wanted = set(categories)
    hits = [
        h
        for h in line.hits(risk_constructs.IN_CONTEXT)
        if h.status == "disclosed" and wanted & _CONTEXT_OF[h.category]
    ]
    if wanted & risk_phrases.CONTEXT_CATEGORIES:
        hits += [h for h in line.context_hits("disclosed") if h.status == "disclosed"]
    for hit in hits:
        flags += flags_of_hits(line, [hit], turn.number, turn.speaker)
    return flags


def _pair(question: Turn, reply: Turn, flag: RiskFlag) -> RiskFlag:
    quote = f"{question.speaker or 'Clinician'}: {question.text.strip()} / {reply.text.strip()}"
    return replace(flag, quote=quote, line=question.number, lines=(question.number, reply.number))


def _answered(
    question: Turn, reply: Turn, asked_for: _Question | None, topics: _Topics
) -> RiskFlag | None:
    """The flag a client's reply makes of the clinician's question just before it."""
    said = answer(reply.text)
    if asked_for is None:
        last = topics.last
        follows = last is not None and reply.number - last.line <= 4
        follow_up = _REPEAT.search(question.text) or _OPEN_FOLLOW_UP.search(question.text)
        if last is not None and follows and follow_up and said != "no":
            then: RiskStatus = "historical" if _NOT_SINCE.match(reply.text) else "disclosed"
            return RiskFlag(last.category, then, "", 0, reply.speaker, last.construct)
        return None
    kind = asked_for.kind
    if kind == "open_in_context":
        if not topics.raised_before(question.number):
            return None
        kind = "open"
    status: RiskStatus | None = None
    if kind == "inverted":
        later = question.text[_last_end(asked_for, question.text) :]
        plain = not _NOBODY.match(reply.text) and later.count("?") <= 1
        # a "no" answers the last question asked: after "are you safe at home? Is anyone
        # hurting you?" it means safe
        status = "disclosed" if said == "no" and plain else None
    elif kind == "open" and _NOT_SINCE.match(reply.text):
        status = "historical"
    elif said == "yes" or (kind == "open" and said == "other"):
        past = asked_for.construct == "past_attempt" and _LONG_AGO.search(reply.text)
        status = "historical" if past else "disclosed"
    elif said == "no" and kind == "yes_no":
        status = "denied"
    if status is None:
        return None
    return RiskFlag(asked_for.category, status, "", 0, reply.speaker, asked_for.construct)


def _last_end(question: _Question, text: str) -> int:
    """Where the last mention of ``question`` in ``text`` ends."""
    return max((m.end() for m in question.pattern.finditer(text)), default=0)


LOOK_BACK_LINES = 6  # how far before a disclosure its preparation may have been told


def dialogue_flags(transcript: str, extra: Sequence[Phrase] = ()) -> list[RiskFlag]:
    """Every flag of the transcript: each client line's own, then what the dialogue adds
    (a category a line already has is not flagged again on it), in line order.
    ``extra``: phrases read in each line besides the built-in ones (a clinic's words)."""
    turns = turns_of(transcript)
    flags = list(_forward_flags(turns, extra))
    flags += _backward_flags(turns, flags)
    return sorted(flags, key=lambda f: f.line)


def _backward_flags(turns: Sequence[Turn], flags: Sequence[RiskFlag]) -> list[RiskFlag]:
    """What a disclosure explains in the client lines just before it: "I've been looking
    things up" says nothing until "...I'm thinking about ending my life" follows."""
    disclosed = [
        (f.line, f.category)
        for f in flags
        if f.status == "disclosed" and f.category in _EXPLAINS_BACK
    ]
    if not disclosed:
        return []
    flagged = {(f.line, f.category) for f in flags}
    found: list[RiskFlag] = []
    for turn in turns:
        after = [c for at, c in disclosed if 0 < at - turn.number <= LOOK_BACK_LINES]
        if turn.clinician or not after:
            continue
        for flag in _context_flags(turn, after):
            if (flag.line, flag.category) not in flagged:
                found.append(flag)
                flagged.add((flag.line, flag.category))
    return found


_EXPLAINS_BACK: frozenset[RiskCategory] = frozenset(
    {"suicidal_ideation", "self_harm", "plan_or_means"}
)


def _forward_flags(turns: Sequence[Turn], extra: Sequence[Phrase]) -> Iterator[RiskFlag]:
    topics = _Topics()
    previous: Turn | None = None
    before: set[RiskCategory] = set()  # the previous client line's categories
    for turn in turns:
        if turn.clinician:
            for question in asked_all(turn.text):
                topics.asked[question.category] = turn.number
            previous, before = turn, set()
            continue
        flags = line_flags(turn.number, turn.speaker, turn.text, extra)
        have = {f.category for f in flags}
        if previous is not None and not previous.clinician and previous.number == turn.number - 1:
            either = have | before
            seam = f"{edge(previous.text, last=True)} {edge(turn.text, last=False)}"
            joined = line_flags(previous.number, turn.speaker, seam, extra)
            for flag in joined:
                if flag.category not in either and flag.status == "disclosed":
                    lines = (previous.number, turn.number)
                    flags.append(replace(flag, lines=lines))
                    have.add(flag.category)
        if previous is not None and previous.clinician:
            questions: tuple[_Question | None, ...] = asked_all(previous.text) or (None,)
            for asked_for in questions:
                reply = _answered(previous, turn, asked_for, topics)
                if reply is not None and reply.category not in have:
                    flags.append(_pair(previous, turn, reply))
                    have.add(reply.category)
        recent = [c for c in topics.recent(turn.number, questions=False)]
        if recent:
            for flag in _context_flags(turn, recent):
                if flag.category not in have:
                    flags.append(flag)
                    have.add(flag.category)
        if topics.recent(turn.number, questions=True) and _affirmed_anaphora(turn.text):
            category = max(
                topics.recent(turn.number, questions=True),
                key=lambda c: max(topics.said.get(c, 0), topics.asked.get(c, 0)),
            )
            if category not in have:
                quote = turn.text.strip()
                flags.append(RiskFlag(category, "disclosed", quote, turn.number, turn.speaker))
                have.add(category)
        for flag in flags:
            if flag.status in ("disclosed", "historical"):
                topics.said[flag.category] = turn.number
                topics.last = flag
        yield from sorted(flags, key=lambda f: f.line)
        previous, before = turn, {f.category for f in flags}
