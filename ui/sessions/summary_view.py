"""A patient summary as HTML: the summary, its key points, and where it came from; risk
words red and bold."""

import html

from app.usecases.summaries import PatientSummary
from core.notes.markers import RED_MARKER
from ui.theme import RISK_RED


def _marked(text: str) -> str:
    return RED_MARKER.sub(
        lambda m: f'<b style="color:{RISK_RED}">{m.group(1)}</b>', html.escape(text)
    )


def summary_html(summary: PatientSummary) -> str:
    source = "rule-based (no model)" if summary.engine == "rules" else summary.engine
    points = "".join(f"<li>{_marked(point)}</li>" for point in summary.key_points)
    notice = (
        "<p><i>The model failed; this is the rule-based summary.</i></p>"
        if summary.degraded and summary.engine == "rules"
        else ""
    )
    return (
        f"<h3>Summary of {summary.session_count} sessions</h3>{notice}"
        f"<p>{_marked(summary.summary)}</p>"
        + (f"<h4>Key points</h4><ul>{points}</ul>" if points else "")
        + f"<p><small>Drafted by: {html.escape(source)} in {summary.inference_time_s:.1f} s. "
        "A drafting aid: check it against the session notes.</small></p>"
    )
