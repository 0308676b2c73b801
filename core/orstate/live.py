"""A live operating-room case: transcript segments in, validated states out.

Threading contract: one thread (the GUI thread, or the CLI's) feeds segments and applies
model answers; the model itself runs on the inference thread with the task that
``model_request`` snapshots. A final segment gives the rule state at once (well under a
millisecond of rules); a model answer, whenever it comes, is merged into the newest rule
state or, when the model failed, the state is marked degraded and stays the rules' own.

Merging a model answer, which may be older than the newest segment: it sets only the
machines the caller lets it (``keep_machines`` are left as they are: the case driver
keeps every machine commanded since the answer's window began, set by hand, or not
mentioned in its window), and it moves the phase only forward, and not at all with
``keep_phase`` (the rules moved it after the window). A phase it moves to holds for the
rules that follow. Only a spoken command ("back to access") moves the phase back. An
answer less sure than ``SUGGEST_BELOW`` changes no machine: its changes are suggestions,
listed in the merged state's ``details.pending`` for a person to confirm.
"""

import copy
import time
from collections.abc import Collection, Iterable
from typing import Any

from core.llm.types import GenerationResult
from core.orstate.buffer import RollingBuffer
from core.orstate.model_state import StateUpdateTask
from core.orstate.phases import PhaseTracker
from core.orstate.rules import UtteranceRules
from core.orstate.serializer import (
    build_current_state,
    machine_map,
    merge,
    normalize_llm_output,
    normalize_rule_output,
)
from core.orstate.surgeries import Surgery

# A model answer below this confidence changes no machine: its changes are listed in
# ``details.pending`` (match_type "llm") for a person to confirm.
SUGGEST_BELOW = 0.5


