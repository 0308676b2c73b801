"""The case driver: typed updates, numbered segments, and model answers that arrive late.

The late answers come from ``WindowModel`` (tests/support/window_model.py), a
deliberately slow stand-in for the model, behind the real job queue on its own thread,
as the command line runs a model.
"""

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from window_model import WindowModel

from core.llm.jobs import JobQueue, JobSink
from core.llm.types import GenerationResult
from core.orstate.driver import CaseDriver, ModelUpdate, StateUpdate
from core.orstate.serializer import get_validation_errors
from core.orstate.surgeries import get_surgery

PCNL = get_surgery("pcnl")
SCRIPT = [
    (0.0, "nurse", "patient is in the room, starting the time-out"),
    (30.0, "anesthetist", "induction now, turn on the ventilator"),
    (95.0, "surgeon", "needle access, fire up the c-arm"),
    (100.0, "surgeon", "start the suction"),
    (110.0, "surgeon", "stop the suction"),
    (120.0, "surgeon", "there's the stone, start the lithotripter"),
]


class Room:
    """A driver with the model behind a real job queue, as the command line runs it."""

    def __init__(self, model: WindowModel) -> None:
        self.driver = CaseDriver(PCNL, use_model=True, model_timeout_s=60)
        self.queue = JobQueue(model)
        self.thread = self.queue.start_thread("test-or-model")
        self.answers: list[tuple[ModelUpdate, str, Any]] = []
        self.done = threading.Condition()
        self.updates: list[StateUpdate] = []

    def feed(self, t: float, speaker: str, text: str) -> None:
        fed = self.driver.feed(t, speaker, text)
        assert fed is not None
        self.updates.append(fed.update)
        if fed.model is not None:
            request = fed.model
            job = request.job()

            def settle(outcome: str) -> Any:
                def put(_job_id: str, value: Any) -> None:
                    with self.done:
                        self.answers.append((request, outcome, value))
                        self.done.notify_all()

                return put

            job.sink = JobSink(
                on_result=settle("result"),
                on_error=settle("error"),
                on_cancelled=settle("cancelled"),
            )
            self.queue.submit(job)

    def merge_answers(self, count: int) -> list[StateUpdate]:
        """Wait for ``count`` more job outcomes and hand them to the driver in order."""
        merged = []
        with self.done:
            assert self.done.wait_for(lambda: len(self.answers) >= count, timeout=30)
            answers, self.answers = self.answers[:count], self.answers[count:]
        for answer in answers:
            update = self.driver.model_answered(*answer)
            if update is not None:
                merged.append(update)
                self.updates.append(update)
        return merged

    def close(self) -> None:
        self.queue.stop()
        self.thread.join(30)


@pytest.fixture
def room() -> Iterator[tuple[Room, WindowModel]]:
    model = WindowModel()
    room = Room(model)
    yield room, model
    model.allow(100)
    room.close()


def _play_with_a_held_answer(case: Room, model: WindowModel) -> StateUpdate:
    """Feed the script while the model answers one update at a time; the update asked
    after "start the suction" is held until the suction was stopped and the lithotripter
    started. Returns the state the held answer is merged into."""
    case.feed(*SCRIPT[0])
    model.wait_started(1)  # the first update runs, held
    for line in SCRIPT[1:3]:
        case.feed(*line)  # the second update waits; the third replaces it
    model.allow()
    case.merge_answers(2)
    model.wait_started(2)  # the update asked after the c-arm
    case.feed(*SCRIPT[3])  # "start the suction": its update waits
    model.allow()
    case.merge_answers(1)
    model.wait_started(3)  # the update whose window ends with "start the suction"
    for line in SCRIPT[4:]:
        case.feed(*line)  # "stop the suction", the lithotripter (the first replaces the other)
    return case.driver.current


