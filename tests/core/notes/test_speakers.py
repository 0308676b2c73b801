import pytest

from core.notes.speakers import is_clinician, split_speaker


@pytest.mark.parametrize(
    ("line", "speaker", "text"),
    [
        ("Client: I saved up 40 pills", "Client", " I saved up 40 pills"),
        ("Client: 40 pills, all saved up", "Client", " 40 pills, all saved up"),
        ("Dr. Lee: how was the week?", "Dr. Lee", " how was the week?"),
        ("Speaker 1 (Therapist): go on", "Speaker 1 (Therapist)", " go on"),
        ("therapist: lower case role", "therapist", " lower case role"),
        ("[doctor] hi , martha .", "doctor", " hi , martha ."),
        ("[Patient]: yes", "Patient", " yes"),
        ("[speaker 2] go on", "speaker 2", " go on"),
    ],
)
def test_labels(line: str, speaker: str, text: str) -> None:
    assert split_speaker(line) == (speaker, text)


@pytest.mark.parametrize(
    "line",
    [
        "I said: no",
        "At 10:30: coffee",
        "see http://x.org",
        "Note: bring the diary",
        "Therapist:",
        "[laughs] yes",
        "[doctor]",
    ],
)
def test_not_labels(line: str) -> None:
    assert split_speaker(line) == (None, line)


@pytest.mark.parametrize(
    ("speaker", "clinician"),
    [
        ("Therapist", True),
        ("Dr. Lee", True),
        ("T", True),
        ("Nurse Kim", True),
        ("Speaker 1 (Therapist)", True),
        ("Client", False),
        ("Ada", False),
        (None, False),
    ],
)
def test_clinicians(speaker: str | None, clinician: bool) -> None:
    assert is_clinician(speaker) is clinician
