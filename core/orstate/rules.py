"""Deterministic machine toggles from one transcript utterance.

``UtteranceRules(surgery).parse(text)`` finds the machines named in the text (name, alias
or trigger phrase, whole words, longest match, case-insensitive) and the action said for
them (verb before: "turn on the suction"; particle after: "suction on"). Decisions:

* Negation ("don't", "not yet", "hold off", "cancel", "skip", ...) before an ON verb
  suppresses the toggle; before an OFF or STANDBY verb it means ON ("don't stop the
  suction"). "don't need" / "no need for" the X means OFF. ``negated`` is True when a
  negation cue shares a clause with a machine.
* A modal request ("can we get the lights on", "could you turn off the suction", "can we
  get the lights?") is a command, slightly less confident. A clause that opens as a question
  ("is the suction on?", "should we ...", "what ...") or ends in "?" otherwise gives no toggle
  and sets ``question``. A machine mentioned without an action ("the ventilator alarm is
  beeping") or a state report ("the lights are on") gives nothing.
* Temporal qualifiers are captured in ``temporal``; a deferral ("after ...", "in 5 minutes")
  still toggles (the display shows the instruction) at lower confidence, and machines inside
  the qualifier ("after the c-arm is off") are not toggled.
* Within one utterance the last action said for a machine wins.
* With ``phase_filter`` and a ``phase``, toggles for machines whose ``phases`` exclude that
  phase are dropped (listed in ``filtered``): a guard against mishearing, for rooms that
  want it.
* Debounce: with times ``t``, the same machine+action within ``debounce_s`` of the last one
  *kept* is dropped and listed in ``debounced``.

An instance holds the debounce memory: use one per transcript stream, from one thread.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from core.orstate import rule_words as W
from core.orstate.surgeries import Surgery

Action = W.Action
MatchType = Literal["trigger", "alias", "name"]

_BASE_CONFIDENCE: dict[MatchType, float] = {"trigger": 0.95, "name": 0.9, "alias": 0.9}
_SENTENCE = re.compile(r"[^.!?;\n]+[.!?;]*")
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|,")
_MODAL_SUBJECTS = frozenset({"we", "you", "i", "someone", "somebody", "u", "ya", "y'all"})


@dataclass(frozen=True)
class Toggle:
    machine_id: str
    name: str
    action: Action
    confidence: float
    match_type: MatchType
    trigger: str


@dataclass(frozen=True)
class ParseResult:
    text: str
    toggles: tuple[Toggle, ...]
    temporal: str | None
    negated: bool
    question: bool
    debounced: tuple[str, ...]
    filtered: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "toggles": [
                {
                    "machine_id": t.machine_id,
                    "name": t.name,
                    "action": t.action,
                    "confidence": t.confidence,
                    "match_type": t.match_type,
                    "trigger": t.trigger,
                }
                for t in self.toggles
            ],
            "temporal": self.temporal,
            "negated": self.negated,
        }


# An event: (kind, phrase, payload). Kinds: M machine, V verb, P particle, N negation,
# F filler, C copula, B clause break, R pronoun, A and/or.
_Lex = tuple[str, Any]


@dataclass
class _Ref:
    machine_id: str
    match_type: MatchType
    phrase: str
    pronoun: bool = False


@dataclass
class _Clause:
    """Per-clause parsing state."""

    verb: tuple[Action | None, str, str] | None = None  # action, strength, phrase
    verb_neg: bool = False
    neg: bool = False
    pending: list[_Ref] = field(default_factory=list)
    after_verb: bool = False  # a machine followed the last strong verb
    before_verb: list[_Ref] = field(default_factory=list)
    has_neg: bool = False
    has_machine: bool = False
    acted: bool = False


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens (hyphens split words); commas kept as clause breaks."""
    return _TOKEN.findall(text.lower().replace("’", "'").replace("‘", "'"))


