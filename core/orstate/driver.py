"""One operating-room case, driven the same way by the window and the command line.

The driver takes transcript segments (``feed``), a person's manual settings
(``override``) and the model's answers (``model_answered``), and gives typed
``StateUpdate``s: the rule state at once for every final segment, the merged or degraded
state when a model answer arrives. It numbers the segments (1, 2, ...), so every update
carries the newest segment it accounts for, and it says when a model update is due
(``Fed.model``: a ``ModelUpdate`` the front end runs on its inference thread). What it
gives is recorded through a ``CaseRecord`` (the store's, or none).

Threading: one thread feeds the driver and hands it the model's answers (the GUI thread,
or the command line's); only ``ModelUpdate.run`` runs on the inference thread, with the
task it snapshotted.
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from core.llm.engine import Engine
from core.llm.jobs import Job, JobContext, Priority
from core.llm.types import GenerationResult
from core.orstate.live import LiveCase
from core.orstate.model_state import StateUpdateTask
from core.orstate.rule_text import tokenize
from core.orstate.segments import Segment
from core.orstate.serializer import machine_map
from core.orstate.surgeries import Surgery

UpdateSource = Literal["rule", "rule+llm", "override"]
CauseSource = Literal["default", "rule", "model", "override"]
MODEL_JOB_KIND = "or_update"
COALESCE_KEY = "or-case"  # a newer model update replaces one still waiting


@dataclass(frozen=True)
class MachineCause:
    """What last set a machine: a spoken command (its utterance), the model, a person's
    manual setting, or the surgery's default at the start of the case."""

    source: CauseSource
    t: float  # case time of the segment (or of the last segment, for an override)
    segment: int  # the segment's number; 0 for the default
    utterance: str = ""  # the words that set it (a spoken command)


@dataclass(frozen=True)
class StateUpdate:
    """One state of the room, typed, with the schema's JSON it was built from."""

    source: UpdateSource
    t: float  # case time of the newest segment this update accounts for
    segment: int  # that segment's number (0: before the first)
    phase: str
    next_phase: str | None
    machines: Mapping[str, str]  # every machine: "ON", "OFF" or "STANDBY"
    reasoning: str
    degraded: bool  # the model failed: the rules' state is shown
    causes: Mapping[str, MachineCause]  # what last set each machine
    state: Mapping[str, Any]  # valid against schemas/surgery_state.schema.json

    @property
    def from_model(self) -> bool:
        return self.source == "rule+llm"


def typed_update(
    state: Mapping[str, Any],
    source: UpdateSource,
    *,
    t: float,
    segment: int,
    causes: Mapping[str, MachineCause],
) -> StateUpdate:
    """The typed update of a schema state (``metadata.reasoning`` "degraded": the
    model failed)."""
    metadata = state["metadata"]
    return StateUpdate(
        source=source,
        t=t,
        segment=segment,
        phase=str(metadata["phase"]),
        next_phase=metadata.get("next_phase"),
        machines=machine_map(state),
        reasoning=str(metadata.get("reasoning", "")),
        degraded=metadata.get("reasoning") == "degraded",
        causes=causes,
        state=state,
    )


def recorded_update(state: Mapping[str, Any], t: float) -> StateUpdate:
    """A state read back from a recorded case (what set each machine is not kept)."""
    source: UpdateSource = "rule+llm" if state.get("source") == "rule+llm" else "rule"
    return typed_update(state, source, t=t, segment=0, causes={})


def machines_named(surgery: Surgery, text: str) -> frozenset[str]:
    """The machines whose name or alias ``text`` says (whole words, any case)."""
    words = f" {' '.join(tokenize(text))} "
    named = set()
    for machine in surgery.machines.values():
        for phrase in (machine.name, *machine.aliases):
            if f" {' '.join(tokenize(phrase))} " in words:
                named.add(machine.id)
                break
    return frozenset(named)


