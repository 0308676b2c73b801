"""What the model is asked for a live operating-room update, and in which form.

The prompt's fixed part (role, surgery, phases, the machine dictionary) comes first and
the rolling transcript window last, so a local model reuses the fixed part's KV cache
from one update to the next. The answer's schema is grammar-friendly: enums of this
surgery's phases, one ON/OFF/STANDBY/UNCHANGED property per machine, and bounded text
(reasoning up to 240 characters, three suggestions of up to 80), so an update's length
has a ceiling and a rambling model cannot hold up the next one. llama.cpp accepts these
bounds (it refuses long ones, see ``LocalEngine._llama_accepts``).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.llm.types import Message
from core.orstate.surgeries import Surgery

MODEL_SCHEMA_PREFIX = "auralis/or-state/"
MACHINE_ANSWERS = ["ON", "OFF", "STANDBY", "UNCHANGED"]
REASONING_CHARS = 240
SUGGESTION_CHARS = 80


def model_answer_schema(surgery: Surgery) -> dict[str, Any]:
    phases = list(surgery.phase_ids)
    machines = sorted(surgery.machines)
    return {
        "$id": MODEL_SCHEMA_PREFIX + surgery.name,
        "title": f"Operating-room state for {surgery.display_name}",
        "type": "object",
        "properties": {
            "phase": {"type": "string", "enum": phases},
            "next_phase": {"type": "string", "enum": phases},
            "machines": {
                "type": "object",
                "properties": {
                    mid: {"type": "string", "enum": MACHINE_ANSWERS} for mid in machines
                },
                "required": machines,
                "additionalProperties": False,
            },
            "reasoning": {"type": "string", "maxLength": REASONING_CHARS},
            "suggestions": {
                "type": "array",
                "items": {"type": "string", "maxLength": SUGGESTION_CHARS},
                "maxItems": 3,
            },
        },
        "required": ["phase", "next_phase", "machines", "reasoning", "suggestions"],
        "additionalProperties": False,
    }


def model_messages(surgery: Surgery, context: str) -> list[Message]:
    phases = "\n".join(f"- {p.id}: {p.name}" for p in surgery.phases)
    machines = "\n".join(
        f"- {m.id}: {m.name} ({m.category}); also called {', '.join(m.aliases[:4]) or m.name}; "
        f"used in {', '.join(m.phases) or 'any phase'}"
        for m in sorted(surgery.machines.values(), key=lambda m: m.id)
    )
    system = (
        "You are the operating-room assistant. From the recent transcript, infer the current "
        "surgical phase, the next phase, and the state of each machine. Answer UNCHANGED for a "
        "machine the transcript does not change. Give a one-sentence reasoning and at most "
        "three short suggestions for the team.\n\n"
        f"Surgery: {surgery.display_name} ({surgery.name})\nPhases:\n{phases}\n"
        f"Machines:\n{machines}"
    )
    return [Message("system", system), Message("user", context)]


@dataclass(frozen=True)
class StateUpdateTask:
    """The operating-room state of ``surgery`` from the transcript window ``context``
    (see ``core.llm.tasks``). The rules' answer changes nothing: the phase stays
    ``phase`` and every machine UNCHANGED, since the rule engine has already given the
    explicit commands' state at once."""

    surgery: Surgery
    context: str
    phase: str
    next_phase: str | None
    kind: str = "or_state"

    @property
    def messages(self) -> Sequence[Message]:
        return model_messages(self.surgery, self.context)

    @property
    def schema(self) -> dict[str, Any]:
        return model_answer_schema(self.surgery)

    def rule_answer(self) -> dict[str, Any]:
        return {
            "phase": self.phase,
            "next_phase": self.next_phase or self.phase,
            "machines": {mid: "UNCHANGED" for mid in sorted(self.surgery.machines)},
            "reasoning": "rule-based: no model answer",
            "suggestions": [],
        }
