"""Building, repairing, merging and validating OR states (``surgery_state.schema.json``).

Pure functions, no state, safe from any thread. Every builder returns a state that
validates against the schema:

- :func:`normalize_rule_output` turns the rule engine's toggles into a full state
  (``source: "rule"``). Its confidence is the highest toggle confidence, or 1.0 with no
  toggles: the machines' state is then the known state, nothing was guessed.
- :func:`normalize_llm_output` is tolerant of whatever the model produced; it never
  raises, and when nothing usable is found it returns ``previous`` with
  ``reasoning: "degraded"`` and ``source: "rule"``.
- :func:`merge` lets explicit rule toggles win for the machines they touched; the model
  supplies phase, next phase, reasoning, suggestions and the other machines' state. The
  confidence is the mean of both; toggles are the rule's, then the model's for machines
  the rules did not touch. A degraded model state leaves the rule state (marked
  ``reasoning: "degraded"``).

Validation errors name JSON paths and validators, never values (they come from patient
speech).
"""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any

from jsonschema import Draft7Validator

from core.resources import load_schema

SCHEMA_NAME = "surgery_state.schema.json"
STATES = ("ON", "OFF", "STANDBY")
LIST_KEYS = {"1": "ON", "0": "OFF", "standby": "STANDBY"}
MATCH_TYPES = ("trigger", "alias", "name", "llm", "override")
TEMPORALS = ("immediately", "after", "before", "during", "when", "in_time", "none")
DEGRADED = "degraded"
_ID = re.compile(r"^M[0-9]{2}$")
_LOOSE_ID = re.compile(r"^\s*m\s*0*([0-9]{1,2})\s*$", re.IGNORECASE)
_PHASE = re.compile(r"^\s*(?:phase)?\s*_?([0-9]+)\s*$", re.IGNORECASE)
_STATE_WORDS = {
    "ON": "ON", "1": "ON", "TRUE": "ON", "ACTIVE": "ON",
    "OFF": "OFF", "0": "OFF", "FALSE": "OFF", "INACTIVE": "OFF",
    "STANDBY": "STANDBY", "STAND-BY": "STANDBY", "STAND BY": "STANDBY", "IDLE": "STANDBY",
}  # fmt: skip


@cache
def _validator() -> Draft7Validator:
    return Draft7Validator(load_schema(SCHEMA_NAME))


def validate(state: Any) -> bool:
    """Whether ``state`` conforms to the surgery-state schema."""
    return bool(_validator().is_valid(state))


def get_validation_errors(state: Any) -> list[str]:
    """Where ``state`` breaks the schema, as ``"metadata.phase: pattern"``, sorted; empty
    when valid. Values are never quoted."""
    errors = []
    for error in _validator().iter_errors(state):
        path = ".".join(str(part) for part in error.absolute_path) or "(root)"
        errors.append(f"{path}: {error.validator}")
    return sorted(errors)