class UtteranceRules:
    """The rule engine for one surgery; see the module docstring for the decisions."""

    def __init__(
        self, surgery: Surgery, *, debounce_s: float = 3.0, phase_filter: bool = False
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
                    key = tuple(tokenize(phrase))
                    if key and (key not in self._lex or self._lex[key][0] != "M"):
                        self._lex[key] = ("M", (mid, mtype))
        self._maxlen = max(len(k) for k in self._lex)

    def _add_words(self) -> None:
        def put(words: Iterable[str], kind: str, payload: Any = None) -> None:
            for w in words:
                self._lex[tuple(tokenize(w))] = (kind, payload)

        put(W.FILLERS, "F")
        put(W.COPULAS, "C")
        put(W.CLAUSE_BREAKS, "B")
        put(W.PRONOUNS, "R")
        put(("and", "or", "plus", "as well as"), "A")
        put(W.NEUTRAL_VERBS, "V", (None, "neutral"))
        put(W.PARTICLES, "P")
        for verb, (action, strength) in W.ACTION_VERBS.items():
            self._lex[tuple(tokenize(verb))] = ("V", (action, strength))
        for particle, spec in W.PARTICLES.items():
            key = tuple(tokenize(particle))
            old = self._lex.get(key)
            # "standby" is both a verb and a particle.
            self._lex[key] = ("P", (spec, old[1] if old and old[0] == "V" else None))
        put(W.NEGATIONS, "N")

    # -- public -------------------------------------------------------------------------

    def parse(self, text: str, *, t: float | None = None, phase: str | None = None) -> ParseResult:
        """Toggles said in ``text``; ``t`` (seconds) enables debounce, ``phase`` the filter."""
        found: dict[str, Toggle] = {}
        temporal: list[str] = []
        negated = question = False
        last: list[_Ref] = []
        for sentence in _SENTENCE.findall(text):
            tokens = _dedupe(tokenize(sentence))
            if not tokens:
                continue
            is_q = sentence.rstrip().endswith("?")
            tokens, deferred = self._temporal(tokens, temporal)
            events = self._events(tokens)
            disfluent = any(k == "F" and p in W.DISFLUENCIES for k, p, _ in events)
            carry: list[_Ref] = []
            inherit: tuple[tuple[Action | None, str, str], bool] | None = None
            for clause in _clauses([e for e in events if e[0] != "F"]):
                kinds = [e[0] for e in clause]
                polite = False
                if clause and clause[0][1] in W.MODAL_REQUEST:
                    polite = True
                    clause = clause[1:]
                    if clause and clause[0][1] in _MODAL_SUBJECTS:
                        clause = clause[1:]
                elif is_q or (clause and _opens_question(clause)):
                    question = True
                    continue
                penalty = 0.05 * polite + 0.05 * disfluent + 0.1 * deferred
                bare = set(kinds) <= {"M", "A"} and "M" in kinds
                # "turn off the c-arm, the lights, and the suction": a bare list continues.
                st = _Clause(pending=list(carry), has_machine=bool(carry))
                if bare and inherit:
                    (st.verb, st.verb_neg), carry = inherit, []
                    st.pending = []
                toggles = self._clause(st, clause, last, penalty)
                inherit = (st.verb, st.verb_neg) if st.verb and st.verb[1] == "strong" else None
                negated = negated or (st.has_neg and st.has_machine)
                for tog in toggles:
                    found.pop(tog.machine_id, None)
                    found[tog.machine_id] = tog
                carry = list(st.pending) if bare else []
        return self._finish(text, found, temporal, negated, question, t, phase)

    # -- stages -------------------------------------------------------------------------

    def _temporal(self, tokens: list[str], out: list[str]) -> tuple[list[str], bool]:
        """Remove temporal qualifiers from ``tokens``, appending them to ``out``."""
        kept: list[str] = []
        deferred = False
        i, n = 0, len(tokens)
        while i < n:
            j = _match(tokens, i, W.IMMEDIATE, 3) or 0
            if j:
                out.append(" ".join(tokens[i:j]))
                i = j
                continue
            j = _match(tokens, i, W.DEFERRAL_WORDS, 4) or 0
            if not j and tokens[i] == "in" and i + 2 < n + 1:
                k = i + 1
                while k < n and (
                    tokens[k] in W.NUMBER_WORDS
                    or tokens[k].isdigit()
                    or tokens[k] in ("more", "of")
                ):
                    k += 1
                if k > i + 1 and k < n and tokens[k] in W.TIME_UNITS:
                    j = k + 1
            if not j and (k2 := _match(tokens, i, W.DEFERRAL_OPENERS, 3)):
                j = k2 + 1
                while j < n and tokens[j] != ",":
                    hit = self._lex.get((tokens[j],)) or self._lex.get(tuple(tokens[j : j + 2]))
                    if hit and hit[0] == "V" and tokens[j - 1] not in W.SUBJECTS and j > k2 + 1:
                        break
                    j += 1
            if j:
                out.append(" ".join(tokens[i:j]))
                deferred = deferred or tokens[i] not in ("during", "while")
                i = j
                continue
            kept.append(tokens[i])
            i += 1
        return kept, deferred

    def _events(self, tokens: list[str]) -> list[tuple[str, str, Any]]:
        events: list[tuple[str, str, Any]] = []
        i, n = 0, len(tokens)
        while i < n:
            if tokens[i] == ",":
                events.append(("B", ",", None))
                i += 1
                continue
            for size in range(min(self._maxlen, n - i), 0, -1):
                hit = self._lex.get(tuple(tokens[i : i + size]))
                if hit:
                    events.append((hit[0], " ".join(tokens[i : i + size]), hit[1]))
                    i += size
                    break
            else:
                events.append(("U", tokens[i], None))
                i += 1
        return events

    def _clause(
        self, st: _Clause, clause: list[tuple[str, str, Any]], last: list[_Ref], penalty: float
    ) -> list[Toggle]:
        out: list[Toggle] = []
        prev = ""

        def emit(
            refs: Iterable[_Ref], action: Action | None, strength: str, neg: bool, verb: str
        ) -> None:
            if neg:
                action = _negate(action, verb)
                strength = "weak" if verb in W.NEED_VERBS else strength
            if action is None:
                return
            for ref in refs:
                conf = _BASE_CONFIDENCE[ref.match_type] - penalty
                conf -= 0.2 * (strength == "weak") + 0.05 * (strength == "particle")
                conf -= 0.1 * neg + 0.1 * ref.pronoun
                m = self.surgery.machines[ref.machine_id]
                out.append(
                    Toggle(
                        ref.machine_id,
                        m.name,
                        action,
                        round(min(1.0, max(0.05, conf)), 2),
                        ref.match_type,
                        ref.phrase,
                    )
                )
            st.acted = True

        for kind, phrase, payload in clause:
            if kind == "N":
                st.neg = st.has_neg = True
            elif kind in ("M", "R"):
                refs = (
                    [_Ref(payload[0], payload[1], phrase)]
                    if kind == "M"
                    else [_Ref(r.machine_id, r.match_type, r.phrase, True) for r in last]
                )
                if not refs:
                    continue
                st.has_machine = True
                last[:] = [r for r in refs]
                if st.verb and st.verb[1] == "strong":
                    emit(refs, st.verb[0], "strong", st.verb_neg, st.verb[2])
                    st.after_verb = True
                else:
                    st.pending.extend(refs)
            elif kind == "P" and (st.pending or st.verb is None or st.verb[1] != "strong"):
                (action, needs_verb), as_verb = payload
                if prev == "C":
                    st.pending.clear()
                elif st.pending and (not needs_verb or (st.verb and st.verb[1] != "strong")):
                    strength = "strong" if st.verb and st.verb[1] != "weak" else "particle"
                    emit(
                        st.pending,
                        action,
                        strength,
                        st.neg or st.verb_neg,
                        st.verb[2] if st.verb else phrase,
                    )
                    st.pending.clear()
                elif as_verb is not None or (st.verb and st.verb[1] == "neutral"):
                    st.verb, st.verb_neg = (action, "strong", phrase), st.neg or st.verb_neg
                    st.neg, st.after_verb = False, False
                    st.before_verb = list(st.pending)
            elif kind == "V" or (kind == "P" and payload[1] is not None):
                action, strength = payload if kind == "V" else payload[1]
                if phrase in W.NEGATIVE_VERBS:
                    st.has_neg = True
                st.verb, st.verb_neg, st.neg = (action, strength, phrase), st.neg, False
                st.after_verb = False
                st.before_verb = list(st.pending)
                if strength == "strong":
                    st.pending.clear()
            prev = kind
        if st.verb and st.verb[1] == "strong" and not st.after_verb and st.before_verb:
            emit(st.before_verb, st.verb[0], "strong", st.verb_neg, st.verb[2])
        elif st.verb and st.verb[1] == "weak" and st.pending:
            emit(st.pending, st.verb[0], "weak", st.verb_neg, st.verb[2])
        return out

    def _finish(
        self,
        text: str,
        found: dict[str, Toggle],
        temporal: list[str],
        negated: bool,
        question: bool,
        t: float | None,
        phase: str | None,
    ) -> ParseResult:
        kept: list[Toggle] = []
        debounced: list[str] = []
        filtered: list[str] = []
        for tog in found.values():
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
            temporal="; ".join(temporal) if temporal else None,
            negated=negated,
            question=question,
            debounced=tuple(debounced),
            filtered=tuple(filtered),
        )