class LiveCase:
    def __init__(
        self,
        surgery: Surgery,
        *,
        window_s: float = 45.0,
        debounce_s: float = 3.0,
        phase_filter: bool = False,
    ) -> None:
        self.surgery = surgery
        self.rules = UtteranceRules(surgery, debounce_s=debounce_s, phase_filter=phase_filter)
        self.phases = PhaseTracker(surgery)
        self.buffer = RollingBuffer(window_s, surgery=surgery.name)
        self.machine_states: dict[str, str] = {
            mid: m.default_state for mid, m in surgery.machines.items()
        }
        self._first_t: float | None = None
        self.state = self._rule_state([], text="", t=0.0, started=time.perf_counter())

    def _rule_state(
        self, toggles: list[dict[str, Any]], *, text: str, t: float, started: float, **extra: Any
    ) -> dict[str, Any]:
        return normalize_rule_output(
            toggles,
            surgery=self.surgery.name,
            phase=self.phases.current,
            machine_states=self.machine_states,
            next_phase=self.phases.next_phase,
            processing_time_ms=(time.perf_counter() - started) * 1000,
            buffer_summary=self.buffer.get_summary(),
            transcript_context=text,
            session_elapsed_s=0.0 if self._first_t is None else max(t - self._first_t, 0.0),
            **extra,
        )

    def on_segment(
        self, t: float, speaker: str, text: str, is_final: bool = True
    ) -> dict[str, Any] | None:
        """Take one segment; return the new state for a final segment, else None."""
        started = time.perf_counter()
        self._first_t = t if self._first_t is None else min(self._first_t, t)
        self.buffer.add(t, speaker, text, is_final)
        if not is_final or not text.strip():
            return None
        result = self.rules.parse(text, t=t, phase=self.phases.current)
        for toggle in result.toggles:
            self.machine_states[toggle.machine_id] = toggle.action
        self.phases.observe(text, result.toggles, t)
        toggles = [dict(toggle) for toggle in result.to_json()["toggles"]]
        self.state = self._rule_state(
            toggles,
            text=text,
            t=t,
            started=started,
            matched_keywords=[toggle.trigger for toggle in result.toggles],
            temporal=result.temporal_text,
            negations=[text] if result.negated and not result.toggles else [],
            debounced=result.debounced,
            pending=[toggle.to_json() for toggle in result.pending],
        )
        return self.state

    def resume(
        self,
        segments: Iterable[tuple[float, str, str, bool]],
        last_state: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Rebuild a recorded case: its segments refill the buffer, the rules' debounce
        memory and the phase; the last recorded state (which may hold the model's phase
        and machines) is then the current one. Returns the current state."""
        for t, speaker, text, is_final in segments:
            self.on_segment(t, speaker, text, is_final)
        if last_state is not None:
            self.phases.restore(str(last_state["metadata"]["phase"]))
            self.machine_states.update(machine_map(last_state))
            self.state = last_state
        return self.state

    def override(self, machine_id: str, action: str, t: float) -> dict[str, Any]:
        """A person set a machine's state by hand: it holds until the next spoken command
        for that machine. The state lists it as a toggle with ``match_type: override``."""
        if machine_id not in self.surgery.machines or action not in ("ON", "OFF", "STANDBY"):
            raise ValueError(f"not a machine state of this surgery: {machine_id} {action}")
        started = time.perf_counter()
        self.machine_states[machine_id] = action
        toggle = {
            "machine_id": machine_id,
            "name": self.surgery.machines[machine_id].name,
            "action": action,
            "trigger": "manual override",
            "confidence": 1.0,
            "match_type": "override",
        }
        self.state = self._rule_state([toggle], text="", t=t, started=started)
        return self.state

    def model_request(self) -> StateUpdateTask:
        """The task of a model update of the current window."""
        context = self.buffer.get_context_for_llm(self.phases.current)
        return StateUpdateTask(self.surgery, context, self.phases.current, self.phases.next_phase)

    def apply_model_result(
        self,
        result: GenerationResult | None,
        *,
        keep_machines: Collection[str] = (),
        keep_phase: bool = False,
    ) -> dict[str, Any]:
        """Merge a model answer into the newest state (see the module docstring); None,
        a degraded answer (the model failed and the rules answered) or an unusable one
        marks the state degraded."""
        if result is None or result.degraded or result.obj is None:
            self.state = _degraded(self.state)
            return self.state
        answer = normalize_llm_output(result.obj, surgery=self.surgery.name, previous=self.state)
        if answer.get("source") != "llm":
            self.state = _degraded(self.state)
            return self.state
        commanded = {toggle["machine_id"] for toggle in self.state["details"]["toggles"]}
        kept = set(keep_machines) | commanded
        unsure = [
            toggle
            for toggle in answer["details"]["toggles"]
            if float(toggle["confidence"]) < SUGGEST_BELOW and toggle["machine_id"] not in kept
        ]
        unsure_ids = {toggle["machine_id"] for toggle in unsure}
        self.state = merge(self.state, self._guarded(answer, kept | unsure_ids, keep_phase))
        # The model's unsure guesses are offered to confirm, not applied (the rules'
        # deferred commands were shown with their own state).
        self.state["details"]["pending"] = copy.deepcopy(unsure)
        self.machine_states.update(machine_map(self.state))
        phase = self.state["metadata"]["phase"]
        if phase != self.phases.current:
            self.phases.restore(phase)  # forward only: _guarded saw to it
        return self.state

    def _guarded(
        self, answer: dict[str, Any], keep_machines: set[str], keep_phase: bool
    ) -> dict[str, Any]:
        """The model's answer without what it may not change."""
        guarded = copy.deepcopy(answer)
        current = machine_map(self.state)
        if keep_machines:
            machines = machine_map(answer)
            machines.update({m: s for m, s in current.items() if m in keep_machines})
            guarded["machines"] = build_current_state(machines)
            toggles = guarded["details"]["toggles"]
            guarded["details"]["toggles"] = [
                t for t in toggles if t["machine_id"] not in keep_machines
            ]
        order = list(self.surgery.phase_ids)
        metadata = guarded["metadata"]
        phase, following = metadata["phase"], metadata.get("next_phase")
        forward = phase in order and order.index(phase) > order.index(self.phases.current)
        if keep_phase or not forward:
            phase = self.phases.current
        at = order.index(phase)
        if keep_phase or following not in order or order.index(following) <= at:
            following = order[at + 1] if at + 1 < len(order) else None
        metadata["phase"], metadata["next_phase"] = phase, following
        return guarded


def _degraded(state: dict[str, Any]) -> dict[str, Any]:
    metadata = {**state["metadata"], "reasoning": "degraded"}
    return {**state, "metadata": metadata, "source": "rule"}
