"""The forms of disclosure the safety net used to miss (issue 18), each construct that
clinicians screen for, and the dialogue rules: a question and its answer, a statement over
two lines, a disclosure after a denial, someone else's story, idioms. The lexicon alone:
no model is installed or needed for any of these."""

import pytest

from core.notes.risk import detect_risks


def disclosed(transcript: str) -> set[tuple[str, tuple[int, ...]]]:
    return {(f.category, f.lines) for f in detect_risks(transcript) if f.status == "disclosed"}


def categories(transcript: str) -> set[str]:
    return {category for category, _ in disclosed(transcript)}


# --- each construct, in words a client might use ------------------------------------
CONSTRUCTS = [
    ("wish_to_be_dead", "suicidal_ideation", "Some nights I wish I could just not wake up."),
    ("active_ideation", "suicidal_ideation", "I've been thinking about killing myself."),
    ("method", "plan_or_means", "I'd take all my sleeping pills at once."),
    ("intent", "suicidal_ideation", "I'm going to go through with it. I've made up my mind."),
    ("plan", "plan_or_means", "I've made a plan to end my life on Friday."),
    ("preparatory_acts", "plan_or_means", "I've been stockpiling my tablets in a drawer."),
    ("past_attempt", "suicidal_ideation", "Last month I tried to kill myself."),
    ("nssi", "self_harm", "I've been cutting my arms again."),
    ("homicidal_ideation", "violence", "I keep picturing stabbing him while he sleeps."),
    ("weapon_access", "violence", "My dad keeps a loaded shotgun under his bed."),
    ("abuse_physical", "abuse", "He punched me in the face last night."),
    ("abuse_sexual", "abuse", "My stepdad touched me when I was asleep."),
    ("abuse_emotional", "abuse", "She calls me worthless and stupid every single day."),
    ("abuse_financial", "abuse", "My son takes my whole pension and leaves me nothing."),
    ("neglect", "abuse", "I haven't fed the kids properly in days, there's no food in."),
    ("coercive_control", "abuse", "He checks my phone and won't let me see my friends."),
    ("overdose_event", "overdose", "I took a whole packet of paracetamol on Saturday."),
    ("intoxication_event", "overdose", "I drank until I blacked out and woke up on the floor."),
]


@pytest.mark.parametrize(("construct", "category", "said"), CONSTRUCTS)
def test_every_construct_is_disclosed(construct: str, category: str, said: str) -> None:
    flags = [f for f in detect_risks(f"Client: {said}") if f.status == "disclosed"]
    assert category in {f.category for f in flags}, said
    assert construct in {f.construct for f in flags}, said


# --- the forms that were missed ------------------------------------------------------
MISSED_FORMS = [
    # passive ideation in paraphrase
    ("Client: Everyone would be better off if I just disappeared.", "suicidal_ideation"),
    ("Client: Some nights I pray I won't see the morning.", "suicidal_ideation"),
    # self-injury by method, object or pronoun
    ("Client: I took the blade out of my pencil sharpener again.", "self_harm"),
    ("Client: I burn myself with a lighter when it gets too much.", "self_harm"),
    (
        "Therapist: Do you ever hurt yourself?\nClient: I do it on my thighs so nobody sees.",
        "self_harm",
    ),
    # plans as places or acts, preparatory acts
    ("Client: I've written letters to my kids, for after.", "plan_or_means"),
    ("Client: I've been saving up my sleeping pills.", "plan_or_means"),
    # an overdose as an event, without the word
    (
        "Client: I swallowed all my mum's tablets with a bottle of vodka and woke up in A&E.",
        "overdose",
    ),
    # elder, financial and coercive abuse
    ("Client: My carer shouts at me and leaves me sitting wet for hours.", "abuse"),
    ("Client: My nephew has my bank card and takes money whenever he likes.", "abuse"),
    ("Client: He tracks my phone and tells me who I'm allowed to see.", "abuse"),
    # another language and slang
    ("Client: A veces pienso que sería mejor no despertar.", "suicidal_ideation"),
    ("Client: Quiero matarme, ya no aguanto más.", "suicidal_ideation"),
    ("Client: ngl i wanna unalive myself", "suicidal_ideation"),
    ("Client: honestly kms", "suicidal_ideation"),
]


