"""The list of changes (Qt-free): each machine or phase change a state brings, in words,
with what caused it, for the workspace's "Changes" timeline."""

from collections.abc import Mapping

from core.orstate.driver import StateUpdate
from core.orstate.surgeries import Surgery
from ui.orroom.machine_grid import STATE_SYMBOLS, clock, quote_of


def changes(
    before_phase: str | None,
    before_machines: Mapping[str, str],
    update: StateUpdate,
    surgery: Surgery,
) -> list[str]:
    """One line per change from the state shown before, newest last."""
    lines = []
    at = clock(update.t)
    if before_phase is not None and update.phase != before_phase:
        names = {p.id: p.name for p in surgery.phases}
        how = "model" if update.from_model else "rule"
        lines.append(f"{at}  Phase → {names.get(update.phase, update.phase)} ({how})")
    for machine_id, word in update.machines.items():
        if before_machines.get(machine_id, word) == word:
            continue
        machine = surgery.machines.get(machine_id)
        name = machine.name if machine is not None else machine_id
        cause = update.causes.get(machine_id)
        source = cause.source if cause is not None else ("model" if update.from_model else "rule")
        said = quote_of(cause) if cause is not None and source != "model" else ""
        symbol = STATE_SYMBOLS.get(word, "")
        lines.append(f"{at}  {name} → {symbol} {word} ({source}) {said}".rstrip())
    return lines


def pending_commands(update: StateUpdate, surgery: Surgery) -> list[tuple[str, str, str]]:
    """What waits for a person: a spoken line's deferred commands ("not yet the
    lithotripter"), with the line's words, or a model answer's unsure guesses, with how
    sure it was. Machine id, the action, the words to show. Read defensively: older
    states have none; a merged state's list is the model's alone."""
    found = []
    said = str(update.state.get("metadata", {}).get("transcript_context") or "")
    for raw in update.state.get("details", {}).get("pending", []) or []:
        machine_id, action = raw.get("machine_id"), raw.get("action")
        if machine_id not in surgery.machines or action not in STATE_SYMBOLS:
            continue
        if raw.get("match_type") == "llm":
            if update.from_model:
                sure = float(raw.get("confidence", 0.0))
                found.append((str(machine_id), str(action), f"the model's guess, {sure:.0%} sure"))
        elif update.source == "rule":
            words = " ".join((said or str(raw.get("evidence") or "")).split())
            found.append((str(machine_id), str(action), f"“{words}”" if words else ""))
    return found
