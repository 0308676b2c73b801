"""Demo data for a first look: two fictitious patients with sessions, and one recorded
PCNL case. Every name says DEMO, and every transcript says it is fictitious, so nobody
mistakes it for a record. Offered on first run with an empty database; used by
``--screenshot --demo``. Runs on the GUI thread (store only, no engine)."""

from datetime import date, timedelta

from sqlite_utils import Database

from app.settings import OperatingRoomSettings
from app.usecases.notes import generate_note
from app.usecases.orcases import start_case
from app.usecases.patients import add_patient
from app.usecases.sessions import add_pasted_session
from core.llm.rules import RuleEngine
from core.orstate.surgeries import get_surgery

DEMO_PREFIX = "DEMO — "
FICTITIOUS = "[Fictitious demo transcript: not a real patient.]\n"

ALEX = [
    """Therapist: Welcome back. How has the week been since we last met?
Client: Honestly up and down. Work has been stressful and I've not been sleeping well.
Therapist: What has the sleep been like?
Client: I wake at four and can't get back to sleep. I keep going over things at work.
Therapist: You mentioned last time that running helped.
Client: I went twice. It did help, for the day.
Therapist: Let's look at a wind-down routine before bed, and keep the running going.
Client: Okay. I can try putting the phone away at ten.""",
    """Therapist: Last week we talked about sleep. How did the routine go?
Client: Better on the nights I did it. But Thursday was bad. I had a thought that \
everyone would be better off without me.
Therapist: Thank you for telling me. Have you had thoughts of ending your life?
Client: Not a plan. Just that thought, late at night.
Therapist: We will make a safety plan together today, and I'll give you the crisis line.
Client: Okay. My sister knows I'm seeing you, I could call her.
Therapist: Good. Let's write down who you can call and what helps on nights like that.""",
]
SAM = [
    """Therapist: What would you like to focus on today?
Client: My partner and I keep arguing about money. It ends with both of us shouting.
Therapist: What happens just before it gets loud?
Client: I feel blamed, and I go on the attack.
Therapist: Let's practise noticing that moment and taking a pause.
Client: I can try. We do want to sort it out.""",
]
PCNL_SCRIPT = [
    (0.0, "nurse", "patient is in the room, starting the time-out"),
    (20.0, "anesthetist", "induction now"),
    (35.0, "anesthetist", "hook up the ventilator please"),
    (90.0, "surgeon", "lights on, we're positioning prone"),
    (140.0, "surgeon", "needle access under fluoro, fire up the c-arm"),
    (185.0, "surgeon", "dilating the tract, start the irrigation"),
    (230.0, "surgeon", "scope in, turn on the camera"),
    (290.0, "surgeon", "there's the stone, start the lithotripter"),
    (320.0, "surgeon", "suction on please"),
    (410.0, "surgeon", "fragments out, stop the lithotripter"),
    (440.0, "surgeon", "don't stop the suction yet"),
]


def is_empty(db: Database) -> bool:
    """No patients and no operating-room cases: a first run."""
    patients = db.execute("SELECT COUNT(*) FROM patients").fetchone()[0]
    cases = db.execute("SELECT COUNT(*) FROM or_cases").fetchone()[0]
    return bool(patients == 0 and cases == 0)


def create_demo_data(db: Database) -> None:
    """Add the demo patients, sessions (the first one with a rule-based draft note) and
    a recorded PCNL case."""
    today = date.today()
    rules = RuleEngine()
    for name, transcripts in (("Alex Example", ALEX), ("Sam Sample", SAM)):
        patient = add_patient(db, DEMO_PREFIX + name, external_ref="DEMO")
        for weeks_ago, transcript in zip(range(len(transcripts), 0, -1), transcripts, strict=True):
            session = add_pasted_session(
                db,
                patient.id,
                FICTITIOUS + transcript,
                session_date=today - timedelta(weeks=weeks_ago),
            ).session
            if name == "Alex Example":
                generate_note(db, rules, session.id)
    _record_demo_case(db)


def _record_demo_case(db: Database) -> None:
    case = start_case(
        lambda: db,
        get_surgery("pcnl"),
        OperatingRoomSettings(),
        use_model=False,
        model_timeout_s=0.0,
        label="DEMO — PCNL replay (fictitious)",
    )
    for t, speaker, text in PCNL_SCRIPT:
        case.feed(t, speaker, text)
    case.end()
