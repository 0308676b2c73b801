"""Timestamps as stored: ISO 8601 UTC strings, sortable as text."""

from datetime import UTC, datetime


def utc_now() -> str:
    """The current time as an ISO 8601 UTC string with microseconds."""
    return datetime.now(UTC).isoformat(timespec="microseconds")
