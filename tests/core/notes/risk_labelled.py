"""A labelled set of transcript lines for risk detection, as data.

Each item is one line (its text and speaker label) and the set of (category, status)
pairs a careful reader would flag in it; an empty set means "no risk here". Used by
``test_risk.py`` (recall on disclosures must be 1.0) and ``bench/risk.py``.
"""

from typing import NamedTuple

from core.notes.risk import RiskCategory, RiskStatus

Expected = frozenset[tuple[RiskCategory, RiskStatus]]


class Labelled(NamedTuple):
    sentence: str
    speaker: str | None
    expected: Expected
    kind: str  # what the item exercises: disclosure, denial, historical, idiom, ...


SI: RiskCategory = "suicidal_ideation"
PLAN: RiskCategory = "plan_or_means"
SH: RiskCategory = "self_harm"
VIO: RiskCategory = "violence"
AB: RiskCategory = "abuse"
OD: RiskCategory = "overdose"


def d(*categories: RiskCategory) -> Expected:
    return frozenset((c, "disclosed") for c in categories)


def no(*categories: RiskCategory) -> Expected:
    return frozenset((c, "denied") for c in categories)


def past(*categories: RiskCategory) -> Expected:
    return frozenset((c, "historical") for c in categories)


NONE: Expected = frozenset()
C = "Client"