@pytest.mark.parametrize(("transcript", "category"), MISSED_FORMS)
def test_a_form_that_was_missed_is_disclosed(transcript: str, category: str) -> None:
    assert category in categories(transcript), transcript


def test_an_affirmation_of_a_direct_question_is_a_disclosure_quoting_both_lines() -> None:
    transcript = "Therapist: Have you had thoughts of ending your life?\nClient: Sometimes."
    flags = detect_risks(transcript)
    assert [(f.category, f.status, f.lines) for f in flags] == [
        ("suicidal_ideation", "disclosed", (1, 2))
    ]
    assert flags[0].quote == ("Therapist: Have you had thoughts of ending your life? / Sometimes.")
    assert flags[0].describe().startswith("Suicidal ideation (disclosed, lines 1-2")


@pytest.mark.parametrize(
    "answer", ["Yes.", "A bit.", "I have.", "Yeah, most nights.", "Sí.", "ye", "Mm.",
               "I'm thinking about it. Not doing it.", "I've thought about it a good deal.",
               "Might do.", "Not a plan. Just that thought, late at night."]
)  # fmt: skip
def test_each_affirmation_counts(answer: str) -> None:
    transcript = f"Therapist: Do you think about killing yourself?\nClient: {answer}"
    assert disclosed(transcript) == {("suicidal_ideation", (1, 2))}


@pytest.mark.parametrize(
    "answer",
    [
        "No.",
        "No, never.",
        "Nah, not really.",
        "Nunca.",
        "God no. I do this job because I love life.",
    ],
)
def test_a_no_to_the_question_is_a_denial(answer: str) -> None:
    transcript = f"Therapist: Do you think about killing yourself?\nClient: {answer}"
    assert [f.status for f in detect_risks(transcript)] == ["denied"]


@pytest.mark.parametrize(
    ("question", "category"),
    [
        ("Do you sometimes feel you'd rather not be alive?", "suicidal_ideation"),
        ("So you've made your mind up to end your life?", "suicidal_ideation"),
        ("Since last week, have you taken more of your tablets than you meant to?", "overdose"),
        ("Have you blacked out after drinking lately?", "overdose"),
        ("Does your husband say things that frighten you?", "abuse"),
        ("Does she check your phone?", "abuse"),
        ("Has anyone made you do sexual things you didn't want?", "abuse"),
        ("Do you keep a gun in the house?", "violence"),
        ("¿Alguna vez ha pensado que sería mejor no estar viva?", "suicidal_ideation"),
        ("¿Alguna vez la ha empujado su hijo?", "abuse"),
        ("Have you had thoughts of actually hurting or killing him?", "violence"),
        ("Do you think you would act on that?", "suicidal_ideation"),
        ("Is anything happening at home that you don't want to happen?", "abuse"),
    ],
)
def test_each_screening_question_makes_a_yes_a_disclosure(question: str, category: str) -> None:
    assert (category, (1, 2)) in disclosed(f"Therapist: {question}\nClient: Yeah.")
    assert not any(
        f.status == "disclosed" for f in detect_risks(f"Therapist: {question}\nClient: No.")
    )


def test_a_yes_to_a_question_about_two_risks_discloses_both() -> None:
    transcript = (
        "Therapist: have you had thoughts that you'd be better off dead or of hurting yourself\n"
        "Client: more than i'd like to be honest"
    )
    assert disclosed(transcript) == {("suicidal_ideation", (1, 2)), ("self_harm", (1, 2))}
    denied = detect_risks(transcript.replace("more than i'd like to be honest", "No, neither."))
    assert {(f.category, f.status) for f in denied} == {
        ("suicidal_ideation", "denied"),
        ("self_harm", "denied"),
    }