class CaseRecord(Protocol):
    """Where a case's segments and updates are kept (the store, or nowhere)."""

    def segment(self, t: float, speaker: str, text: str, final: bool) -> None: ...

    def update(self, update: StateUpdate) -> None: ...

    def override(self, update: StateUpdate, machine_id: str, action: str) -> None:
        """A person's manual setting: its state and its audit entry, kept together."""
        ...

    def end(self) -> None: ...


class NoRecord:
    """A case that is shown but not kept."""

    def segment(self, t: float, speaker: str, text: str, final: bool) -> None:
        pass

    def update(self, update: StateUpdate) -> None:
        pass

    def override(self, update: StateUpdate, machine_id: str, action: str) -> None:
        pass

    def end(self) -> None:
        pass


@dataclass(frozen=True)
class ModelUpdate:
    """A model update of the transcript window as it was after segment ``segment``."""

    task: StateUpdateTask
    segment: int  # the newest segment in the window
    t: float
    window_start_t: float  # the oldest segment's time in the window
    mentioned: frozenset[str]  # the machines the window's words name
    timeout_s: float

    def run(self, engine: Engine, ctx: JobContext) -> GenerationResult:
        """The inference thread's part: the model's answer (degraded if it fails)."""
        return engine.structured(self.task, cancel=ctx.cancel)

    def job(self) -> Job:
        return Job(
            kind=MODEL_JOB_KIND,
            priority=Priority.OR_UPDATE,
            run=self.run,
            timeout_s=self.timeout_s,
            coalesce_key=COALESCE_KEY,
        )


@dataclass(frozen=True)
class Fed:
    """What one final segment gave: the rule state, and the model update now due."""

    update: StateUpdate
    model: ModelUpdate | None = None


@dataclass(frozen=True)
class RoomSettings:
    window_s: float = 45.0  # seconds of transcript the model sees
    debounce_s: float = 3.0
    phase_filter: bool = False


