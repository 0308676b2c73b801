"""How close drafted notes come to reference notes, scored with the field's own tools:
ROUGE-1/2/L/Lsum F1 from ``rouge-score`` (stemmed; Lsum's sentences split on newlines, as
ACI-Bench and MTS-Dialog report it) and corpus BLEU from ``sacrebleu``; and what those do
not see: section coverage, risk-marker recall, word counts.

``rouge-score`` and ``sacrebleu`` are the optional ``eval`` extra; ``NoteMetricsError``
says how to install them. No patient text leaves this module except in return values.
"""

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.notes.markers import strip_markers
from core.notes.render import NOTICE
from core.notes.risk_flags import RiskFlag
from core.notes.templates import NOT_DISCUSSED

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")
INSTALL_HINT = "pip install 'auralis[eval]' (rouge-score and sacrebleu)"


class NoteMetricsError(RuntimeError):
    """The scoring libraries are missing; the message says how to install them."""


@dataclass(frozen=True)
class TextScores:
    """Mean F1 of each ROUGE type and corpus BLEU (0-100), over the same rows."""

    rouge1: float
    rouge2: float
    rougeL: float  # rouge-score's own names
    rougeLsum: float
    bleu: float

    def as_dict(self) -> dict[str, float]:
        return {
            "rouge1": round(self.rouge1, 4),
            "rouge2": round(self.rouge2, 4),
            "rougeL": round(self.rougeL, 4),
            "rougeLsum": round(self.rougeLsum, 4),
            "bleu": round(self.bleu, 2),
        }


def note_body(text: str) -> str:
    """A note as a reader sees its content: without the bracketed notices ("[Rule-based
    draft ...]") that label it, and with risk markers' words kept."""
    lines = [line for line in text.splitlines() if not NOTICE.match(line.strip())]
    return strip_markers("\n".join(lines)).strip()


def score_texts(predictions: Sequence[str], references: Sequence[str]) -> TextScores:
    """ROUGE F1 means and corpus BLEU of ``predictions`` against ``references``."""
    try:
        import sacrebleu
        from rouge_score import rouge_scorer
    except ImportError:
        raise NoteMetricsError(
            f"Scoring notes needs rouge-score and sacrebleu: {INSTALL_HINT}."
        ) from None
    if not predictions or len(predictions) != len(references):
        raise ValueError("score_texts needs as many predictions as references, at least one")
    scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True, split_summaries=False)
    means: dict[str, float] = {}
    scores = [
        scorer.score(ref, _newline_sentences(pred))
        for pred, ref in zip(predictions, references, strict=True)
    ]
    for kind in ROUGE_TYPES:
        means[kind] = statistics.fmean(s[kind].fmeasure for s in scores)
    bleu = sacrebleu.corpus_bleu(
        [" ".join(p.split()) for p in predictions], [[" ".join(r.split()) for r in references]]
    )
    return TextScores(bleu=float(bleu.score), **means)


def _newline_sentences(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if line.strip())


def section_coverage(sections: dict[str, str]) -> float:
    """The share of a draft's sections that say something ("Not discussed" says nothing)."""
    if not sections:
        return 0.0
    said = [text for text in sections.values() if text.strip() and text.strip() != NOT_DISCUSSED]
    return len(said) / len(sections)


def risk_marker_recall(
    flags_per_note: Sequence[Sequence[RiskFlag]], risk_sections: Sequence[str]
) -> float | None:
    """Of the safety net's disclosed findings, the share whose quote the note's Risk
    section holds on a line marked ``{{RED:...}}``; None when no note had a disclosure."""
    wanted = found = 0
    for flags, risk in zip(flags_per_note, risk_sections, strict=True):
        marked_lines = [_plain(line) for line in risk.splitlines() if "{{RED:" in line]
        for flag in flags:
            if flag.status != "disclosed":
                continue
            wanted += 1
            found += any(_plain(flag.quote) in line for line in marked_lines)
    return found / wanted if wanted else None


def _plain(text: str) -> str:
    return " ".join(strip_markers(text).lower().split())


def words(text: str) -> int:
    return len(re.findall(r"\S+", text))


def summary_of(values: Sequence[float]) -> dict[str, Any]:
    """Mean, median, min and max, rounded, for a report."""
    if not values:
        return {"mean": None, "median": None, "min": None, "max": None}
    return {
        "mean": round(statistics.fmean(values), 2),
        "median": round(statistics.median(values), 2),
        "min": round(min(values), 2),
        "max": round(max(values), 2),
    }