@pytest.mark.parametrize(
    ("question", "category"),
    [
        ("Can you promise me you won't act on these thoughts before we meet?", "suicidal_ideation"),
        ("Is there enough food in the house for you and your sister?", "abuse"),
    ],
)
def test_a_no_to_a_promise_or_to_enough_food_is_a_disclosure(question: str, category: str) -> None:
    for reply in ("No.", "I can't promise that."):
        assert (category, (1, 2)) in disclosed(f"Therapist: {question}\nClient: {reply}"), reply


def test_no_to_feeling_safe_at_home_is_a_disclosure() -> None:
    transcript = "Therapist: Do you feel safe at home?\nClient: No. Not really."
    assert "abuse" in categories(transcript)


def test_an_open_question_about_a_plan_is_answered_by_any_reply() -> None:
    transcript = (
        "Therapist: Have you thought about how you would do it?\n"
        "Client: The bridge on the ring road."
    )
    assert disclosed(transcript) == {("plan_or_means", (1, 2))}


def test_a_generic_where_or_when_question_asks_for_a_plan_only_once_risk_was_raised() -> None:
    opener = "Therapist: Where would you like to start today?\nClient: The new job, I think.\n"
    assert disclosed(opener) == set()
    after_ideation = (
        "Client: I keep thinking I'd be better off dead.\n"
        "Therapist: Where would you do it?\n"
        "Client: The car park behind the station."
    )
    assert ("plan_or_means", (2, 3)) in disclosed(after_ideation)


def test_a_statement_over_two_client_lines_is_read_as_one() -> None:
    transcript = (
        "Client: Sometimes I think about taking\n"
        "Client: all the pills in the cupboard and just ending it."
    )
    flags = [f for f in detect_risks(transcript) if f.status == "disclosed"]
    assert flags and any(f.lines in ((1, 2), (2,)) for f in flags)
    assert "suicidal_ideation" in {f.category for f in flags}


def test_a_denial_never_masks_a_later_disclosure() -> None:
    transcript = (
        "Therapist: Any thoughts of suicide?\n"
        "Client: No, nothing like that.\n"
        "Therapist: Okay. How has the week been?\n"
        "Client: Honestly? I lied before. I have thought about ending it."
    )
    statuses = {(f.status, f.lines) for f in detect_risks(transcript)}
    assert ("denied", (1, 2)) in statuses
    assert any(status == "disclosed" and 4 in lines for status, lines in statuses)


@pytest.mark.parametrize(
    "taken_back", ["Earlier I said no, but it's there.", "I said nah before. It's not nah."]
)
def test_taking_back_a_denial_is_a_disclosure(taken_back: str) -> None:
    transcript = (
        "Therapist: Are you having any thoughts of ending your life?\n"
        "Client: No.\n"
        "Therapist: Okay. What's been on your mind this week?\n"
        f"Client: {taken_back}"
    )
    assert ("suicidal_ideation", (4,)) in disclosed(transcript)


@pytest.mark.parametrize(
    ("said", "category"),
    [
        ("The gas has been off since Friday and my dad hasn't put money on it.", "abuse"),
        ("My inhaler ran out two weeks ago and nobody's been round.", "abuse"),
        ("I haven't had a proper meal since Tuesday.", "abuse"),
        ("Mi mamá se fue el lunes y no ha vuelto, no hay comida.", "abuse"),
        ("I woke up in a bus shelter across town, no idea how I got there.", "overdose"),
        ("Security found me face down in the car park at four.", "overdose"),
        ("I drove home off my face again on Saturday.", "overdose"),
        ("Me encontraron tirado en la calle después de la fiesta.", "overdose"),
    ],
)
def test_neglect_and_intoxication_events_told_without_their_names(said: str, category: str) -> None:
    assert (category, (1,)) in disclosed(f"Client: {said}"), said


@pytest.mark.parametrize(
    "said",
    [
        "He said he would kill me if I left.",
        "He sent me a text saying he'd kill me if I told anyone.",
        "He will kill me if I leave him.",
    ],
)
def test_a_threat_to_kill_over_leaving_or_telling_is_abuse_not_an_idiom(said: str) -> None:
    assert ("abuse", (1,)) in disclosed(f"Client: {said}"), said


