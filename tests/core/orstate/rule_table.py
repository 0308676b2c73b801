"""Utterances with the toggles the rule engine must find: (surgery, text, toggles as a set
of (machine_id, action), expect_negated, expect_temporal_substring or None, the temporal
category, deferred commands as a set of (machine_id, action)).

Rows are written from the constructs the rules support (see the README's operating-room
section), not copied from any scored set."""

from typing import NamedTuple


class Row(NamedTuple):
    surgery: str
    text: str
    toggles: frozenset[tuple[str, str]]
    negated: bool
    temporal: str | None
    when: str = "none"
    pending: frozenset[tuple[str, str]] = frozenset()


def _r(
    surgery: str,
    text: str,
    *toggles: tuple[str, str],
    neg: bool = False,
    temporal: str | None = None,
    when: str | None = None,
    pending: tuple[tuple[str, str], ...] = (),
) -> Row:
    if when is None:
        assert temporal is None, f"say the temporal category of {text!r}"
        when = "none"
    return Row(surgery, text, frozenset(toggles), neg, temporal, when, frozenset(pending))


P, H, L = "pcnl", "partial hepatectomy", "lobectomy"

TABLE: list[Row] = [
    # plain commands, names, aliases, triggers
    _r(P, "Turn on the suction.", ("M06", "ON")),
    _r(P, "Switch off the C-arm", ("M04", "OFF")),
    _r(P, "start the irrigation pump", ("M05", "ON")),
    _r(P, "fluoro on", ("M04", "ON")),
    _r(P, "take an x-ray", ("M04", "ON")),
    _r(P, "activate the image intensifier", ("M04", "ON")),
    _r(P, "turn on the nephroscope", ("M08", "ON")),
    _r(P, "camera on please", ("M08", "ON")),
    _r(P, "turn the overhead lights off", ("M09", "OFF")),
    _r(P, "start lithotripsy", ("M07", "ON")),
    _r(P, "Turn on the Lithotripter", ("M07", "ON")),
    _r(P, "shut down the litho", ("M07", "OFF")),
    _r(P, "stop the flow", ("M05", "OFF")),
    _r(P, "put the patient on the vent", ("M03", "ON")),
    _r(H, "turn on the ESU", ("M04", "ON")),
    _r(H, "bovie off", ("M04", "OFF")),
    _r(H, "diathermy on please", ("M04", "ON")),
    _r(H, "turn on the argon beam coagulator", ("M05", "ON")),
    _r(H, "start the norepinephrine infusion", ("M07", "ON")),
    _r(H, "switch on the ultrasound probe", ("M08", "ON")),
    _r(L, "start one-lung ventilation", ("M03", "ON")),
    _r(L, "start the CO2", ("M05", "ON")),
    _r(L, "insufflator on", ("M05", "ON")),
    _r(L, "kill the insufflation", ("M05", "OFF")),
    _r(L, "hook up the chest drain", ("M08", "ON")),
    _r(L, "turn the VATS camera off", ("M04", "OFF")),
    # informal verbs
    _r(P, "fire up the laser", ("M07", "ON")),
    _r(P, "power up the c-arm", ("M04", "ON")),
    _r(P, "bring in the c-arm", ("M04", "ON")),
    _r(P, "bring the c-arm in", ("M04", "ON")),
    _r(P, "go ahead with fluoro", ("M04", "ON")),
    _r(P, "hook up the scope", ("M08", "ON")),
    _r(P, "kill the fluoro", ("M04", "OFF")),
    _r(P, "disconnect the suction", ("M06", "OFF")),
    _r(P, "cut the irrigation", ("M05", "OFF")),
    _r(P, "we're done with the fluoro", ("M04", "OFF")),
    _r(P, "get the c-arm out", ("M04", "OFF")),
    _r(H, "fire up the argon", ("M05", "ON")),
    _r(H, "get the ultrasound", ("M08", "ON")),
    _r(L, "can I get suction", ("M07", "ON")),
    # standby
    _r(P, "put the irrigation on standby", ("M05", "STANDBY")),
    _r(P, "pause the irrigation", ("M05", "STANDBY")),
    _r(P, "laser to standby", ("M07", "STANDBY")),
    _r(P, "put the pump on hold", ("M05", "STANDBY")),
    _r(H, "idle the argon beam", ("M05", "STANDBY")),
    _r(L, "hold the insufflation", ("M05", "STANDBY")),
    _r(L, "standby the cautery", ("M06", "STANDBY")),
    # negation and double negation
    _r(P, "don't turn on the suction", ("M06", "OFF"), neg=True),
    _r(P, "do not start the laser", ("M07", "OFF"), neg=True),
    _r(P, "let's not start the irrigation yet", neg=True, pending=(("M05", "ON"),)),
    _r(P, "not yet on the laser", neg=True, pending=(("M07", "ON"),)),
    _r(P, "hold off on the c-arm", neg=True, pending=(("M04", "ON"),)),
    _r(P, "cancel the lithotripter", ("M07", "OFF"), neg=True),
    _r(P, "skip the fluoro", ("M04", "OFF"), neg=True),
    _r(P, "don't stop the suction", ("M06", "ON"), neg=True),
    _r(P, "don't turn off the monitor", ("M01", "ON"), neg=True),
    _r(H, "never turn off the ventilator", ("M03", "ON"), neg=True),
    _r(H, "do not pause the infusion pump", ("M07", "ON"), neg=True),
    _r(P, "no need for the fluoro", ("M04", "OFF"), neg=True),
    _r(L, "we don't need the insufflator anymore", ("M05", "OFF"), neg=True),
    _r(L, "don't turn on the cautery yet", neg=True, pending=(("M06", "ON"),)),
    # word order
    _r(P, "suction on", ("M06", "ON")),
    _r(P, "lights off please", ("M09", "OFF")),
    _r(P, "Lights, off.", ("M09", "OFF")),
    _r(P, "suction stop", ("M06", "OFF")),
    _r(P, "suction, turn it on", ("M06", "ON")),
    _r(L, "bovie on please", ("M06", "ON")),
    # multi-machine
    _r(P, "start suction and irrigation", ("M06", "ON"), ("M05", "ON")),
    _r(P, "turn off the c-arm and the lights", ("M04", "OFF"), ("M09", "OFF")),
    _r(
        P,
        "turn off the c-arm, the lights, and the suction",
        ("M04", "OFF"),
        ("M09", "OFF"),
        ("M06", "OFF"),
    ),
    _r(P, "lights on and suction off", ("M09", "ON"), ("M06", "OFF")),
    _r(P, "turn on the suction and turn off the lights", ("M06", "ON"), ("M09", "OFF")),
    _r(L, "turn on the cautery and the sucker", ("M06", "ON"), ("M07", "ON")),
    _r(H, "turn on the bovie then the argon", ("M04", "ON"), ("M05", "ON")),
    # temporal
    _r(
        P,
        "turn on the suction immediately",
        ("M06", "ON"),
        temporal="immediately",
        when="immediately",
    ),
    _r(P, "kill the fluoro stat", ("M04", "OFF"), temporal="stat", when="immediately"),
    _r(P, "flip the lights on now", ("M09", "ON"), temporal="now", when="immediately"),
    _r(
        P,
        "turn off the c-arm after the tract is dilated",
        ("M04", "OFF"),
        temporal="after the tract is dilated",
        when="after",
    ),
    _r(
        P,
        "turn off the lithotripter in 5 minutes",
        ("M07", "OFF"),
        temporal="in 5 minutes",
        when="in_time",
    ),
    _r(
        P,
        "when the stone is out turn off the laser",
        ("M07", "OFF"),
        temporal="when the stone",
        when="when",
    ),
    _r(
        P,
        "turn on the suction after the c-arm is off",
        ("M06", "ON"),
        temporal="after the c",
        when="after",
    ),
    _r(
        H, "start the argon before closing", ("M05", "ON"), temporal="before closing", when="before"
    ),
    _r(
        L,
        "keep the insufflator on during the dissection",
        ("M05", "ON"),
        temporal="during the dissection",
        when="during",
    ),
    _r(
        L,
        "turn off the co2 in a few minutes",
        ("M05", "OFF"),
        temporal="in a few minutes",
        when="in_time",
    ),
    # polite requests are commands; questions are not
    _r(P, "can we get the lights on", ("M09", "ON")),
    _r(P, "could you turn off the suction please", ("M06", "OFF")),
    _r(P, "can we get the lights?", ("M09", "ON")),
    _r(P, "is the suction working?"),
    _r(P, "is the c-arm on"),
    _r(P, "should we turn on the irrigation?"),
    _r(H, "what's the argon setting"),
    _r(L, "did someone turn off the insufflator?"),
    # mentions and state reports
    _r(P, "the ventilator alarm is beeping"),
    _r(P, "the lights are on"),
    _r(P, "the laser"),
    _r(H, "the bovie is set to thirty"),
    _r(L, "the chest drain is bubbling"),
    _r(P, "okay the patient is in the room, time out please"),
    # ASR noise
    _r(P, "uh turn turn on the the suction", ("M06", "ON")),
    _r(P, "um like fire up the laser", ("M07", "ON")),
    _r(P, "so uh can you like turn the c arm off", ("M04", "OFF")),
    _r(P, "dont turn on the suction", ("M06", "OFF"), neg=True),
    _r(P, "um the suction uh on please", ("M06", "ON")),
    _r(H, "okay so um bovie bovie on", ("M04", "ON")),
    _r(L, "uh lets not start the co2 yet", neg=True, pending=(("M05", "ON"),)),
    _r(L, "hey can someone turn the overhead lights off", ("M09", "OFF")),
]