def test_a_late_model_answer_never_undoes_a_newer_command(
    room: tuple[Room, WindowModel],
) -> None:
    case, model = room
    before = _play_with_a_held_answer(case, model)
    assert before.machines["M06"] != "ON" and before.phase == "Phase4"
    model.allow()
    (late,) = case.merge_answers(2)  # the held answer; one update superseded
    assert model.answered[-1]["machines"]["M06"] == "ON"  # what its window said
    assert late.from_model and late.segment == 6
    assert late.machines["M06"] == before.machines["M06"]  # the newer "stop" stands
    assert late.machines["M07"] == "ON" and late.phase == "Phase4"
    assert late.machines["M03"] == "ON"  # the ventilator: not in its window, not STANDBY
    model.allow()
    (newest,) = case.merge_answers(1)
    assert newest.machines["M06"] == before.machines["M06"]
    for update in case.updates:
        assert get_validation_errors(dict(update.state)) == []


def test_the_phase_never_regresses_without_a_spoken_command(
    room: tuple[Room, WindowModel],
) -> None:
    case, model = room
    order = [phase.id for phase in PCNL.phases]
    _play_with_a_held_answer(case, model)
    model.allow(2)
    case.merge_answers(3)
    phases = [order.index(update.phase) for update in case.updates]
    assert phases == sorted(phases), [update.phase for update in case.updates]
    back = case.driver.feed(130.0, "surgeon", "back to access, the tract is lost")
    assert back is not None and back.update.phase == "Phase3"  # a spoken command may


def test_updates_are_typed_numbered_and_say_what_set_each_machine() -> None:
    driver = CaseDriver(PCNL)
    assert driver.current.segment == 0 and driver.current.causes["M06"].source == "default"
    assert driver.feed(1.0, "surgeon", "suct", final=False) is None
    fed = driver.feed(2.0, "surgeon", "start the suction")
    assert fed is not None and fed.model is None  # no model in use
    update = fed.update
    assert (update.segment, update.t, update.source) == (2, 2.0, "rule")
    assert update.machines["M06"] == "ON" and not update.degraded
    cause = update.causes["M06"]
    assert (cause.source, cause.segment, cause.utterance) == ("rule", 2, "start the suction")
    manual = driver.override("M06", "OFF")
    assert manual.source == "override" and manual.causes["M06"].source == "override"
    assert manual.machines["M06"] == "OFF"


def _answer(driver: CaseDriver, request: ModelUpdate, **fields: Any) -> StateUpdate:
    machines = dict.fromkeys(PCNL.machines, "UNCHANGED") | fields.pop("machines", {})
    obj = {
        "phase": driver.current.phase,
        "next_phase": driver.current.next_phase or driver.current.phase,
        "machines": machines,
        "reasoning": "a model answer",
        "suggestions": [],
    } | fields
    result = GenerationResult(engine="local", model_name="answer", obj=obj)
    update = driver.model_answered(request, "result", result)
    assert update is not None and get_validation_errors(dict(update.state)) == []
    return update


def test_the_model_sets_what_its_window_names_and_moves_the_phase_forward() -> None:
    driver = CaseDriver(PCNL, use_model=True)
    driver.feed(0.0, "nurse", "patient is in the room, starting the time-out")
    fed = driver.feed(60.0, "surgeon", "the scope is in, we can see the calyx")
    assert fed is not None and fed.model is not None and "M08" in fed.model.mentioned
    update = _answer(driver, fed.model, phase="Phase3", machines={"M08": "ON", "M05": "ON"})
    assert update.machines["M08"] == "ON" and update.causes["M08"].source == "model"
    assert update.machines["M05"] == "OFF"  # the pump: not in the window, not the model's
    assert update.phase == "Phase3" and update.next_phase == "Phase4"
    after = driver.feed(70.0, "surgeon", "a little more light please")
    assert after is not None and after.update.phase == "Phase3"  # the rules keep it


def test_a_machine_set_by_hand_is_not_the_models_to_change() -> None:
    driver = CaseDriver(PCNL, use_model=True)
    fed = driver.feed(10.0, "surgeon", "is the suction ready?")
    assert fed is not None and fed.model is not None
    driver.override("M06", "OFF")
    update = _answer(driver, fed.model, machines={"M06": "ON"})
    assert update.machines["M06"] == "OFF" and update.causes["M06"].source == "override"
