"""The whole risk safety net as configured: the lexicon with a clinic's own words, and the
second screen when its encoder is installed.

``detect`` is the lexicon (instant, never fails); ``possible`` is the screen's findings
("possible risk, please review"), empty without a screen and when the screen fails; a
failure is logged without any text of the transcript. ``flags`` is both, in line order.

Safe from any thread (the screen's encoder takes one call at a time); never imports Qt.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from core.logs import log_event
from core.notes.risk import detect_risks
from core.notes.risk_flags import RiskFlag
from core.notes.risk_lexicon import Phrase
from core.notes.risk_screen import RiskScreen

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RiskNet:
    clinic_words: tuple[Phrase, ...] = ()
    screen: RiskScreen | None = None

    @property
    def screens(self) -> bool:
        """Whether a second screen is installed and on."""
        return self.screen is not None

    def detect(self, transcript: str) -> list[RiskFlag]:
        """The lexicon's flags (disclosed, denied, historical; violent venting possible)."""
        return detect_risks(transcript, self.clinic_words)

    def possible(self, transcript: str, flags: Sequence[RiskFlag]) -> list[RiskFlag]:
        """The second screen's "possible risk" flags on lines ``flags`` leave alone."""
        if self.screen is None:
            return []
        try:
            return self.screen.findings(transcript, flags)
        except Exception as exc:  # the lexicon's flags stand whatever the screen does
            log_event(logger, "risk.screen_failed", level=logging.WARNING, error=type(exc).__name__)
            return []

    def flags(self, transcript: str) -> list[RiskFlag]:
        """Every flag: the lexicon's, then the screen's, in line order."""
        found = self.detect(transcript)
        return sorted([*found, *self.possible(transcript, found)], key=lambda f: f.lines)