# Constructs of real OR speech (issue 22), each written from the construct.
TABLE += [
    # informal verbs and names, progressives
    _r(P, "crank the irrigation", ("M05", "ON")),
    _r(P, "bring up the overheads", ("M09", "ON")),
    _r(P, "get the holmium going", ("M07", "ON")),
    _r(P, "initiate suctioning", ("M06", "ON")),
    _r(P, "starting the pump now", ("M05", "ON"), temporal="now", when="immediately"),
    _r(H, "halt the drip", ("M07", "OFF")),
    _r(H, "power down the coagulator", ("M04", "OFF")),
    _r(L, "start insufflating", ("M05", "ON")),
    _r(L, "discontinue the drainage", ("M08", "OFF")),
    _r(L, "stand down the bovie", ("M06", "STANDBY")),
    _r(P, "the c-arm can go to standby", ("M04", "STANDBY")),
    _r(H, "the lights can go off", ("M09", "OFF")),
    # a machine's own command phrase
    _r(P, "ok intubation complete", ("M03", "ON")),
    _r(L, "tube is in, bag him", ("M03", "ON")),
    # verbless requests and calls
    _r(P, "scope please", ("M08", "ON")),
    _r(P, "Irrigation!", ("M05", "ON")),
    _r(H, "pressors now", ("M07", "ON"), temporal="now", when="immediately"),
    _r(L, "may I have the thoracoscope", ("M04", "ON")),
    _r(L, "co2 stat", ("M05", "ON"), temporal="stat", when="immediately"),
    # lists under one verb
    _r(P, "pump and laser off", ("M05", "OFF"), ("M07", "OFF")),
    _r(P, "scope, lights and suction on please", ("M08", "ON"), ("M09", "ON"), ("M06", "ON")),
    _r(H, "kill the argon and the bovie", ("M05", "OFF"), ("M04", "OFF")),
    _r(L, "idle the insufflator and the drain", ("M05", "STANDBY"), ("M08", "STANDBY")),
    # refusals are OFF
    _r(P, "don't bother with the fluoro", ("M04", "OFF"), neg=True),
    _r(P, "no laser for now", ("M07", "OFF"), neg=True),
    _r(H, "forget the argon", ("M05", "OFF"), neg=True),
    _r(L, "we won't need the drain", ("M08", "OFF"), neg=True),
    _r(L, "never mind the co2", ("M05", "OFF"), neg=True),
    _r(H, "no argon today", ("M05", "OFF"), neg=True),
    _r(P, "that's enough fluoro", ("M04", "OFF"), neg=True),
    # deferrals: no change now, pending
    _r(P, "wait on the laser", neg=True, pending=(("M07", "ON"),)),
    _r(P, "not now, the laser", neg=True, pending=(("M07", "ON"),)),
    _r(L, "hang on with the drain", neg=True, pending=(("M08", "ON"),)),
    _r(H, "hold off with the pressors", neg=True, pending=(("M07", "ON"),)),
    _r(
        L,
        "don't start the co2 until the port is in",
        neg=True,
        temporal="until the port is in",
        when="when",
        pending=(("M05", "ON"),),
    ),
    # temporal categories
    _r(P, "once the sheath is in start the pump", ("M05", "ON"), temporal="once", when="when"),
    _r(P, "stop the pump once the stone is out", ("M05", "OFF"), temporal="once", when="after"),
    _r(P, "lights off in thirty seconds", ("M09", "OFF"), temporal="in thirty", when="in_time"),
    _r(P, "two minutes, then stop the pump", ("M05", "OFF"), temporal="two", when="in_time"),
    _r(H, "while we transect keep the suction on", ("M06", "ON"), temporal="while", when="during"),
    _r(H, "argon on when I say", ("M05", "ON"), temporal="when I say", when="when"),
    _r(L, "prior to closing stop the co2", ("M05", "OFF"), temporal="prior to", when="before"),
    _r(L, "keep the drain on until transfer", ("M08", "ON"), temporal="until", when="before"),
    _r(
        P,
        "keep the pump on for the duration of the case",
        ("M05", "ON"),
        temporal="for the duration",
        when="during",
    ),
    _r(L, "turn on the co2 gas", ("M05", "ON")),
    # corrections: only the last
    _r(P, "turn on the laser, sorry, the pump", ("M05", "ON")),
    _r(P, "start the suction no the irrigation", ("M05", "ON")),
    _r(H, "bovie on, I mean argon on", ("M05", "ON")),
    _r(L, "turn on the camera, no wait, turn it off", ("M04", "OFF")),
    _r(P, "laser on. no wait, off.", ("M07", "OFF")),
    _r(P, "start the laser... no, the pump", ("M05", "ON")),
    _r(P, "start the laser. no.", neg=False),
    _r(H, "turn on the bovie, sorry.", ("M04", "ON")),
    # a correction that leaves the same machine as it was takes the command back
    _r(H, "suction off, sorry, leave the suction running"),
    _r(H, "stop the pump, actually no, keep it going"),
    # a list said in pieces
    _r(P, "start the pump, the suction too", ("M05", "ON"), ("M06", "ON")),
    _r(L, "kill the co2. and the lights.", ("M05", "OFF"), ("M09", "OFF")),
    # participles after the machine, "up", "going", lights dimmed
    _r(P, "we want the c-arm powered up", ("M04", "ON")),
    _r(L, "I need the camera turned off", ("M04", "OFF")),
    _r(P, "pump up please", ("M05", "ON")),
    _r(P, "litho going", ("M07", "ON")),
    _r(H, "lights dimmed and probe on", ("M09", "OFF"), ("M08", "ON")),
    _r(P, "put the vent back to standby", ("M03", "STANDBY")),
    _r(P, "open the irrigation", ("M05", "ON")),
    _r(P, "close the irrigation", ("M05", "OFF")),
    _r(H, "the argon unit thing off", ("M05", "OFF")),
    _r(P, "the uh c um arm on", ("M04", "ON")),
    _r(H, "we'd like the bovie on", ("M04", "ON")),
    # another room's machine is not this room's machine of the same last word
    _r(P, "iv pump off"),
    _r(H, "start the argon and the c-arm", ("M05", "ON")),
    # plans and wishes are no command; an imperative under "if" is
    _r(P, "if the stone migrates we'll fire up the laser"),
    _r(P, "if it bleeds, suction on", ("M06", "ON"), temporal="if it bleeds", when="when"),
    _r(P, "we'd always run the pump first"),
    _r(P, "their pump is running"),
    # signals, events and short delays; courtesy is no time
    _r(P, "scope on whenever you're ready", ("M08", "ON")),
    _r(
        P,
        "laser on the minute the sheath is in",
        ("M07", "ON"),
        temporal="the minute the sheath is in",
        when="when",
    ),
    _r(P, "c-arm on at incision", ("M04", "ON"), temporal="at incision", when="when"),
    _r(P, "irrigation on, on your mark", ("M05", "ON"), temporal="on your mark", when="when"),
    _r(P, "laser on in ten", ("M07", "ON"), temporal="in ten", when="in_time"),
    _r(P, "suction off in too minutes", ("M06", "OFF"), temporal="in too minutes", when="in_time"),
    _r(
        P,
        "keep the laser off until the stone is seen",
        temporal="until the stone is seen",
        when="when",
        pending=(("M07", "ON"),),
    ),
    # questions, reports, habits, other rooms: no change
    _r(P, "who turned the lights off?"),
    _r(P, "the laser went off"),
    _r(P, "he said to kill the suction"),
    _r(P, "we usually start the pump before the laser"),
    _r(H, "in room six they are starting the argon now"),
    _r(L, "yesterday we ran the insufflator all day"),
    # a thing of the machine, an offer, teaching, an idiom: no change
    _r(P, "laser fibre please"),
    _r(P, "shall I start the pump?"),
    _r(P, "can I turn off the suction?"),
    _r(P, "no problem with the c-arm"),
    _r(P, "move the c-arm out of the way"),
    _r(H, "can you show the resident how to start the argon?"),
    # a misspelt or misheard long name, one letter off
    _r(P, "turn on the ventilater", ("M03", "ON")),
    _r(L, "kill the insuflator", ("M05", "OFF")),
    _r(P, "the irigation pressure is high"),
    # "everything": every machine but the monitor, anaesthesia machine, ventilator,
    # chest drain and infusion pump (they are named on their own or not at all)
    _r(P, "turn everything off", *((m, "OFF") for m in ("M04", "M05", "M06", "M07", "M08", "M09"))),
    _r(
        P,
        "all machines to standby",
        *((m, "STANDBY") for m in ("M04", "M05", "M06", "M07", "M08", "M09")),
    ),
    _r(
        H,
        "switch off all the equipment",
        *((m, "OFF") for m in ("M04", "M05", "M06", "M08", "M09")),
    ),
    _r(L, "everything off except the lights", *((m, "OFF") for m in ("M04", "M05", "M06", "M07"))),
    _r(
        L,
        "everything off, and the vent off",
        *((m, "OFF") for m in ("M03", "M04", "M05", "M06", "M07", "M09")),
    ),
    _r(P, "is everything off?"),
    _r(H, "everything looks fine"),
    # a sequence said now: each step changes, in order, none of them waits
    _r(P, "first the pump, then the laser, on", ("M05", "ON"), ("M07", "ON")),
    _r(P, "pump on, then the laser", ("M05", "ON"), ("M07", "ON")),
    _r(H, "argon off and then the bovie", ("M05", "OFF"), ("M04", "OFF")),
    _r(L, "co2 on, then the camera off", ("M05", "ON"), ("M04", "OFF")),
    _r(P, "lights off, the pump", ("M09", "OFF")),
    # "in" said of an imaging machine is ON; of another machine, or as a report, nothing
    _r(P, "camera in", ("M08", "ON")),
    _r(L, "scope in", ("M04", "ON")),
    _r(L, "thoracoscope in, co2 on", ("M04", "ON"), ("M05", "ON")),
    _r(P, "the scope is in"),
    _r(P, "the scope in the kidney is foggy"),
    _r(L, "chest tube in"),
    _r(P, "pump in"),
    # a machine of another room's surgery is no machine here
    _r(P, "start the bovie"),
    _r(L, "start the insufflator and the laser", ("M05", "ON")),
]
