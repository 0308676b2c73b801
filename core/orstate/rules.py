"""Deterministic machine toggles from one transcript utterance.

``UtteranceRules(surgery).parse(text)`` finds the machines named in the text (name, alias
or trigger phrase, whole words, longest match, case-insensitive; articles ignored) and the
action said for them (verb before: "turn on the suction"; particle after: "suction on";
a machine's own command phrase: "intubation complete"). Decisions (the README's table):

* Refusals are OFF: a negated ON verb ("don't start the suction", "never start X"), or a
  refusal word with a machine ("cancel / skip / forget (about) / no X"). A negated OFF or
  STANDBY verb means ON ("don't stop the suction"). ``negated`` is True when a negation
  or refusal shares a clause with a machine.
* Deferrals ("not yet X", "hold off on X", "wait on X", "don't start X yet") change
  nothing now: the machine and the deferred action are listed in ``pending``.
* A request without a verb ("suction please", "ventilator stat", "lights now") is ON.
* A modal request ("can we get the lights on", "could you turn off the suction", "can we
  get the lights?") is a command, slightly less confident. A clause that opens as a
  question ("is the suction on?", "should we ...", "what ...") or ends in "?" otherwise
  gives no toggle and sets ``question``; so does reported speech ("he said to start X").
  A machine mentioned without an action ("the ventilator alarm is beeping") or a state
  report ("the lights are on") gives nothing.
* One verb for a list ("start the suction and irrigation", "A, B and C on").
* "Everything" ("turn everything off", "all machines to standby") names every machine but
  the monitor, anaesthesia machine, ventilator, chest drain and infusion pump (named on their
  own or not at all); "except / apart from X" leaves X out.
* A sequence ("first the pump, then the laser, on", "pump on, then the laser"): every step
  gets the action, now, temporal ``none`` (the order is not a condition).
* "camera in" / "scope in" (the clause's last word) is ON for an imaging machine; "the scope
  is in" is a report, "once the scope is in" a condition, "pump in" / "chest tube in" nothing.
* A correction ("turn on the suction, no, the irrigation", "... I mean ...") replaces the
  command before it: only the second machine is toggled. A correction that only leaves the
  same machines as they were ("lights off, no wait, leave the lights on") takes the command
  back: nothing changes.
* Temporal qualifiers give every toggle of their sentence a category (``immediately``,
  ``after``, ``before``, ``during``, ``when``, ``in_time``, else ``none``) and their words
  (``temporal_text``); a deferral in time ("after ...", "in 5 minutes") still toggles (the
  display shows the instruction) at lower confidence, and machines inside the qualifier
  ("after the c-arm is off") are not toggled.
* Each toggle carries ``evidence``: the words of the utterance that caused it.
* Within one utterance the last action said for a machine wins.
* With ``phase_filter`` and a ``phase``, toggles for machines whose ``phases`` exclude that
  phase are dropped (listed in ``filtered``): a guard against mishearing, for rooms that
  want it.
* Debounce: with times ``t``, the same machine+action within ``debounce_s`` of the last one
  *kept* is dropped and listed in ``debounced``.

An instance holds the debounce memory: use one per transcript stream, from one thread.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Literal, cast

from core.orstate import rule_words as W
from core.orstate.rule_text import (
    drop_stutters,
    one_edit,
    participle,
    phrase_key,
    progressive,
    text_tokens,
    tokenize,
)
from core.orstate.rule_time import TimeSpan, split_times
from core.orstate.rule_time import Tok as _Tok
from core.orstate.surgeries import Surgery, load_surgeries

Action = W.Action
Temporal = W.Temporal
MatchType = Literal["trigger", "alias", "name"]
TEMPORALS: tuple[Temporal, ...] = (
    "immediately",
    "after",
    "before",
    "during",
    "when",
    "in_time",
    "none",
)

_BASE_CONFIDENCE: dict[MatchType, float] = {"trigger": 0.95, "name": 0.9, "alias": 0.9}
_SENTENCE = re.compile(r"[^.!?;\n]+[.!?;]*")
_TAKE_BACK = frozenset({"no", "no wait", "scratch that", "actually no", "no sorry"})
_MODAL_SUBJECTS = frozenset({"we", "you", "i", "someone", "somebody", "u", "ya", "y'all"})


@dataclass(frozen=True)
class Toggle:
    machine_id: str
    name: str
    action: Action
    confidence: float
    match_type: MatchType
    trigger: str
    temporal: Temporal = "none"
    temporal_text: str = ""
    evidence: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "machine_id": self.machine_id,
            "name": self.name,
            "action": self.action,
            "confidence": self.confidence,
            "match_type": self.match_type,
            "trigger": self.trigger,
            "temporal": self.temporal,
            "temporal_text": self.temporal_text,
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class ParseResult:
    text: str
    toggles: tuple[Toggle, ...]
    temporal: Temporal
    temporal_text: str | None
    negated: bool
    question: bool
    debounced: tuple[str, ...]
    filtered: tuple[str, ...] = ()
    # Deferred commands ("not yet the laser"): no change now, the action that waits.
    pending: tuple[Toggle, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "toggles": [t.to_json() for t in self.toggles],
            "pending": [t.to_json() for t in self.pending],
            "temporal": self.temporal,
            "temporal_text": self.temporal_text,
            "negated": self.negated,
        }


# An event: (kind, phrase, payload, start, end). Kinds: M machine, O a machine's own
# command phrase, V verb, P particle, N negation, X refusal, D deferral, Y "yet",
# K correction, S reporting verb, F filler, C copula, B clause break, R pronoun, A and/or,
# Z another room's machine.
_Event = tuple[str, str, Any, int, int]
_Lex = tuple[str, Any]


@dataclass
class _Ref:
    machine_id: str
    match_type: MatchType
    phrase: str
    start: int
    end: int
    pronoun: bool = False  # or a near miss: less sure either way


# A verb: action, strength, phrase, start, end.
_Verb = tuple[Action | None, str, str, int, int]


@dataclass
class _Clause:
    """Per-clause parsing state."""

    verb: _Verb | None = None
    verb_neg: bool = False
    neg: bool = False
    neg_span: tuple[int, int] | None = None
    defer_span: tuple[int, int] | None = None
    refuse: bool = False
    defer: bool = False
    copula: bool = False
    pending: list[_Ref] = field(default_factory=list)
    after_verb: bool = False  # a machine followed the last strong verb
    before_verb: list[_Ref] = field(default_factory=list)
    has_neg: bool = False
    has_machine: bool = False
    acted: bool = False
    exclude: bool = False  # "except": the machines that follow are left out
    particle: tuple[_Verb, bool] | None = None  # an action said after its machines
    taken_back: frozenset[str] = frozenset()  # machines whose command a correction replaced
    keep: bool = False  # a verb that leaves machines as they are ("leave the lights on")


@dataclass
class _Sentence:
    """What a clause needs to know of its sentence."""

    text: str
    when: Temporal
    when_text: str
    penalty: float
    request: bool
    until: bool = False  # a time span that opens with "until"


@functools.cache
def _builtin_machines() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The machines of every built-in room: (name, the phrases that name it)."""
    rooms = {id(s): s for s in load_surgeries().surgeries.values()}.values()
    return tuple(
        (m.name, (m.name, *m.aliases, *m.triggers)) for s in rooms for m in s.machines.values()
    )


