"""The whole risk safety net as configured: the lexicon with a clinic's own words, and the
second screen when its encoder is installed.

``detect`` is the lexicon (instant, never fails); ``review`` is the screen's findings
("possible risk, please review") and the lexicon's disclosures it reads as unlikely
(shown as possible risks too), empty without a screen and when the screen fails; a
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
from core.notes.risk_screen import RiskScreen, ScreenReview

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

    def review(self, transcript: str, flags: Sequence[RiskFlag]) -> ScreenReview:
        """The second screen's "possible risk" flags on lines ``flags`` leave alone, and the
        disclosures among ``flags`` it reads as unlikely (empty without a screen)."""
        if self.screen is None:
            return ScreenReview()
        try:
            review = self.screen.review(transcript, flags)
        except Exception as exc:  # the lexicon's flags stand whatever the screen does
            log_event(logger, "risk.screen_failed", level=logging.WARNING, error=type(exc).__name__)
            return ScreenReview()
        if review.doubted and self.clinic_words:
            # a clinic's own words were chosen for its clients: the screen never doubts them
            built_in = set(detect_risks(transcript))
            kept = tuple(f for f in review.doubted if f in built_in)
            review = ScreenReview(review.possible, kept)
        return review

    def flags(self, transcript: str) -> list[RiskFlag]:
        """Every flag, in line order: the lexicon's (those the screen doubts shown as
        possible), then the screen's."""
        found = self.detect(transcript)
        return self.review(transcript, found).applied(found)
