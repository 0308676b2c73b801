"""The audit trail: who did what to which record, when. Ids only, never patient text.

The ``audit_log`` table is append-only (triggers refuse UPDATE and DELETE) and chained:
each entry stores the hash of the entry before it and its own hash, SHA-256 over both
and every field. Changing, removing or inserting an entry in the middle breaks the chain
at that entry, which :func:`verify_chain` finds. A third trigger refuses an insert that
is not the next entry on the current head (``INSERT OR REPLACE`` over an entry), and
:func:`trigger_problems` reports any of them dropped or changed. Someone with the
passphrase could still rewrite the whole chain from some entry on: the anchor outside
the database (``core.store.audit_anchor``) and the head hash that ``audit verify``
prints (written down on paper, in a ticket) make that detectable.
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
class Position:
    """Where the trail ends: the newest entry's id (0 for an empty trail) and hash."""

    entry: int
    head: str


EMPTY = Position(0, GENESIS)

# The triggers that keep the trail (and its anchor's key) append-only, by name, as
# their SQL reads with the whitespace collapsed. ``audit verify`` checks they are all
# there, unchanged, and that no other trigger sits on these tables.
APPEND_ONLY = "SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
EXPECTED_TRIGGERS = {
    "audit_log_no_update": f"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    f"BEGIN {APPEND_ONLY}",
    "audit_log_no_delete": f"CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    f"BEGIN {APPEND_ONLY}",
    "audit_log_append_only": "CREATE TRIGGER audit_log_append_only BEFORE INSERT ON audit_log "
    "WHEN NEW.id IS NOT (SELECT coalesce(max(id), 0) + 1 FROM audit_log) "
    "OR NEW.prev_hash IS NOT coalesce((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), "
    f"'{GENESIS}') BEGIN {APPEND_ONLY}",
    "audit_anchor_key_no_update": "CREATE TRIGGER audit_anchor_key_no_update BEFORE UPDATE "
    f"ON audit_anchor_key BEGIN {APPEND_ONLY}",
    "audit_anchor_key_no_delete": "CREATE TRIGGER audit_anchor_key_no_delete BEFORE DELETE "
    f"ON audit_anchor_key BEGIN {APPEND_ONLY}",
}
AUDIT_TABLES = ("audit_log", "audit_anchor_key")


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


def position(db: Database) -> Position:
    """The newest entry's id and hash (``EMPTY`` for an empty trail)."""
    row = db.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return Position(int(row[0]), str(row[1])) if row else EMPTY


def holds(db: Database, where: Position) -> bool:
    """Whether the trail has the entry ``where`` names, with that hash (an empty trail
    holds ``EMPTY``)."""
    if where == EMPTY:
        return True
    row = db.execute("SELECT hash FROM audit_log WHERE id = ?", [where.entry]).fetchone()
    return row is not None and row[0] == where.head


def trigger_problems(db: Database) -> list[str]:
    """What is wrong with the triggers that keep the trail append-only: missing, changed,
    or a trigger that does not belong on the audit tables. Empty when all is as built."""
    marks = ",".join("?" for _ in AUDIT_TABLES)
    found = {
        name: " ".join(str(sql).split())
        for name, sql in db.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({marks})",
            list(AUDIT_TABLES),
        ).fetchall()
    }
    problems = []
    for name, expected in EXPECTED_TRIGGERS.items():
        if name not in found:
            problems.append(
                f"The trigger {name} that keeps the audit trail append-only is missing: "
                "it was dropped outside Auralis, so entries may have been changed or removed."
            )
        elif found[name] != expected:
            problems.append(
                f"The trigger {name} that keeps the audit trail append-only was changed "
                "outside Auralis, so entries may have been changed or removed."
            )
    problems += [
        f"An unexpected trigger {name} sits on the audit tables (added outside Auralis)."
        for name in sorted(set(found) - set(EXPECTED_TRIGGERS))
    ]
    return problems


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