class UtteranceRules:
    """The rule engine for one surgery; see the module docstring for the decisions."""

    def __init__(
        self,
        surgery: Surgery,
        *,
        debounce_s: float = 3.0,
        phase_filter: bool = False,
        foreign: Iterable[tuple[str, tuple[str, ...]]] | None = None,
    ) -> None:
        self.surgery = surgery
        self.debounce_s = debounce_s
        self.phase_filter = phase_filter
        self._last: dict[tuple[str, str], float] = {}
        self._lex: dict[tuple[str, ...], _Lex] = {}
        self._add_words()
        for mid, m in surgery.machines.items():
            for mtype, phrases in (
                ("name", (m.name,)),
                ("alias", m.aliases),
                ("trigger", m.triggers),
            ):
                for phrase in phrases:
                    key = phrase_key(phrase)
                    # "the pumps": a plural names the machine too.
                    for k in (key, (*key[:-1], key[-1] + "s")) if key else ():
                        if k not in self._lex or self._lex[k][0] not in "MO":
                            self._lex[k] = ("M", (mid, mtype))
            for action, phrases in m.commands.items():
                for phrase in phrases:
                    if key := phrase_key(phrase):
                        self._lex[key] = ("O", (mid, action))
        # Machines of other rooms ("infusion pump" in PCNL, whose "pump" is the irrigation
        # pump): their names of two words or more name no machine here.
        own = {m.name.lower() for m in surgery.machines.values()}
        for name, phrases in _builtin_machines() if foreign is None else foreign:
            for key in map(phrase_key, phrases):
                if name.lower() not in own and len(key) >= 2 and key not in self._lex:
                    self._lex[key] = ("Z", name)
        self._maxlen = max(len(k) for k in self._lex)
        # Long one-word machine names, for a misspelt or misheard word ("insufflater").
        self._long = {
            k[0]: v[1]
            for k, v in self._lex.items()
            if v[0] == "M" and len(k) == 1 and len(k[0]) >= 7
        }

    def _near(self, word: str) -> tuple[str, MatchType] | None:
        """The machine whose long one-word name is one edit from ``word``, if just one is."""
        if len(word) < 7 or not word.isalpha():
            return None
        hits = {
            v for k, v in self._long.items() if abs(len(k) - len(word)) <= 1 and one_edit(k, word)
        }
        return hits.pop() if len({m for m, _ in hits}) == 1 else None

    def _add_words(self) -> None:
        def put(words: Iterable[str], kind: str, payload: Any = None) -> None:
            for w in words:
                if key := phrase_key(w):
                    self._lex[key] = (kind, payload)

        put(W.FILLERS, "F")
        put(W.COPULAS, "C")
        put(W.CLAUSE_BREAKS, "B")
        put(W.PRONOUNS, "R")
        put(("and", "or", "plus", "as well as"), "A")
        put(W.NEUTRAL_VERBS, "V", (None, "neutral"))
        put(W.PARTICLES, "P")
        verbs: dict[str, tuple[Action | None, str]] = dict(W.ACTION_VERBS)
        for action, phrases in self.surgery.verbs.items():
            verbs.update({p: (cast(Action, action), "strong") for p in phrases})
        for verb, spec in verbs.items():
            put((verb,), "V", spec)
        # "starting the laser", "turning the lights off": progressives command too, and
        # so do participles after the machine ("I need the laser switched on").
        for verb, spec in [*verbs.items(), *((v, (None, "neutral")) for v in W.NEUTRAL_VERBS)]:
            forms = [progressive(verb)] + ([participle(verb)] if spec[1] != "weak" else [])
            for key in map(phrase_key, forms):
                if key not in self._lex:
                    self._lex[key] = ("V", spec)
        for particle, pspec in W.PARTICLES.items():
            key = phrase_key(particle)
            old = self._lex.get(key)
            # "standby" is both a verb and a particle.
            self._lex[key] = ("P", (pspec, old[1] if old and old[0] == "V" else None))
        put(W.REPORTING, "S")
        put(W.OTHERS, "T")
        put(W.NEGATIONS, "N")
        put(W.REFUSALS, "X")
        put(W.DEFERRALS, "D")
        put(W.CORRECTIONS, "K")
        put(("yet",), "Y")
        put(W.EVERYTHING, "G", tuple(_everything(self.surgery)))
        put(W.EXCEPTIONS, "E")

    # -- public -------------------------------------------------------------------------

    def parse(self, text: str, *, t: float | None = None, phase: str | None = None) -> ParseResult:
        """Toggles said in ``text``; ``t`` (seconds) enables debounce, ``phase`` the filter."""
        found: dict[str, tuple[Toggle, bool]] = {}  # machine -> (toggle, pending)
        spans: list[tuple[Temporal, int, int]] = []
        negated = question = False
        last: list[_Ref] = []
        last_ids: list[str] = []  # machines of the last clause that commanded
        said: tuple[_Verb | None, bool] | None = None  # the last strong verb, and negated
        correcting = cancel = False
        for match in _SENTENCE.finditer(text):
            raw = drop_stutters(text_tokens(match.group(), match.start()))
            # "the argon er beam": a hesitation inside a name does not break it
            tokens = drop_stutters([tok for tok in raw if tok[0] not in W.HESITATIONS])
            if not tokens:
                continue
            hesitant = len(tokens) < len(raw)
            is_q = match.group().rstrip().endswith("?")
            tokens, times = self._temporal(tokens)
            spans.extend(times)
            when: Temporal = times[0][0] if times else "none"
            deferred = any(c not in ("during", "immediately") for c, _, _ in times)
            events = self._events([tok for tok in tokens if tok[0] not in W.ARTICLES])
            if any(e[0] == "S" for e in events):
                continue  # reported speech
            if self._hypothetical(text, times, events):
                continue  # "if the pressure drops we'll start the pump": a plan
            words = {tok[0] for tok in tokens}
            # "Suction!" said alone, without an article, is a call for it.
            call = len(tokens) == len(events) == 1 and events[0][0] == "M"
            disfluent = hesitant or any(k == "F" and p in W.DISFLUENCIES for k, p, *_ in events)
            asked = any(k == "F" and p in W.REQUEST_MARKERS for k, p, *_ in events)
            request = asked or "please" in words or when == "immediately" or call
            until = any(text[a:b].lower().startswith(("until", "till")) for _, a, b in times)
            sentence = _Sentence(
                text=text,
                when=when,
                when_text="; ".join(text[a:b] for _, a, b in times),
                penalty=0.05 * disfluent + 0.1 * deferred,
                request=request,
                until=until,
            )
            carry: list[_Ref] = []
            inherit: tuple[_Verb | None, bool] | None = None
            opened = _clauses([e for e in events if e[0] != "F"])
            clauses = [clause for _, clause in opened]
            lead: list[_Event] = []
            for number, (opener, clause) in enumerate(opened):
                if any(e[0] == "T" for e in clause):
                    continue  # someone else's doing, another room
                clause, lead = lead + clause, []
                if {e[0] for e in clause} <= {"D", "N"} and number < len(clauses) - 1:
                    lead = clause  # "not now, the laser": it is about what follows
                    continue
                head = clause[0]
                if head[0] == "K" or (head[0] == "X" and head[1] == "no" and found):
                    correcting, clause = True, clause[1:]
                    # "start the laser. no." takes it back; "..., sorry." does not
                    cancel = head[1] in _TAKE_BACK
                    if not clause:
                        continue
                kinds = [e[0] for e in clause]
                if correcting and last and not set(kinds) & set("MROG") and set(kinds) & set("PV"):
                    # "laser on. no wait, off": the correction's action, for the same machine
                    clause = [("R", "", None, clause[0][3], clause[0][3]), *clause]
                polite = False
                if clause and clause[0][0] == "V" and clause[0][1].split()[0] in W.MODAL_REQUEST:
                    polite = True  # "can I have the scope?"
                elif clause and clause[0][1] in W.MODAL_REQUEST:
                    polite = True
                    clause = clause[1:]
                    asker = clause[0][1] if clause and clause[0][1] in _MODAL_SUBJECTS else ""
                    clause = clause[1:] if asker else clause
                    offer = asker == "i" and clause and clause[0][0] == "V"
                    if is_q and offer and clause[0][2][1] == "strong":
                        question = True  # "shall I start the pump?": an offer
                        continue
                elif is_q or (clause and _opens_question(clause)):
                    question = True
                    continue
                bare = set(kinds) <= {"M", "A"} and "M" in kinds
                # A bare request is said at the end: "lights, uh, off please" is OFF.
                sentence.request = request and (number == len(clauses) - 1 or not bare)
                # "turn off the c-arm, the lights, and the suction": a bare list continues.
                st = _Clause(pending=list(carry), has_machine=bool(carry))
                go_on = correcting or kinds[0] == "A" or opener in W.SEQUENCE_BREAKS
                if bare and not inherit and said and go_on:
                    # "start the pump. and the suction"; "... no, the pump"; "pump on, then
                    # the laser"
                    inherit = said
                if bare and inherit:
                    (st.verb, st.verb_neg), carry = inherit, []
                    st.pending = []
                toggles, waiting = self._clause(st, clause, last, sentence, 0.05 * polite)
                if st.verb and st.verb[1] == "strong":
                    inherit = said = (st.verb, st.verb_neg)
                elif st.particle:
                    said = st.particle
                elif not (correcting and bare):
                    inherit = None
                negated = negated or (st.has_neg and st.has_machine)
                made = [(tog, False) for tog in toggles] + [(tog, True) for tog in waiting]
                if correcting and made and _keeps(clause, made, last_ids):
                    # "lights off, no wait, leave the lights on": the command is taken back
                    for mid in last_ids:
                        found.pop(mid, None)
                    correcting, made = False, []
                if correcting and made:
                    for mid in last_ids:
                        found.pop(mid, None)
                    correcting = False
                for tog, is_pending in made:
                    found.pop(tog.machine_id, None)
                    found[tog.machine_id] = (tog, is_pending)
                if made:
                    last_ids = [tog.machine_id for tog, _ in made]
                carry = list(st.pending) if bare and not st.acted else []
        if correcting and cancel:
            for mid in last_ids:
                found.pop(mid, None)
        return self._finish(text, found, spans, negated, question, t, phase)

    # -- stages -------------------------------------------------------------------------

    def _temporal(self, tokens: list[_Tok]) -> tuple[list[_Tok], list[TimeSpan]]:
        """Remove temporal qualifiers from ``tokens``: the rest, and each qualifier's
        category and offsets (a qualifier runs to the next imperative verb)."""

        def is_verb(phrase: tuple[str, ...]) -> bool:
            hit = self._lex.get(phrase)
            return hit is not None and hit[0] == "V"

        return split_times(tokens, is_verb)

    @staticmethod
    def _hypothetical(text: str, times: list[TimeSpan], events: list[_Event]) -> bool:
        """Whether a sentence is a plan for a case that may come: an "if" condition and a
        future subject ("if it bleeds we'll start the suction"); an imperative is not."""
        opens_if = any(text[a:b].lower().split()[:1] == ["if"] for _, a, b in times)
        said = " " + " ".join(e[1] for e in events) + " "
        return opens_if and any(f" {subject} " in said for subject in W.PLAN_SUBJECTS)

    def _events(self, tokens: list[_Tok]) -> list[_Event]:
        events: list[_Event] = []
        words = [tok[0] for tok in tokens]
        i, n = 0, len(words)
        while i < n:
            if words[i] == ",":
                events.append(("B", ",", None, tokens[i][1], tokens[i][2]))
                i += 1
                continue
            for size in range(min(self._maxlen, n - i), 0, -1):
                hit = self._lex.get(tuple(words[i : i + size]))
                if hit:
                    phrase = " ".join(words[i : i + size])
                    events.append((hit[0], phrase, hit[1], tokens[i][1], tokens[i + size - 1][2]))
                    i += size
                    break
            else:
                near = self._near(words[i])
                kind, payload = ("M", (*near, True)) if near else ("U", None)
                events.append((kind, words[i], payload, tokens[i][1], tokens[i][2]))
                i += 1
        return events

    def _clause(
        self,
        st: _Clause,
        clause: list[_Event],
        last: list[_Ref],
        sentence: _Sentence,
        polite: float,
    ) -> tuple[list[Toggle], list[Toggle]]:
        """The toggles of one clause, and the commands it defers."""
        out: list[tuple[Toggle, Action]] = []
        prev = ""

        def emit(
            refs: Iterable[_Ref],
            action: Action | None,
            strength: str,
            neg: bool,
            *causes: tuple[int, int] | None,
        ) -> None:
            raw = action
            if neg:
                action = _negate(action)
            if action is None or raw is None:
                return
            for ref in refs:
                conf = _BASE_CONFIDENCE[ref.match_type] - sentence.penalty - polite
                conf -= 0.2 * (strength == "weak") + 0.05 * (strength == "particle")
                conf -= 0.1 * neg + 0.1 * ref.pronoun + 0.1 * (strength == "bare")
                marks = [(ref.start, ref.end), *(c for c in causes if c is not None)]
                if neg and st.neg_span:
                    marks.append(st.neg_span)
                evidence = sentence.text[min(a for a, _ in marks) : max(b for _, b in marks)]
                m = self.surgery.machines[ref.machine_id]
                tog = Toggle(
                    ref.machine_id,
                    m.name,
                    action,
                    round(min(1.0, max(0.05, conf)), 2),
                    ref.match_type,
                    ref.phrase,
                    sentence.when,
                    sentence.when_text,
                    evidence,
                )
                out.append((tog, raw))
            st.acted = True

        def verb_span() -> tuple[int, int] | None:
            return (st.verb[3], st.verb[4]) if st.verb else None

        for kind, phrase, payload, start, end in clause:
            if kind == "K" or (kind == "X" and phrase == "no" and out):
                # "turn on the suction no the irrigation": the later machine replaces it.
                st.taken_back = frozenset(tog.machine_id for tog, _ in out)
                out.clear()
                st.neg = st.refuse = False
                st.after_verb = False
            elif kind in ("N", "X"):
                st.neg = st.has_neg = True
                st.neg_span = (start, end)
                st.refuse = st.refuse or kind == "X"
            elif kind == "U" and prev in ("X", "N"):
                st.refuse = False  # "no problem with the c-arm": the refusal is of something else
            elif (
                kind == "U"
                and prev == "M"
                and st.pending
                and phrase not in W.MODAL_REQUEST
                and phrase not in W.NAME_HEADS
            ):
                st.pending.pop()  # "laser fibre please": a thing of the machine, not it
            elif kind == "D":
                st.defer = st.has_neg = True
                st.defer_span = (start, end)
            elif kind == "Y":
                st.defer = st.defer or st.has_neg
            elif kind == "C":
                st.copula = True
            elif kind == "O":
                st.has_machine = True
                ref = _Ref(payload[0], "trigger", phrase, start, end)
                emit([ref], payload[1], "strong", st.neg)
            elif kind == "E":
                st.exclude = True
            elif kind == "Z":
                st.has_machine = True  # another room's machine: not toggled here
            elif kind in ("M", "R", "G"):
                if kind == "M":
                    refs = [_Ref(payload[0], payload[1], phrase, start, end, len(payload) > 2)]
                elif kind == "G":  # "everything": each machine it covers
                    refs = [_Ref(mid, "alias", phrase, start, end) for mid in payload]
                else:
                    refs = [
                        _Ref(r.machine_id, r.match_type, r.phrase, start, end, True) for r in last
                    ]
                if not refs:
                    continue
                if st.exclude:  # "everything off except the lights": not the lights
                    ids = {r.machine_id for r in refs}
                    out[:] = [o for o in out if o[0].machine_id not in ids]
                    st.pending = [r for r in st.pending if r.machine_id not in ids]
                    st.before_verb = [r for r in st.before_verb if r.machine_id not in ids]
                    continue
                st.has_machine = True
                last[:] = [r for r in refs]
                if st.verb and st.verb[1] == "strong":
                    emit(refs, st.verb[0], "strong", st.verb_neg, verb_span())
                    st.after_verb = True
                else:
                    st.pending.extend(refs)
            elif kind == "P" and (st.pending or st.verb is None or st.verb[1] != "strong"):
                (action, needs_verb), as_verb = payload
                if prev == "C":
                    st.pending.clear()
                elif st.pending and (
                    not needs_verb
                    or (st.verb and st.verb[1] != "strong")
                    or (
                        # "camera in": an imaging machine put in is ON (the README's table)
                        phrase == "in"
                        and st.verb is None
                        and end == clause[-1][4]
                        and all(
                            self.surgery.machines[r.machine_id].category in W.IN_MEANS_ON
                            for r in st.pending
                        )
                    )
                ):
                    strength = "strong" if st.verb and st.verb[1] != "weak" else "particle"
                    emit(
                        st.pending,
                        action,
                        strength,
                        st.neg or st.verb_neg,
                        verb_span(),
                        (start, end),
                    )
                    st.pending.clear()
                    st.particle = ((action, "strong", phrase, start, end), st.neg or st.verb_neg)
                elif as_verb is not None or (st.verb and st.verb[1] == "neutral"):
                    st.verb = (action, "strong", phrase, st.verb[3] if st.verb else start, end)
                    st.verb_neg = st.neg or st.verb_neg
                    st.neg, st.after_verb = False, False
                    st.before_verb = list(st.pending)
            elif kind == "V" or (kind == "P" and payload[1] is not None):
                action, strength = payload if kind == "V" else payload[1]
                if phrase in W.NEGATIVE_VERBS:
                    st.has_neg = True
                st.keep = st.keep or phrase in W.KEEP_VERBS
                st.verb, st.verb_neg, st.neg = (action, strength, phrase, start, end), st.neg, False
                st.after_verb = False
                st.before_verb = list(st.pending)
                if strength == "strong":
                    st.pending.clear()
            prev = kind
        if st.verb and st.verb[1] == "strong" and not st.after_verb and st.before_verb:
            emit(st.before_verb, st.verb[0], "strong", st.verb_neg, verb_span())
        elif st.verb and st.verb[1] == "weak" and st.pending:
            emit(st.pending, st.verb[0], "weak", st.verb_neg, verb_span())
        elif st.pending and not st.acted and not st.copula and (st.verb is None or st.defer):
            if st.defer:
                emit(st.pending, "ON", "bare", False, st.defer_span or st.neg_span)
            elif st.refuse:
                emit(st.pending, "ON", "bare", True)  # "cancel the ventilator": OFF
            elif sentence.request and not st.neg:
                emit(st.pending, "ON", "bare", False)  # "suction please", "vent stat"
        if st.keep and out and {tog.machine_id for tog, _ in out} <= st.taken_back:
            out.clear()  # "lights off no wait leave the lights on": taken back
        if sentence.until and st.has_neg:
            st.defer = True  # "don't start the pump until the sheath is in": it waits
        # "leave the argon off until I ask": it waits to go on
        held_off = sentence.until and st.keep and bool(out)
        held_off = held_off and all(tog.action == "OFF" for tog, _ in out)
        if held_off:
            st.defer = True
            out[:] = [(tog, "ON") for tog, _ in out]
        if st.defer:  # nothing changes now; the deferred action waits
            # "wait on the pump until the sheath is in": when the sheath is in.
            when: Temporal = "when" if sentence.until else sentence.when
            return [], [replace(tog, action=raw, temporal=when) for tog, raw in out]
        return [tog for tog, _ in out], []

    def _finish(
        self,
        text: str,
        found: dict[str, tuple[Toggle, bool]],
        spans: list[tuple[Temporal, int, int]],
        negated: bool,
        question: bool,
        t: float | None,
        phase: str | None,
    ) -> ParseResult:
        kept: list[Toggle] = []
        debounced: list[str] = []
        filtered: list[str] = []
        texts = list(
            dict.fromkeys(tog.temporal_text for tog, _ in found.values() if tog.temporal_text)
        )
        for tog, is_pending in found.values():
            if is_pending:
                continue
            m = self.surgery.machines[tog.machine_id]
            if self.phase_filter and phase is not None and phase not in m.phases:
                filtered.append(tog.machine_id)
                continue
            if t is not None:
                key = (tog.machine_id, tog.action)
                prev = self._last.get(key)
                if prev is not None and 0 <= t - prev < self.debounce_s:
                    debounced.append(tog.machine_id)
                    continue
                self._last[key] = t
            kept.append(tog)
        return ParseResult(
            text=text,
            toggles=tuple(kept),
            temporal=next((tog.temporal for tog, _ in found.values()), "none"),
            temporal_text="; ".join(texts) or None,
            negated=negated,
            question=question,
            debounced=tuple(debounced),
            filtered=tuple(filtered),
            pending=tuple(tog for tog, is_pending in found.values() if is_pending),
        )


