"""The audit trail: who did what to which record, when. Ids only, never patient text.

The ``audit_log`` table is append-only (triggers refuse UPDATE and DELETE) and chained:
each entry stores the hash of the entry before it and its own hash, SHA-256 over both
and every field. Changing, removing or inserting an entry in the middle breaks the chain
at that entry, which :func:`verify_chain` finds. Someone with the passphrase could
rewrite the whole chain from some entry on; writing down the head hash that ``audit
verify`` prints (on paper, in a ticket) makes that detectable too.
"""

import csv
import getpass
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from core.files import write_atomically
from core.store.clock import utc_now
from core.store.rows import insert

GENESIS = "0" * 64  # the "previous hash" of the first entry
FIELDS = ("id", "at", "actor", "action", "entity", "entity_id", "detail", "prev_hash", "hash")


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    actor: str
    action: str
    entity: str
    entity_id: int | None
    detail: str | None
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class ChainReport:
    entries: int
    head: str  # the newest entry's hash (GENESIS for an empty trail)
    first_broken: int | None  # the id of the first entry that does not fit, or None
    reason: str

    @property
    def intact(self) -> bool:
        return self.first_broken is None


def current_actor() -> str:
    """The operating-system user name, or ``"unknown"`` when it cannot be read."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def entry_hash(
    prev_hash: str,
    entry_id: int,
    at: str,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None,
    detail: str | None,
) -> str:
    """SHA-256 of the previous hash and the entry's fields, as an unambiguous JSON list."""
    payload = json.dumps(
        [prev_hash, entry_id, at, actor, action, entity, entity_id, detail],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# One statement takes the next id and the newest hash and inserts, so two writers (the
# window and a CLI command) can never chain onto the same entry.
_APPEND = """
INSERT INTO audit_log (id, at, actor, action, entity, entity_id, detail, prev_hash, hash)
SELECT next_id, :at, :actor, :action, :entity, :entity_id, :detail, prev,
       auralis_audit_hash(prev, next_id, :at, :actor, :action, :entity, :entity_id, :detail)
FROM (SELECT coalesce(max(id), 0) + 1 AS next_id,
             coalesce((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), :genesis) AS prev
      FROM audit_log)
"""


def record(
    db: Database,
    action: str,
    entity: str,
    entity_id: int | None = None,
    *,
    detail: str | None = None,
    actor: str | None = None,
) -> int:
    """Append an audit entry; return its id. ``detail`` is for ids, counts and names of
    settings: callers must never put transcript, note or patient-name text in it."""
    db.conn.create_function("auralis_audit_hash", 8, entry_hash, deterministic=True)
    values = {
        "at": utc_now(),
        "actor": actor or current_actor(),
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "detail": detail,
        "genesis": GENESIS,
    }
    return insert(db, _APPEND, values)


def list_entries(db: Database, *, limit: int = 1000) -> list[AuditEntry]:
    """The newest audit entries, newest first."""
    rows = db.query("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", [limit])
    return [AuditEntry(**row) for row in rows]


def verify_chain(db: Database) -> ChainReport:
    """Walk the whole trail, oldest first, and report the first entry that does not fit
    (a changed field, a removed or inserted entry before it)."""
    expected_prev = GENESIS
    count = 0
    for row in db.query("SELECT * FROM audit_log ORDER BY id"):
        entry = AuditEntry(**row)
        count += 1
        if entry.prev_hash != expected_prev:
            return ChainReport(
                count, expected_prev, entry.id, "the entry before it was changed or removed"
            )
        fields = (entry.at, entry.actor, entry.action, entry.entity, entry.entity_id)
        if entry.hash != entry_hash(entry.prev_hash, entry.id, *fields, entry.detail):
            return ChainReport(count, expected_prev, entry.id, "this entry was changed")
        expected_prev = entry.hash
    return ChainReport(count, expected_prev, None, "")


def export_csv(db: Database, path: Path) -> int:
    """Write the whole trail, oldest first, to a CSV file (atomically); return the count."""
    entries = [AuditEntry(**row) for row in db.query("SELECT * FROM audit_log ORDER BY id")]

    def write(target: Path) -> None:
        with target.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(FIELDS)
            for entry in entries:
                writer.writerow([getattr(entry, name) for name in FIELDS])

    write_atomically(path, write, refuse_symlink=True)
    return len(entries)
