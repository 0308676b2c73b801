"""The risk safety net as this installation has it: the built-in lexicon, the clinic's own
words (``risk_words.json`` in the configuration folder) and the second screen when its
encoder is installed (``screen/`` in a models folder) and ``risk.second_screen`` is on.

Nothing here can stop Auralis: an invalid words file or an unusable screen is reported
as a problem and left out; the lexicon always works.
"""

from dataclasses import dataclass, field
from pathlib import Path

from app.paths import AppPaths
from app.settings import Settings
from core.llm.embedder import Embedder
from core.notes.risk_net import RiskNet
from core.notes.risk_screen import SCREEN_MODEL_NAME, HeadError, RiskScreen, load_head
from core.notes.risk_words import FILE_NAME, RiskWordsError, load_risk_words

SCREEN_DIR = "screen"
SCREEN_THREADS = 2  # short texts: more threads do not help


@dataclass(frozen=True)
class RiskNetSetup:
    net: RiskNet
    words_file: Path
    encoder: Path | None  # the screen's encoder in use (None: no second screen)
    problems: list[str] = field(default_factory=list)


def words_file(paths: AppPaths) -> Path:
    return paths.config_dir / FILE_NAME


def find_encoder(paths: AppPaths) -> Path | None:
    """The screen's encoder in the first models folder that has it."""
    for folder in paths.model_search_dirs():
        candidate = folder / SCREEN_DIR / SCREEN_MODEL_NAME
        if candidate.is_file():
            return candidate
    return None


def why_no_screen(settings: Settings) -> str:
    """Why the net reads only the listed phrases, as the window and the CLI say it."""
    if not settings.risk.second_screen:
        return "second screen switched off (risk.second_screen = false)"
    return "second screen not installed (`make` installs it)"


def open_risk_net(paths: AppPaths, settings: Settings) -> RiskNetSetup:
    problems = []
    words = words_file(paths)
    try:
        clinic = load_risk_words(words).phrases
    except RiskWordsError as exc:
        problems.append(f"{exc} The built-in risk phrases are used without it.")
        clinic = ()
    encoder = find_encoder(paths) if settings.risk.second_screen else None
    screen = None
    if encoder is not None:
        try:
            head = load_head()
        except HeadError as exc:
            problems.append(f"{exc} The risk net runs without its second screen.")
            encoder = None
        else:
            screen = RiskScreen(Embedder(encoder, threads=SCREEN_THREADS), head)
    return RiskNetSetup(RiskNet(clinic, screen), words, encoder, problems)