def _negate(action: Action | None, verb: str) -> Action | None:
    if action == "ON":
        return "OFF" if verb in W.NEED_VERBS else None
    return "ON" if action is not None else None


def _dedupe(tokens: list[str]) -> list[str]:
    """Drop ASR stutters: a word repeated right after itself."""
    return [tok for i, tok in enumerate(tokens) if i == 0 or tok != tokens[i - 1]]


def _match(tokens: list[str], i: int, phrases: frozenset[str], maxlen: int) -> int | None:
    """End index of the longest phrase from ``phrases`` starting at ``i``, or None."""
    for size in range(min(maxlen, len(tokens) - i), 0, -1):
        if " ".join(tokens[i : i + size]) in phrases:
            return i + size
    return None


def _clauses(events: list[tuple[str, str, Any]]) -> list[list[tuple[str, str, Any]]]:
    out: list[list[tuple[str, str, Any]]] = [[]]
    for ev in events:
        if ev[0] == "B":
            out.append([])
        else:
            out[-1].append(ev)
    return [c for c in out if c]


def _opens_question(clause: list[tuple[str, str, Any]]) -> bool:
    first = clause[0][1]
    if first not in W.QUESTION_OPENERS:
        return False
    if first == "do" and len(clause) > 1 and clause[1][0] == "N":
        return False
    return not (first in ("is", "are") and clause[0][0] == "N")
