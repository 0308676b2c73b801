import pytest

from core.notes.spoken import clean_spoken, is_question, sentences, third_person


@pytest.mark.parametrize(
    ("spoken", "clean"),
    [
        ("um , i've been , i've been doing okay .", "I've been doing okay."),
        ("i do n't know , i ca n't say", "I don't know, I can't say"),
        ("i'm gon na start , uh , walking", "I'm going to start, walking"),
        ("hey , dragon , show me the x-ray . it looks fine .", "It looks fine."),
        ("l- let you know what i find", "Let you know what I find"),
        ("but you know , it does hurt", "But it does hurt"),
        ("you know , it hurts , you know .", "It hurts."),
        ("we'll check your labs , okay ?", "We'll check your labs."),
    ],
)
def test_spoken_words_are_cleaned(spoken: str, clean: str) -> None:
    assert clean_spoken(spoken) == clean


def test_sentences_drop_acknowledgements_and_leading_fillers() -> None:
    text = clean_spoken("okay . all right , great . so , my knee hurts when i walk . yes .")
    assert sentences(text) == ["My knee hurts when I walk."]


@pytest.mark.parametrize(
    ("said", "subject", "written"),
    [
        (
            "I've been walking and my knee hurts me.",
            "she",
            "She has been walking and her knee hurts her.",
        ),
        ("I'm tired. I feel worse.", "he", "He is tired. He feels worse."),
        (
            "I really want to stop, I don't sleep.",
            "she",
            "She really wants to stop, she doesn't sleep.",
        ),
        ("Unfortunately I haven't cut it out.", "she", "Unfortunately she hasn't cut it out."),
        ("I take it myself.", "the patient", "The patient takes it themselves."),
    ],
)
def test_the_patients_words_in_the_third_person(said: str, subject: str, written: str) -> None:
    assert third_person(said, subject) == written


@pytest.mark.parametrize(
    ("sentence", "question"),
    [("What does that mean.", True), ("Any fever?", True), ("It hurts.", False)],
)
def test_questions_by_mark_or_first_word(sentence: str, question: bool) -> None:
    assert is_question(sentence) is question