LABELLED: list[Labelled] = [
    # Suicidal ideation, active.
    Labelled("I just want to end my life.", C, d(SI), "disclosure"),
    Labelled("I've been thinking about killing myself every night.", C, d(SI), "disclosure"),
    Labelled("I wish I were dead.", "Patient", d(SI), "disclosure"),
    Labelled("Honestly I want to die.", None, d(SI), "disclosure"),
    Labelled("I'm going to take my own life.", C, d(SI), "disclosure"),
    Labelled("I’ve been feeling suicidal since the divorce.", C, d(SI), "disclosure"),
    Labelled("I keep thinking I should just end it all.", "Speaker 2", d(SI), "disclosure"),
    Labelled("I can't stop thinking about killing myself.", C, d(SI), "tricky negation"),
    Labelled("Not gonna lie, I've thought about suicide a lot this week.", C, d(SI), "tricky"),
    Labelled("Suicide keeps crossing my mind.", C, d(SI), "disclosure"),
    Labelled("I'm not okay, I want to kill myself.", C, d(SI), "tricky negation"),
    Labelled("It's not the first time I've thought about suicide.", C, d(SI), "tricky"),
    Labelled("Is it normal that I think about killing myself?", C, d(SI), "client question"),
    Labelled("What's the point of living?", C, d(SI), "client question"),
    Labelled("Not a day goes by that I don't think about ending my life.", C, d(SI), "tricky"),
    Labelled("I've never felt so suicidal.", C, d(SI), "tricky negation"),
    Labelled("No one would care if I killed myself.", C, d(SI), "tricky negation"),
    Labelled("I told her no, I'm going to kill myself.", C, d(SI), "tricky negation"),
    Labelled("My brother died two years ago and I want to die.", C, d(SI), "tricky historical"),
    Labelled("I'd rather be dead than go back there.", C, d(SI), "disclosure"),
    Labelled("Everyone would be better off without me.", C, d(SI), "disclosure"),
    # Suicidal ideation, passive (forms with "don't" that are disclosures).
    Labelled("I don't want to be here anymore.", C, d(SI), "passive"),
    Labelled("I don't want to wake up.", C, d(SI), "passive"),
    Labelled("I don’t see the point of living.", C, d(SI), "passive"),
    Labelled("I'm not suicidal but sometimes I hope I don't wake up.", C, d(SI), "passive"),
    Labelled("I wouldn't care if I died tomorrow.", C, d(SI), "passive"),
    Labelled("I just don't want to live anymore.", C, d(SI), "passive"),
    Labelled("Life isn't worth living.", C, d(SI), "passive"),
    Labelled("I can't keep myself safe tonight.", C, d(SI), "passive"),
    Labelled("I'm so tired of living.", C, d(SI), "passive"),
    Labelled("There's no reason to live anymore.", C, d(SI), "passive"),
    Labelled("I don't know if I want to live anymore.", C, d(SI), "passive"),
    Labelled("I'm not sure I can keep myself safe.", C, d(SI), "passive"),
    Labelled("I never want to wake up again.", C, d(SI), "passive"),
    Labelled("Nobody would miss me if I was gone.", C, d(SI), "passive"),
    Labelled("Some nights I think it would be easier not to wake up.", C, d(SI), "passive"),
    Labelled("It would be better if I didn't wake up.", C, d(SI), "passive"),
    Labelled("I just want everything to stop for a while.", C, d(SI), "passive"),
    Labelled("I want everything to stop changing at work.", C, frozenset(), "idiom"),
    Labelled("It would be easier if I didn't wake up so early.", C, frozenset(), "idiom"),
    Labelled("It's better not to wake up the kids before seven.", C, frozenset(), "idiom"),
    # Plans and means.
    Labelled("I've been stockpiling my sleeping pills.", C, d(PLAN), "plan"),
    Labelled("I want to kill myself and I have a gun at home.", C, d(SI, PLAN), "plan"),
    Labelled("I wrote a goodbye letter to my sister.", C, d(PLAN), "plan"),
    Labelled("I have a plan to kill myself on Friday.", C, d(SI, PLAN), "plan"),
    Labelled(
        "I think about suicide but I don't have a plan.",
        C,
        d(SI) | no(PLAN),
        "plan",
    ),
    Labelled("I've thought about jumping off the bridge near work.", C, d(SI, PLAN), "plan"),
    Labelled("I looked up how many pills it would take.", C, d(PLAN), "plan"),
    Labelled("I cut myself with a razor blade yesterday.", C, d(SH, PLAN), "plan"),
    # Benign medication and objects.
    Labelled("I take my pills every morning with breakfast.", C, NONE, "benign"),
    Labelled("I picked up my meds from the pharmacy.", C, NONE, "benign"),
    Labelled("I forgot to take my pills twice this week.", C, NONE, "benign"),
    Labelled("My doctor increased my medication dose.", C, NONE, "benign"),
    Labelled("The rope swing at the lake was fun.", C, NONE, "benign"),
    Labelled("My dad keeps a gun in the closet for hunting.", C, NONE, "benign"),
    Labelled("I'm not suicidal, I just take my pills every morning.", C, no(SI), "benign"),
    # Self-harm.
    Labelled("I cut myself last night.", C, d(SH), "disclosure"),
    Labelled("I've been cutting again.", C, d(SH), "disclosure"),
    Labelled("I burned myself with a cigarette on purpose.", C, d(SH), "disclosure"),
    Labelled("I hit myself when I get really angry.", C, d(SH), "disclosure"),
    Labelled("The self-harm has gotten worse.", C, d(SH), "disclosure"),
    Labelled("I have urges to cut when I'm stressed.", C, d(SH), "disclosure"),
    Labelled("I can't promise I won't hurt myself.", C, d(SH), "tricky negation"),
    Labelled("I don't trust myself not to hurt myself.", C, d(SH), "tricky negation"),
    Labelled("I'm not going to lie, I cut myself on Sunday.", C, d(SH), "tricky negation"),
    # Violence toward others.
    Labelled("I want to kill my boss.", C, d(VIO), "disclosure"),
    Labelled("Sometimes I feel like I could hurt someone.", C, d(VIO), "disclosure"),
    Labelled("I'm going to beat him up when I see him.", C, d(VIO), "disclosure"),
    Labelled("I'll make them pay for what they did.", C, d(VIO), "disclosure"),
    Labelled("I've had thoughts of stabbing my neighbour.", C, d(VIO), "disclosure"),
    Labelled("I want to hurt him so badly.", C, d(VIO), "disclosure"),
    # Abuse, the client as victim.
    Labelled("He hits me when he's been drinking.", C, d(AB), "disclosure"),
    Labelled("My husband pushed me down the stairs.", C, d(AB), "disclosure"),
    Labelled("She threatened me with a knife.", C, d(AB), "disclosure"),
    Labelled("He threatens to take the kids if I leave.", C, d(AB), "disclosure"),
    Labelled("My stepdad choked me last week.", C, d(AB), "disclosure"),
    Labelled("I'm afraid to go home.", C, d(AB), "disclosure"),
    Labelled("He forced me to have sex.", C, d(AB), "disclosure"),
    Labelled("My boyfriend gets violent when he's angry.", C, d(AB), "disclosure"),
    Labelled("My son hit me yesterday.", C, d(AB), "third party"),
    Labelled("I don't feel safe at home.", C, d(AB), "passive"),
    # Overdose.
    Labelled("I took too many pills last night.", C, d(OD), "disclosure"),
    Labelled("I took the whole bottle of Tylenol.", C, d(OD), "disclosure"),
    Labelled("I overdosed on my antidepressants on Saturday.", C, d(OD), "disclosure"),
    Labelled("I OD'd last month.", C, d(OD), "disclosure"),
    Labelled("I've thought about taking an overdose.", C, d(OD), "disclosure"),
    # Denials.
    Labelled("I have no thoughts of harming myself.", C, no(SH), "denial"),
    Labelled("I would never kill myself.", C, no(SI), "denial"),
    Labelled("I don't want to hurt myself.", C, no(SH), "denial"),
    Labelled("I'm not suicidal.", C, no(SI), "denial"),
    Labelled("Denies suicidal ideation.", None, no(SI), "denial"),
    Labelled("I haven't cut myself.", C, no(SH), "denial"),
    Labelled("I've never thought about suicide.", C, no(SI), "denial"),
    Labelled("No, I don't want to hurt anyone.", C, no(VIO), "denial"),
    Labelled("I would never hurt my kids.", C, no(VIO), "denial"),
    Labelled("I don't think I'd ever kill myself, I have my daughter.", C, no(SI), "denial"),
    Labelled("I've never overdosed.", C, no(OD), "denial"),
    Labelled("No thoughts of suicide or self-harm.", C, no(SI, SH), "denial"),
    Labelled("Suicide is not an option for me.", C, no(SI), "denial"),
    Labelled("I don't want to die.", C, no(SI), "denial"),
    Labelled("No SI, no HI.", None, no(SI, VIO), "denial"),
    Labelled("I didn't want to hurt myself, I just wanted the pain to stop.", C, no(SH), "denial"),
    # Historical.
    Labelled("I used to cut myself in high school.", C, past(SH), "historical"),
    Labelled("Years ago I tried to kill myself.", C, past(SI), "historical"),
    Labelled("When I was 16 I overdosed.", C, past(OD), "historical"),
    Labelled("I had a suicide attempt in 2015.", C, past(SI), "historical"),
    Labelled("Back in college I used to burn myself.", C, past(SH), "historical"),
    Labelled("In the past I had suicidal thoughts.", C, past(SI), "historical"),
    Labelled("A long time ago I wanted to die.", C, past(SI), "historical"),
    Labelled("I haven't cut myself since high school.", C, past(SH), "historical"),
    Labelled("I don't cut myself anymore.", C, past(SH), "historical"),
    Labelled("I was abused as a child.", C, past(AB), "historical"),
    Labelled("My ex used to hit me.", C, past(AB), "historical"),
    Labelled("I used to cut myself, and lately I've started again.", C, d(SH), "historical"),
    Labelled("I tried to kill myself years ago and I still want to die.", C, d(SI), "historical"),
    # Idioms.
    Labelled("I killed it at the presentation.", C, NONE, "idiom"),
    Labelled("The commute is killing me.", C, NONE, "idiom"),
    Labelled("You're killing me with these questions.", C, NONE, "idiom"),
    Labelled("This heat is killing me.", C, NONE, "idiom"),
    Labelled("I could kill for a coffee right now.", C, NONE, "idiom"),
    Labelled("I'm dying to see the new movie.", C, NONE, "idiom"),
    Labelled("That cake was to die for.", C, NONE, "idiom"),
    Labelled("I laughed so hard I almost died.", C, NONE, "idiom"),
    Labelled("My phone died during the call.", C, NONE, "idiom"),
    Labelled("I was just killing time before the session.", C, NONE, "idiom"),
    Labelled("Shoot, I forgot my homework.", C, NONE, "idiom"),
    Labelled("I had a shot of espresso before coming.", C, NONE, "idiom"),
    Labelled("She's drop-dead gorgeous.", C, NONE, "idiom"),
    Labelled("It's a killer app.", C, NONE, "idiom"),
    Labelled("I nearly died of embarrassment.", C, NONE, "idiom"),
    Labelled("The deadline is on Friday.", C, NONE, "idiom"),
    Labelled("I'm dead tired today.", C, NONE, "idiom"),
    Labelled("I was bored to death at work.", C, NONE, "idiom"),
    Labelled("My mom will kill me if she finds out.", C, NONE, "idiom"),
    Labelled("I beat myself up about it constantly.", C, NONE, "idiom"),
    Labelled("Quitting now would be career suicide.", C, NONE, "idiom"),
    Labelled("I overdosed on coffee this morning.", C, NONE, "idiom"),
    Labelled("I cut myself shaving this morning.", C, NONE, "idiom"),
    Labelled("I've been cutting back on sugar.", C, NONE, "idiom"),
    Labelled("We made a safety plan last week.", C, NONE, "idiom"),
    Labelled("He really hurt my feelings.", C, NONE, "idiom"),
    Labelled("It hit me that I need to change.", C, NONE, "idiom"),
    Labelled("It hurts me when you ignore me.", C, NONE, "idiom"),
    # Clinician questions and statements.
    Labelled("Have you had thoughts of killing yourself?", "Therapist", NONE, "clinician"),
    Labelled("Any thoughts of suicide or self-harm this week?", "Therapist", NONE, "clinician"),
    Labelled("Do you ever feel like you want to hurt someone?", "Dr. Lee", NONE, "clinician"),
    Labelled("Have you ever tried to overdose?", None, NONE, "clinician"),
    Labelled("So you've been cutting again?", "T", NONE, "clinician"),
    Labelled("Many people who feel suicidal never tell anyone.", "Therapist", NONE, "clinician"),
    Labelled("It sounds like you want to die.", "Counsellor", NONE, "clinician"),
    Labelled("Has anyone ever hit you or threatened you?", "Nurse", NONE, "clinician"),
    # Third parties.
    Labelled("My friend cuts herself.", C, NONE, "third party"),
    Labelled("My sister has been self-harming.", C, NONE, "third party"),
    Labelled("My uncle died by suicide when I was twelve.", C, NONE, "third party"),
    Labelled("My brother overdosed last year.", C, NONE, "third party"),
    Labelled("She told me her boyfriend wants to kill her.", C, NONE, "third party"),
    Labelled("My friend says her husband beats her.", C, NONE, "third party"),
    Labelled("My dad said he would kill my mom.", C, NONE, "third party"),
    Labelled("She told me she wants to die.", C, NONE, "third party"),
    # More of each, in the words clients use.
    Labelled("I'd be lying if I said I didn't want to die.", C, d(SI), "tricky negation"),
    Labelled("i wanna die lol", C, d(SI), "disclosure"),
    Labelled("Last week I tried to hang myself.", C, d(SI), "disclosure"),
    Labelled("They'd be better off without me.", C, d(SI), "disclosure"),
    Labelled(
        "I keep a knife under my pillow in case I want to cut myself.",
        C,
        d(SH, PLAN),
        "plan",
    ),
    Labelled("I've relapsed on cutting.", C, d(SH), "disclosure"),
    Labelled("I could have killed him.", C, d(VIO), "disclosure"),
    Labelled("I shoved my girlfriend.", C, d(VIO), "disclosure"),
    Labelled("I'm scared I'll hurt my baby.", C, d(VIO), "disclosure"),
    Labelled("I just want to hurt somebody.", C, d(VIO), "disclosure"),
    Labelled("He said he'd kill me.", C, d(AB), "disclosure"),
    Labelled("My partner won't let me see my friends.", C, d(AB), "disclosure"),
    Labelled("Abused as a child, mostly by my uncle.", C, past(AB), "historical"),
    Labelled("I used to be abused by my father.", C, past(AB), "historical"),
    Labelled("I attempted suicide twice before.", C, past(SI), "historical"),
    Labelled("Previously I had a plan to overdose.", C, past(PLAN, OD), "historical"),
    Labelled("There's no way I'd hurt myself.", C, no(SH), "denial"),
    Labelled("Don't worry, I'm not going to hurt anyone.", C, no(VIO), "denial"),
    Labelled("I bought a gun for hunting season.", C, NONE, "benign"),
    Labelled("I don't want to hurt her feelings.", C, NONE, "idiom"),
]
