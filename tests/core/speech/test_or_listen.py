"""The room listening to a stream: an utterance is recognised once, early, while the
pause that ends it is still being waited for; when speech comes back within the pause
the early guess is dropped and the whole utterance is recognised. Real speech (espeak-ng)
through the real recogniser."""

import numpy as np
import pytest
from speech_audio import at_16k, require_speech, silence, speak

from core.orstate.surgeries import load_surgeries
from core.speech.model_dir import check_speech_model
from core.speech.or_commands import CommandSet
from core.speech.or_listen import listen
from core.speech.recogniser import Recogniser

pytestmark = pytest.mark.slow


class CountingRecogniser(Recogniser):
    """The real recogniser, counting its calls."""

    calls = 0

    def command(self, samples: np.ndarray, *, prompt: str | None = None) -> str:
        self.calls += 1
        return super().command(samples, prompt=prompt)


@pytest.fixture(scope="module")
def recogniser() -> CountingRecogniser:
    return CountingRecogniser(check_speech_model(require_speech()), threads=2)


def _heard(recogniser: CountingRecogniser, *parts: np.ndarray) -> list[tuple[str | None, str]]:
    recogniser.calls = 0
    sound = at_16k(np.concatenate([silence(0.5), *parts, silence(1.0)]))
    blocks = [sound[i : i + 1600] for i in range(0, sound.size, 1600)]
    commands = CommandSet(load_surgeries().get("PCNL"))
    found = []
    for h in listen(recogniser, commands, blocks):
        toggles = commands.rules.parse(h.heard.feed).toggles if h.heard.feed else ()
        found += [(f"{t.machine_id}:{t.action}", h.heard.heard) for t in toggles] or [
            (None, h.heard.heard)
        ]
        assert h.started_at <= h.utterance.cut_at  # recognised from the early guess on
    return found


def test_a_command_is_recognised_once_while_its_pause_is_waited_for(
    recogniser: CountingRecogniser,
) -> None:
    found = _heard(recogniser, speak("Turn on the C-arm."))
    assert [change for change, _ in found] == ["M04:ON"]
    assert recogniser.calls == 1


def test_speech_that_goes_on_after_a_short_pause_is_heard_whole(
    recogniser: CountingRecogniser,
) -> None:
    # espeak-ng ends "Turn off the" with 0.39 s of silence: longer than the early guess
    # waits (0.2 s), shorter than the pause that ends an utterance (0.45 s)
    found = _heard(recogniser, speak("Turn off the"), speak("lights."))
    assert [change for change, _ in found] == ["M09:OFF"], found
    assert recogniser.calls >= 2  # the guess at the short pause was not the answer