def _everything(surgery: Surgery) -> list[str]:
    """The machines "everything" names: all but those kept for the patient's life."""
    return [
        mid
        for mid, m in surgery.machines.items()
        if m.category not in W.KEPT_CATEGORIES and not set(tokenize(m.name)) & W.KEPT_NAME_WORDS
    ]


def _keeps(clause: list[_Event], made: list[tuple[Toggle, bool]], last_ids: list[str]) -> bool:
    """Whether a correction only says to leave the same machines as they were."""
    keeps = any(e[0] == "V" and e[1] in W.KEEP_VERBS for e in clause)
    return keeps and {tog.machine_id for tog, _ in made} <= set(last_ids)


def _negate(action: Action | None) -> Action | None:
    """A refused ON is OFF ("don't start the suction"); a refused OFF or STANDBY is ON."""
    if action is None:
        return None
    return "OFF" if action == "ON" else "ON"


def _clauses(events: list[_Event]) -> list[tuple[str, list[_Event]]]:
    """The clauses between breaks, each with the break word that opened it ("then", ",")."""
    out: list[tuple[str, list[_Event]]] = [("", [])]
    for ev in events:
        if ev[0] != "B":
            out[-1][1].append(ev)
        elif out[-1][1]:
            out.append((ev[1], []))
        elif ev[1] != ",":  # "then, the laser": the word opens it, not the comma
            out[-1] = (ev[1], [])
    return [c for c in out if c[1]]


def _opens_question(clause: list[_Event]) -> bool:
    first = clause[0][1]
    if first not in W.QUESTION_OPENERS:
        return False
    if first == "do" and len(clause) > 1 and clause[1][0] in "NX":
        return False
    return not (first in ("is", "are") and clause[0][0] == "N")
