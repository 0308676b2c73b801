"""Risk review confirmations: a clinician confirmed that a note version may be exported
although it no longer holds disclosures the risk safety net found, and said why.

Part of the version's metadata (versions themselves are never updated); append-only. The
reason may hold patient text: it is kept here, encrypted with the database, and never
copied into the audit trail or a log.
"""

import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from core.store.clock import utc_now
from core.store.notes import get_note_version
from core.store.rows import insert


@dataclass(frozen=True)
class RiskConfirmation:
    id: int
    version_id: int
    reason: str
    removed: list[dict[str, Any]]  # each disclosure missing: category, construct, lines
    confirmed_at: str


def add_confirmation(
    db: Database, version_id: int, reason: str, removed: list[dict[str, Any]]
) -> RiskConfirmation:
    """Record the confirmation of version ``version_id`` and return it."""
    get_note_version(db, version_id)
    confirmation_id = insert(
        db,
        """INSERT INTO risk_review_confirmations (version_id, reason, removed_json,
               confirmed_at) VALUES (?, ?, ?, ?)""",
        [version_id, reason, json.dumps(removed), utc_now()],
    )
    return next(c for c in confirmations_of(db, version_id) if c.id == confirmation_id)


def confirmations_of(db: Database, version_id: int) -> list[RiskConfirmation]:
    """Every confirmation given for the version, oldest first."""
    rows = db.query(
        "SELECT * FROM risk_review_confirmations WHERE version_id = ? ORDER BY id", [version_id]
    )
    return [
        RiskConfirmation(
            id=row["id"],
            version_id=row["version_id"],
            reason=row["reason"],
            removed=json.loads(row["removed_json"]),
            confirmed_at=row["confirmed_at"],
        )
        for row in rows
    ]