@dataclass
class CaseDriver:
    """Drives one case; see the module docstring."""

    surgery: Surgery
    room: RoomSettings = field(default_factory=RoomSettings)
    use_model: bool = False
    model_timeout_s: float = 60.0
    record: CaseRecord = field(default_factory=NoRecord)

    def __post_init__(self) -> None:
        self.live = LiveCase(
            self.surgery,
            window_s=self.room.window_s,
            debounce_s=self.room.debounce_s,
            phase_filter=self.room.phase_filter,
        )
        self.segments = 0  # how many were fed (the newest one's number)
        self.last_t = 0.0
        self.phase_set_at = 0  # the segment whose rules last changed the phase
        self.recorded_until: float | None = None  # resumed: the newest recorded time
        # Resumed: the segments the case holds, by content and time, with their counts; one
        # fed again is skipped once. Matching them (not "anything before the newest time")
        # keeps a far-off recorded time from swallowing every segment after it.
        self.recorded: Counter[Segment] = Counter()
        self.skipped = 0  # segments skipped as already in the resumed case
        self.causes: dict[str, MachineCause] = {
            mid: MachineCause("default", 0.0, 0) for mid in self.surgery.machines
        }
        self.current = self._update(self.live.state, "rule")

    # --- updates --------------------------------------------------------------------------

    def _update(self, state: Mapping[str, Any], source: UpdateSource) -> StateUpdate:
        causes = dict(self.causes)
        return typed_update(state, source, t=self.last_t, segment=self.segments, causes=causes)

    def _emit(self, state: Mapping[str, Any], source: UpdateSource) -> StateUpdate:
        self.current = self._update(state, source)
        self.record.update(self.current)
        return self.current

    # --- feeding --------------------------------------------------------------------------

    def feed(self, t: float, speaker: str, text: str, final: bool = True) -> Fed | None:
        """Take one segment: recorded, and for a final one the rule state at once (with
        the model update now due, when a model is in use). None for a partial or empty
        segment, and for one a resumed case already holds."""
        segment = (t, speaker, text, final)
        if self.recorded[segment] > 0:
            self.recorded[segment] -= 1
            self.skipped += 1
            return None
        self.segments += 1
        self.last_t = t
        self.record.segment(t, speaker, text, final)
        state = self.live.on_segment(t, speaker, text, final)
        if state is None:
            return None
        for toggle in state["details"].get("toggles", []):
            self.causes[toggle["machine_id"]] = MachineCause("rule", t, self.segments, text)
        if state["metadata"]["phase"] != self.current.phase:
            self.phase_set_at = self.segments
        update = self._emit(state, "rule")
        return Fed(update, self._model_update() if self.use_model else None)

    def _model_update(self) -> ModelUpdate:
        entries = self.live.buffer.entries
        start = entries[0].t if entries else self.last_t
        words = " ".join(entry.text for entry in entries if entry.is_final)
        return ModelUpdate(
            self.live.model_request(),
            self.segments,
            self.last_t,
            start,
            machines_named(self.surgery, words),
            self.model_timeout_s,
        )

    def override(self, machine_id: str, action: str) -> StateUpdate:
        """A person set a machine by hand (ValueError for an unknown machine or state): it
        holds until the next spoken command for that machine."""
        state = self.live.override(machine_id, action, self.last_t)
        self.causes[machine_id] = MachineCause("override", self.last_t, self.segments)
        self.current = self._update(state, "override")
        self.record.override(self.current, machine_id, action)
        return self.current

    # --- the model ------------------------------------------------------------------------

    def model_answered(
        self, request: ModelUpdate, outcome: str, value: object
    ) -> StateUpdate | None:
        """A model update ended: ``outcome`` is the job's ("result", "error" or
        "cancelled" with the reason as ``value``). An answer is merged into the newest
        state; a failure or a timeout marks it degraded; an update superseded by a newer
        one, cancelled or stopped at shutdown changes nothing (None).

        The answer may be older than the newest segment. It never changes a machine that
        a command set since its window began (or later: it did not hear it), nor one a
        person set by hand, nor one its window does not name; it never moves the phase
        back, nor at all when the rules moved it after its window."""
        if outcome == "cancelled" and value != "timeout":
            return None
        result = value if outcome == "result" and isinstance(value, GenerationResult) else None
        before = machine_map(self.live.state)
        state = self.live.apply_model_result(
            result,
            keep_machines=self._kept_from(request),
            keep_phase=self.phase_set_at > request.segment,
        )
        for machine, word in machine_map(state).items():
            if before.get(machine) != word:
                self.causes[machine] = MachineCause("model", request.t, request.segment)
        return self._emit(state, "rule+llm" if state["source"] == "rule+llm" else "rule")

    def _kept_from(self, request: ModelUpdate) -> set[str]:
        """The machines ``request``'s answer may not change (see ``model_answered``)."""
        kept = set()
        for machine, cause in self.causes.items():
            commanded = cause.source == "rule" and (
                cause.segment > request.segment or cause.t >= request.window_start_t
            )
            if commanded or cause.source == "override" or machine not in request.mentioned:
                kept.add(machine)
        return kept

    # --- resuming and ending --------------------------------------------------------------

    def resume(
        self, segments: Iterable[Segment], last_state: Mapping[str, Any] | None
    ) -> StateUpdate:
        """Rebuild a recorded case from its segments and last state, without recording
        them again; a segment fed later that the case already holds (same time, speaker,
        text and finality) is skipped, once for each time it is held."""
        record, self.record = self.record, NoRecord()
        try:
            newest = None
            held: Counter[Segment] = Counter()
            for t, speaker, text, final in segments:
                self.feed(t, speaker, text, final)
                held[(t, speaker, text, final)] += 1
                newest = t if newest is None else max(newest, t)
            if last_state is not None:
                self.live.resume([], dict(last_state))
                self.current = self._update(self.live.state, "rule")
        finally:
            self.record = record
        self.recorded_until = newest
        self.recorded = held
        return self.current

    def end(self) -> None:
        self.record.end()
