"""Structured log events for core code, without patient text.

Core modules log through the standard ``logging`` module; the app decides where the
lines go (a JSON-lines file). An event is a short dotted name plus scalar fields:
ids, sizes, counts and timings. Never pass transcript, note or name text as a field.
"""

import logging

Scalar = str | int | float | bool | None


def log_event(
    logger: logging.Logger, event: str, *, level: int = logging.INFO, **fields: Scalar
) -> None:
    """Emit ``event`` with ``fields`` attached for the JSON formatter."""
    logger.log(level, event, extra={"fields": fields})
