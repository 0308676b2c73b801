"""An unsure model answer changes no machine: what it would have changed is offered to
confirm (``details.pending``, match_type "llm")."""

from core.llm.types import GenerationResult
from core.orstate.driver import CaseDriver
from core.orstate.serializer import get_validation_errors
from core.orstate.surgeries import get_surgery


def _answer(confidence: float) -> GenerationResult:
    machines = dict.fromkeys(get_surgery("pcnl").machines, "OFF")
    machines.update(M01="ON", M09="ON", M02="STANDBY", M07="ON")  # the lithotripter ON
    answer = {
        "phase": "Phase1",
        "next_phase": "Phase2",
        "machines": machines,
        "reasoning": "the surgeon asked about the lithotripter",
        "suggestions": [],
        "confidence": confidence,
    }
    return GenerationResult(engine="local", model_name="a model", obj=answer)


def asked(confidence: float) -> tuple[CaseDriver, dict[str, str], list[dict[str, object]]]:
    driver = CaseDriver(get_surgery("pcnl"), use_model=True)
    fed = driver.feed(10.0, "surgeon", "is the lithotripter ready?")  # names it, no command
    assert fed is not None and fed.model is not None
    assert "M07" in fed.model.mentioned and fed.update.machines["M07"] == "OFF"
    update = driver.model_answered(fed.model, "result", _answer(confidence))
    assert update is not None and get_validation_errors(update.state) == []
    return driver, dict(update.machines), list(update.state["details"]["pending"])


def test_an_unsure_model_guess_is_offered_to_confirm_and_not_applied() -> None:
    driver, machines, pending = asked(0.3)
    assert machines["M07"] == "OFF"  # not applied
    assert [(p["machine_id"], p["action"], p["match_type"]) for p in pending] == [
        ("M07", "ON", "llm")
    ]
    assert driver.live.machine_states["M07"] == "OFF"


def test_a_sure_model_answer_is_applied_with_nothing_to_confirm() -> None:
    _, machines, pending = asked(0.9)
    assert machines["M07"] == "ON" and pending == []