def test_a_sentence_dating_the_one_before_makes_it_history() -> None:
    transcript = "Client: I cut my arms for a few months. That was nine years ago. It stopped."
    assert {(f.category, f.status) for f in detect_risks(transcript)} == {
        ("self_harm", "historical")
    }


def test_what_will_you_do_is_not_a_plan_question_but_what_would_you_do_there_is() -> None:
    opener = "Client: I keep thinking about ending it.\n"
    weekend = f"{opener}Therapist: What will you do when it's handed in?\nClient: Sleep for a week."
    assert ("plan_or_means", (2, 3)) not in disclosed(weekend)
    there = f"{opener}Therapist: What would you do at the quarry?\nClient: Drive off the edge."
    assert ("plan_or_means", (2, 3)) in disclosed(there)


def test_wanting_to_sleep_and_not_come_round_is_a_wish_to_be_dead() -> None:
    assert disclosed("Client: I just wanted to go to sleep and not come round.") == {
        ("suicidal_ideation", (1,))
    }


@pytest.mark.parametrize(
    "said",
    [
        "I'm a paramedic. Last week a man had taken an overdose and we couldn't save him.",
        "One of my patients on the ward tried to hang himself on my shift.",
        "My friend told me her boyfriend hits her, and I didn't know what to say.",
        "We watched a film where the mother kills herself at the end.",
        "I work nights on a prison wing and on the wing one lad tried to hang himself.",
        "I had to take three children into care from a flat where mum was passed out drunk.",
        "In the play I have a monologue where she reads her goodbye letter to her son.",
        "It was a hanging in a garage. When we got there I had to cut him down.",
        "My essay is on a novel whose heroine throws herself under a train.",
        "One caller last night told me exactly which bridge he'd picked.",
    ],
)
def test_someone_elses_story_is_not_the_clients_disclosure(said: str) -> None:
    assert disclosed(f"Client: {said}") == set(), said


@pytest.mark.parametrize(
    "said",
    [
        "My mum is going to kill me when she sees my grades.",
        "Dad will murder me if I crash his car.",
        "This commute is killing me.",
        "I nearly died laughing.",
        "Me muero de ganas de verte.",
        "I cut myself on the bread slicer at work, nothing much.",
        "Me corté un poco el dedo pelando patatas.",
        "My physio would kill me if she saw me skip the stretches.",
        "The rehab nurse is trying to kill me on the treadmill.",
        "My wife says I'll kill us all with the salt.",
        "I handed in my rifle to the police last spring, I don't want it in the house.",
        "Sea swimming in January, it'd kill you, but I love it.",
        "She could choke me out in a second, she's a black belt.",
        "My mum will worry herself into an early grave.",
        "My husband says I'll kill myself doing all these extra shifts.",
    ],
)
def test_an_idiom_is_not_a_disclosure(said: str) -> None:
    assert disclosed(f"Client: {said}") == set(), said


def test_only_a_plan_or_means_is_still_a_disclosure() -> None:
    transcript = "Therapist: Have you done anything to get ready?\nClient: I gave my dog away."
    assert disclosed(transcript) == {("plan_or_means", (1, 2))}


@pytest.mark.parametrize(
    "said",
    [
        "She rang me sobbing and she goes, 'I just want to die, Jo, I can't do this any more.'",
        "His mate had texted, 'I'm going to end it tonight, tell mum I'm sorry.'",
        "When I was doing her obs she told me, 'I took all my pills, all of them.'",
        'He kept saying, "I jumped, I wanted it over, why am I still here?"',
        "Y me dijo, tal cual: «Me corto cuando ya no puedo más».",
        "My brother told me last month, 'I thought about ending it, but gaming kept me going.'",
    ],
)
def test_someone_elses_quoted_words_are_not_the_clients_disclosure(said: str) -> None:
    assert disclosed(f"Client: {said}") == set(), said


