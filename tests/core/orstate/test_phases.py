"""The phase tracker: a scripted PCNL case, machine use, no going back by accident."""

from core.orstate.phases import PhaseTracker
from core.orstate.rules import UtteranceRules
from core.orstate.surgeries import get_surgery

PCNL_SCRIPT = [
    ("patient is in the room, let's do the time out", "Phase1"),
    ("confirmed left kidney, consent signed", "Phase1"),
    ("starting induction now, propofol going in", "Phase2"),
    ("tube is in, intubation was smooth, turn on the vent", "Phase2"),
    ("flip him prone please", "Phase2"),
    ("bring in the c-arm, needle for access", "Phase3"),
    ("guidewire is in, start dilation", "Phase3"),
    ("we are in the collecting system", "Phase3"),
    ("fire up the lithotripter", "Phase4"),
    ("more fragments at the lower pole, basket please", "Phase4"),
    ("nephrostomy tube in, start closure", "Phase5"),
    ("the tract looks dry", "Phase5"),
    ("ready for extubation", "Phase6"),
    ("transfer to recovery", "Phase6"),
]


def test_scripted_pcnl_walks_all_phases() -> None:
    surgery = get_surgery("pcnl")
    rules, tracker = UtteranceRules(surgery), PhaseTracker(surgery)
    assert tracker.current == "Phase1" and tracker.next_phase == "Phase2"
    for t, (text, expected) in enumerate(PCNL_SCRIPT):
        toggles = rules.parse(text, t=float(t)).toggles
        assert tracker.observe(text, toggles, t=float(t)) == expected, text
    assert [p for p, _ in tracker.history] == [f"Phase{i}" for i in range(1, 7)]
    assert tracker.next_phase is None
    assert tracker.history[-1] == ("Phase6", 12.0)


def test_machine_use_advances() -> None:
    surgery = get_surgery("pcnl")
    rules, tracker = UtteranceRules(surgery), PhaseTracker(surgery)
    text = "turn on the laser"
    assert tracker.observe(text, rules.parse(text).toggles) == "Phase4"


def test_never_goes_back_without_an_explicit_cue() -> None:
    tracker = PhaseTracker(get_surgery("pcnl"))
    tracker.observe("stone fragments everywhere")
    assert tracker.current == "Phase4"
    assert tracker.observe("the needle tray can go") == "Phase4"
    assert tracker.observe("we have to go back to access, new needle") == "Phase3"


def test_lobectomy_cues() -> None:
    tracker = PhaseTracker(get_surgery("vats"))
    assert tracker.observe("double lumen tube is placed") == "Phase2"
    assert tracker.observe("camera port first") == "Phase3"
    assert tracker.observe("stapling the bronchus") == "Phase4"
    assert tracker.observe("leak test, then chest tube") == "Phase5"