# --- coercion helpers ------------------------------------------------------------------


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _machine_id(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    if _ID.match(value):
        return value
    loose = _LOOSE_ID.match(value)
    return f"M{int(loose.group(1)):02d}" if loose else None


def _state_word(value: Any) -> str | None:
    if isinstance(value, bool):
        return "ON" if value else "OFF"
    if isinstance(value, int | str):
        return _STATE_WORDS.get(str(value).strip().upper())
    return None


def _phase(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    match = _PHASE.match(str(value))
    return f"Phase{int(match.group(1))}" if match else None


def _unit(value: Any) -> float | None:
    """A confidence in [0, 1] from 0.8, "0.8", "80%" or 80 (values above 1 up to 100 are
    read as percentages); None when it is not a number."""
    if isinstance(value, bool):
        return None
    percent = False
    if isinstance(value, str):
        text = value.strip()
        percent = text.endswith("%")
        try:
            value = float(text.rstrip("%").strip())
        except ValueError:
            return None
    if not isinstance(value, int | float) or not math.isfinite(value):
        return None
    number = float(value)
    if percent or 1.0 < number <= 100.0:
        number /= 100.0
    return min(1.0, max(0.0, number))


def _non_negative(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0.0
    return float(value) if math.isfinite(value) and value > 0 else 0.0


def _strings(values: Any) -> list[str]:
    if isinstance(values, str):
        return [values] if values.strip() else []
    if not isinstance(values, Iterable) or isinstance(values, Mapping):
        return []
    return [item for item in values if isinstance(item, str)]


def _ids(values: Any) -> list[str]:
    found = (_machine_id(item) for item in _strings(values))
    return list(dict.fromkeys(item for item in found if item))


def build_current_state(machine_states: Mapping[str, str]) -> dict[str, list[str]]:
    """The schema's ``machines`` object from ``{"M01": "ON", ...}``: sorted id lists under
    ``"0"`` (OFF), ``"1"`` (ON) and ``"standby"``. Entries that are not a machine id with
    a known state are left out."""
    lists: dict[str, list[str]] = {"0": [], "1": [], "standby": []}
    by_state = {state: key for key, state in LIST_KEYS.items()}
    for raw_id, raw_state in machine_states.items():
        machine, state = _machine_id(raw_id), _state_word(raw_state)
        if machine and state:
            lists[by_state[state]].append(machine)
    return {key: sorted(set(ids)) for key, ids in lists.items()}


def machine_map(state: Mapping[str, Any]) -> dict[str, str]:
    """``{"M01": "ON", ...}`` from a state's ``machines`` lists (later lists win)."""
    machines = state.get("machines")
    result: dict[str, str] = {}
    if isinstance(machines, Mapping):
        for key, value in LIST_KEYS.items():
            for machine in _ids(machines.get(key, [])):
                result[machine] = value
    return result


def _toggle(raw: Any, *, default_match: str = "trigger") -> dict[str, Any] | None:
    if not isinstance(raw, Mapping):
        return None
    machine = _machine_id(raw.get("machine_id"))
    action = _state_word(raw.get("action"))
    if machine is None or action is None:
        return None
    confidence = _unit(raw.get("confidence"))
    match_type = raw.get("match_type")
    temporal = raw.get("temporal")
    return {
        "machine_id": machine,
        "name": _text(raw, "name"),
        "action": action,
        "trigger": _text(raw, "trigger"),
        "confidence": 1.0 if confidence is None else confidence,
        "match_type": match_type if match_type in MATCH_TYPES else default_match,
        "temporal": temporal if temporal in TEMPORALS else "none",
        "temporal_text": _text(raw, "temporal_text"),
        "evidence": _text(raw, "evidence"),
    }


def _text(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    return value if isinstance(value, str) else ""


# --- rule output -------------------------------------------------------------------------


def normalize_rule_output(
    toggles: Sequence[Mapping[str, Any]],
    *,
    surgery: str,
    phase: str,
    machine_states: Mapping[str, str],
    next_phase: str | None = None,
    matched_keywords: Iterable[str] = (),
    temporal: str | None = None,
    negations: Iterable[str] = (),
    debounced: Iterable[str] = (),
    pending: Sequence[Mapping[str, Any]] = (),
    processing_time_ms: float = 0.0,
    buffer_summary: Mapping[str, Any] | None = None,
    transcript_context: str = "",
    session_elapsed_s: float = 0.0,
    timestamp: str | None = None,
) -> dict[str, Any]:
    """The rule engine's result as a full state. ``machine_states`` is every machine's
    state after the toggles; ``pending`` the deferred commands ("not yet the laser"), which
    change nothing. Malformed toggles are dropped; a ``phase`` that is not ``Phase<n>`` (or
    ``<n>``) raises ValueError."""
    current = _phase(phase)
    if current is None:
        raise ValueError("phase must look like 'Phase<n>'")
    clean = [t for t in (_toggle(raw) for raw in toggles) if t is not None]
    summary = buffer_summary or {}
    entries = summary.get("entries", 0)
    reasoning = "; ".join(f"{t['machine_id']} {t['action']} ({t['match_type']})" for t in clean)
    return {
        "metadata": {
            "timestamp": timestamp or _now(),
            "surgery": surgery,
            "phase": current,
            "next_phase": _phase(next_phase),
            "reasoning": reasoning or "no machine change",
            "processing_time_ms": _non_negative(processing_time_ms),
            "matched_keywords": _strings(matched_keywords),
            "temporal": temporal if isinstance(temporal, str) else None,
            "transcript_context": transcript_context,
            "buffer_entries": entries if isinstance(entries, int) and entries > 0 else 0,
            "buffer_duration_s": _non_negative(summary.get("duration_s")),
            "session_elapsed_s": _non_negative(session_elapsed_s),
        },
        "machines": build_current_state(machine_states),
        "details": {
            "toggles": clean,
            "negations": _strings(negations),
            "debounced": _ids(debounced),
            "pending": [t for t in (_toggle(raw) for raw in pending) if t is not None],
        },
        "suggestions": [],
        "confidence": max((t["confidence"] for t in clean), default=1.0),
        "source": "rule",
    }


# --- model output ------------------------------------------------------------------------


def _fallback(surgery: str) -> dict[str, Any]:
    return normalize_rule_output([], surgery=surgery, phase="Phase1", machine_states={})


def _degraded(previous: dict[str, Any]) -> dict[str, Any]:
    state = copy.deepcopy(previous)
    state["metadata"]["reasoning"] = DEGRADED
    state["metadata"]["timestamp"] = _now()
    state["source"] = "rule"
    return state


def _pick(raw: Mapping[str, Any], *keys: str) -> tuple[bool, Any]:
    """The first of ``keys`` at the top level, then in ``raw["metadata"]``."""
    meta = raw.get("metadata")
    for place in (raw, meta if isinstance(meta, Mapping) else {}):
        for key in keys:
            if key in place:
                return True, place[key]
    return False, None


def _model_machines(raw: Mapping[str, Any], known: set[str]) -> dict[str, str]:
    """The machine states the model asserted (UNCHANGED and unknown ids left out)."""
    given = raw.get("machines")
    if not isinstance(given, Mapping):
        given = {k: v for k, v in raw.items() if _machine_id(k)}
    found: dict[str, str] = {}
    if any(key in given for key in LIST_KEYS):
        for key, value in LIST_KEYS.items():
            for machine in _ids(given.get(key, [])):
                found[machine] = value
    else:
        for key, value in given.items():
            mid, state = _machine_id(key), _state_word(value)
            if mid and state:
                found[mid] = state
    return {m: s for m, s in found.items() if not known or m in known}


def normalize_llm_output(raw: Any, *, surgery: str, previous: Mapping[str, Any]) -> dict[str, Any]:
    """The model's answer as a full state (``source: "llm"``), filled from ``previous``
    where it says nothing. Never raises; see the module docstring."""
    base = copy.deepcopy(dict(previous)) if validate(previous) else _fallback(surgery)
    try:
        return _normalize_llm(raw, surgery, base)
    except Exception:  # the model's output must never take the pipeline down
        return _degraded(base)


def _normalize_llm(raw: Any, surgery: str, base: dict[str, Any]) -> dict[str, Any]:
    if isinstance(raw, str | bytes):
        try:
            raw = json.loads(raw)
        except ValueError:
            return _degraded(base)
    if not isinstance(raw, Mapping):
        return _degraded(base)
    before = machine_map(base)
    asserted = _model_machines(raw, set(before))
    has_phase, phase = _pick(raw, "phase", "current_phase")
    has_next, next_raw = _pick(raw, "next_phase")
    has_reason, reasoning = _pick(raw, "reasoning")
    has_conf, conf_raw = _pick(raw, "confidence")
    phase = _phase(phase) if has_phase else None
    next_phase = _phase(next_raw) if has_next else None
    confidence = _unit(conf_raw) if has_conf else None
    reasoning = reasoning.strip() if has_reason and isinstance(reasoning, str) else None
    suggestions = _strings(raw["suggestions"]) if "suggestions" in raw else None
    usable = [asserted, phase, next_phase, confidence, reasoning, suggestions]
    if not any(item is not None and item != {} for item in usable) and not (
        has_next and next_raw is None
    ):
        return _degraded(base)
    after = {**before, **asserted}
    model_conf = base["confidence"] if confidence is None else confidence
    # The model names no words nor time: the rules' fields are filled empty.
    toggles = [
        {"machine_id": machine, "name": "", "action": state, "trigger": "",
         "confidence": model_conf, "match_type": "llm",
         "temporal": "none", "temporal_text": "", "evidence": ""}
        for machine, state in sorted(asserted.items()) if before.get(machine) != state
    ]  # fmt: skip
    state = copy.deepcopy(base)
    meta = state["metadata"]
    meta.update(timestamp=_now(), surgery=surgery or meta["surgery"])
    meta["phase"] = phase or meta["phase"]
    if has_next and (next_phase is not None or next_raw is None):
        meta["next_phase"] = next_phase
    meta["reasoning"] = reasoning if reasoning is not None else ""
    state["machines"] = build_current_state(after)
    state["details"] = {"toggles": toggles, "negations": [], "debounced": []}
    if suggestions is not None:
        state["suggestions"] = suggestions
    state["confidence"] = model_conf
    state["source"] = "llm"
    return state if validate(state) else _degraded(base)


# --- merging -----------------------------------------------------------------------------


def merge(rule_state: Mapping[str, Any], llm_state: Mapping[str, Any]) -> dict[str, Any]:
    """One state from the rule engine's and the model's (see the module docstring).
    Raises ValueError when ``rule_state`` itself is not a valid state."""
    if not validate(rule_state):
        raise ValueError("rule state is invalid: " + ", ".join(get_validation_errors(rule_state)))
    result = copy.deepcopy(dict(rule_state))
    llm_source = llm_state.get("source") if isinstance(llm_state, Mapping) else None
    if llm_source not in ("llm", "medgemma") or not validate(llm_state):
        result["metadata"]["reasoning"] = DEGRADED
        return result
    rule_toggles = result["details"].get("toggles", [])
    # A touched machine missing from the rule's lists takes its last toggle's action.
    rule_wins = {toggle["machine_id"]: toggle["action"] for toggle in rule_toggles}
    rule_machines = machine_map(rule_state)
    rule_wins.update({m: s for m, s in rule_machines.items() if m in rule_wins})
    touched = set(rule_wins)
    machines = {**rule_machines, **machine_map(llm_state), **rule_wins}
    meta, llm_meta = result["metadata"], llm_state["metadata"]
    meta["phase"] = llm_meta["phase"]
    meta["next_phase"] = llm_meta.get("next_phase")
    meta["reasoning"] = llm_meta.get("reasoning", "")
    llm_toggles = llm_state.get("details", {}).get("toggles", [])
    result["machines"] = build_current_state(machines)
    result["details"]["toggles"] = list(rule_toggles) + [
        copy.deepcopy(t) for t in llm_toggles if t["machine_id"] not in touched
    ]
    result["suggestions"] = list(llm_state["suggestions"]) or result["suggestions"]
    result["confidence"] = (float(rule_state["confidence"]) + float(llm_state["confidence"])) / 2
    result["source"] = "rule+llm"
    return result
