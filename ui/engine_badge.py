"""What the status bar says about the engine and the last run, in honest words.

"Rule drafts (no model configured)" when no model was ever set up (the rules are the
engine, nothing failed); "Degraded: <reason>" only when a configured model (or server)
could not be used, or its text was set aside for the rules'. Timings are the measured
ones, in the unit that shows them (never "0.0 s").
"""

from app.engines import NO_MODEL_FOUND

NO_MODEL_BADGE = "Rule drafts (no model configured)"
_REASON_CHARS = 90


def engine_badge(degraded: bool, problems: list[str]) -> str:
    """The badge after the engine was (re)built; "" when a model is in use."""
    if not degraded:
        return ""
    failures = [problem for problem in problems if not problem.startswith(NO_MODEL_FOUND)]
    if not failures:
        return NO_MODEL_BADGE
    reason = failures[-1].splitlines()[0]
    if len(reason) > _REASON_CHARS:
        reason = reason[: _REASON_CHARS - 1].rstrip() + "…"
    return f"Degraded: {reason}"


def run_badge(model_in_use: bool, degraded: bool) -> str | None:
    """The badge after a run: None leaves the engine's badge as it is (no model is
    configured, so the rules answering is no degradation)."""
    if not model_in_use:
        return None
    if degraded:
        return "Degraded: the rules wrote what the model could not (the note says why)"
    return ""


def duration(seconds: float) -> str:
    """A measured time: "850 ms", "4.2 s", "1 min 5 s"."""
    if seconds < 1.0:
        return f"{max(seconds * 1000, 1):.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


def last_run(what: str, seconds: float, tokens_per_s: float) -> str:
    """The status bar's "Last note: 4.2 s, 11 tokens/s" (the rate only when measured)."""
    speed = f", {tokens_per_s:.0f} tokens/s" if tokens_per_s > 0 else ""
    return f"Last {what}: {duration(seconds)}{speed}"
