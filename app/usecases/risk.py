"""The risk safety net on its own, for both front ends: scanning a transcript file, and
checking a clinic's risk words file before it is deployed. No database."""

from dataclasses import dataclass
from pathlib import Path

from core.notes.risk import RiskFlag
from core.notes.risk_net import RiskNet
from core.notes.risk_words import load_risk_words
from core.notes.transcript import read_transcript_file

__all__ = ["RiskScan", "check_risk_words", "scan_transcript"]


@dataclass(frozen=True)
class RiskScan:
    flags: list[RiskFlag]  # in line order: disclosed, denied, historical and possible
    screened: bool  # whether the second screen read it too


def scan_transcript(risk_net: RiskNet, path: Path) -> RiskScan:
    """Every risk flag of a transcript file (``TranscriptError`` for a bad file)."""
    transcript = read_transcript_file(path).as_text()
    return RiskScan(risk_net.flags(transcript), risk_net.screens)


def check_risk_words(path: Path) -> int:
    """How many phrases the words file at ``path`` holds (``RiskWordsError`` saying where
    it is not valid, or that it is missing: here it is the file being checked)."""
    return load_risk_words(path, required=True).entries