@pytest.mark.parametrize(
    ("said", "category"),
    [
        ("I told my sister, 'I want to die, I can't do this any more.'", "suicidal_ideation"),
        ("He grabbed my arm and said, 'I'll kill you if you leave.'", "violence"),
        ("She says it's nothing, but I said, 'I've been cutting again.'", "self_harm"),
    ],
)
def test_the_clients_own_quoted_words_and_a_threat_at_them_stay(said: str, category: str) -> None:
    assert (category, (1,)) in disclosed(f"Client: {said}"), said


@pytest.mark.parametrize(
    "said",
    [
        "And my sister says she'll kill me if I don't bring the trifle to Christmas.",
        "Mam says the worry will kill me.",
        "This heat will kill me, I swear.",
        "I'll kill him if he leaves the lid off the toothpaste again.",
    ],
)
def test_a_chore_threat_and_a_thing_that_will_kill_are_idioms(said: str) -> None:
    assert ("violence", (1,)) not in disclosed(f"Client: {said}"), said
    assert ("abuse", (1,)) not in disclosed(f"Client: {said}"), said


def test_said_to_be_figurative_is_a_possible_risk_not_a_disclosure() -> None:
    flags = detect_risks("Client: Sometimes I want to kill them all. Figuratively. I love them.")
    assert [(f.category, f.status) for f in flags] == [("violence", "possible")]


def test_a_no_answers_the_last_question_asked() -> None:
    safe = (
        "Therapist: Are you safe at home? Is anyone hurting you, or controlling you?\n"
        "Client: No, not at all. I live alone with my cat."
    )
    assert "abuse" not in categories(safe)
    nobody = "Therapist: Are you safe at home, no one hurting you?\nClient: No one. Totally safe."
    assert "abuse" not in categories(nobody)


def test_not_since_a_year_long_gone_is_history() -> None:
    transcript = (
        "Client: I had thoughts of suicide after the redundancy, years ago.\n"
        "Therapist: And when did you last have any?\n"
        "Client: Not since early 2018."
    )
    assert ("suicidal_ideation", "disclosed") not in {
        (f.category, f.status) for f in detect_risks(transcript)
    }


@pytest.mark.parametrize(
    "said",
    [
        "I think about death like anyone. But do I want to die? No. I have my mother to mind.",
        "Nostalgia sí, ganas de morirme no. Quiero volver un día.",
    ],
)
def test_a_question_the_client_answers_no_is_a_denial(said: str) -> None:
    flags = detect_risks(f"Client: {said}")
    assert flags and {f.status for f in flags} == {"denied"}, said


@pytest.mark.parametrize(
    "said",
    [
        "I'm going to drown myself in mojitos this weekend.",
        "I do the self-harm assessments all day, I know the questions by heart.",
        "Mi vieja would kill me otherwise, jaja.",
        "Esta corbata me ahorca, tengo que aflojarla.",
        "Me corté picando cebolla el sábado, dos puntadas.",
    ],
)
def test_more_idioms_and_work_talk_are_not_disclosures(said: str) -> None:
    assert disclosed(f"Client: {said}") == set(), said


def test_joking_said_outright_makes_a_possible_risk() -> None:
    flags = detect_risks("Client: I want to die every time I see that lechon. Joke only.")
    assert {f.status for f in flags} == {"possible"}


@pytest.mark.parametrize("reply", ["Oh, goodness, no. I'm eighty-three.", "Qué va, para nada."])
def test_a_no_after_an_interjection_is_a_denial(reply: str) -> None:
    question = "Therapist: Have you had any thoughts of ending your life?"
    flags = detect_risks(f"{question}\nClient: {reply}")
    assert {(f.category, f.status) for f in flags} == {("suicidal_ideation", "denied")}, reply


@pytest.mark.parametrize(
    "said",
    ["He will kill me one day.", "He is going to kill me.", "My husband will kill me one day.",
     "She's trying to kill me.", "My agent is going to kill me."],
)  # fmt: skip
def test_he_will_kill_me_with_nothing_of_why_is_a_possible_risk_never_hidden(said: str) -> None:
    # the fear it may say, or a figure of speech: for a clinician to weigh
    assert [(f.category, f.status) for f in detect_risks(f"Client: {said}")] == [
        ("abuse", "possible")
    ], said
