"""Schema migrations, applied in order at start-up, each inside its own transaction.

A migration is never edited once released: change the schema by adding a new one at
the end. :data:`MIGRATION_NAMES` lists them in order; a database that records a
migration not in that list comes from a newer Auralis and is refused untouched.
"""

from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from core.store.errors import NewerDatabaseError

MIGRATIONS = Migrations("auralis")
MIGRATION_NAMES: list[str] = []


def _migration(fn: Callable[[Database], None]) -> Callable[[Database], None]:
    MIGRATION_NAMES.append(fn.__name__)
    return MIGRATIONS(name=fn.__name__)(fn)


@_migration
def m0001_patients_sessions_notes(db: Database) -> None:
    db.execute(
        """CREATE TABLE patients (
            id INTEGER PRIMARY KEY,
            display_name TEXT NOT NULL,
            external_ref TEXT,
            created_at TEXT NOT NULL,
            archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1))
        )"""
    )
    db.execute(
        """CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES patients(id),
            session_number INTEGER NOT NULL,
            session_date TEXT NOT NULL,
            transcript TEXT NOT NULL DEFAULT '',
            transcript_format TEXT NOT NULL DEFAULT 'text',
            private_notes TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            transcript_chars INTEGER GENERATED ALWAYS AS (length(transcript)) STORED,
            UNIQUE (patient_id, session_number)
        )"""
    )
    # Covering indexes for session lists: listing 10,000 sessions reads only the index,
    # never the rows with their long transcripts.
    db.execute(
        """CREATE INDEX idx_sessions_listing ON sessions
           (session_date DESC, session_number DESC, id DESC, patient_id, transcript_chars)"""
    )
    db.execute(
        """CREATE INDEX idx_sessions_patient ON sessions
           (patient_id, session_date DESC, session_number DESC, id DESC, transcript_chars)"""
    )
    db.execute(
        """CREATE TABLE note_versions (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            template TEXT NOT NULL,
            content TEXT NOT NULL,
            sections_json TEXT,
            is_ai_generated INTEGER NOT NULL CHECK (is_ai_generated IN (0, 1)),
            edited_from_ai INTEGER NOT NULL DEFAULT 0 CHECK (edited_from_ai IN (0, 1)),
            engine TEXT,
            model_name TEXT,
            generated_at TEXT,
            inference_time_s REAL,
            created_at TEXT NOT NULL,
            parent_version_id INTEGER REFERENCES note_versions(id)
        )"""
    )
    # Includes is_ai_generated so a session's note status is read from the index alone.
    db.execute(
        "CREATE INDEX idx_note_versions_session ON note_versions (session_id, id, is_ai_generated)"
    )


@_migration
def m0002_operating_room(db: Database) -> None:
    db.execute(
        """CREATE TABLE or_cases (
            id INTEGER PRIMARY KEY,
            surgery TEXT NOT NULL,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            label TEXT
        )"""
    )
    db.execute(
        """CREATE TABLE or_segments (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES or_cases(id),
            t REAL NOT NULL,
            speaker TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL,
            is_final INTEGER NOT NULL DEFAULT 1 CHECK (is_final IN (0, 1))
        )"""
    )
    db.execute("CREATE INDEX idx_or_segments_case ON or_segments (case_id, t)")
    db.execute(
        """CREATE TABLE or_states (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES or_cases(id),
            t REAL NOT NULL,
            state_json TEXT NOT NULL,
            source TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX idx_or_states_case ON or_states (case_id, t)")


@_migration
def m0003_audit_log(db: Database) -> None:
    db.execute(
        """CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            entity TEXT NOT NULL,
            entity_id INTEGER,
            detail TEXT
        )"""
    )


@_migration
def m0004_full_text_search(db: Database) -> None:
    # External-content FTS5 tables: the text is stored once, in the real table, and
    # sqlite-utils' triggers keep the index in step on insert, update and delete.
    db.table("sessions").enable_fts(["transcript"], fts_version="FTS5", create_triggers=True)
    db.table("note_versions").enable_fts(["content"], fts_version="FTS5", create_triggers=True)


@_migration
def m0005_note_templates(db: Database) -> None:
    # The user's own note templates; the built-in ones live in code.
    db.execute(
        """CREATE TABLE note_templates (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            definition_json TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )


@_migration
def m0006_audit_chain(db: Database) -> None:
    # Chain the entries written so far, then make the table append-only.
    from core.store.audit import GENESIS, entry_hash

    db.execute("ALTER TABLE audit_log ADD COLUMN prev_hash TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE audit_log ADD COLUMN hash TEXT NOT NULL DEFAULT ''")
    previous = GENESIS
    rows = list(db.query("SELECT * FROM audit_log ORDER BY id"))
    for row in rows:
        fields = [row[k] for k in ("at", "actor", "action", "entity", "entity_id", "detail")]
        current = entry_hash(previous, row["id"], *fields)
        db.execute(
            "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?",
            [previous, current, row["id"]],
        )
        previous = current
    for event in ("UPDATE", "DELETE"):
        db.execute(
            f"""CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log
                BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"""
        )


@_migration
def m0007_audit_anchor(db: Database) -> None:
    # The secret the audit anchor beside the database is signed with (an HMAC key is
    # derived from it): kept inside the database, so it is as well protected as the
    # records, survives a passphrase change and travels with every backup. It records
    # how long the trail already was, so a missing anchor is told apart from one never
    # written. Both it and the trail are append-only; an insert into the trail must be
    # the next entry on the current head (no INSERT OR REPLACE over an entry).
    import secrets

    from core.store.clock import utc_now

    db.execute(
        """CREATE TABLE audit_anchor_key (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            secret TEXT NOT NULL,
            since_entry INTEGER NOT NULL,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute(
        "INSERT INTO audit_anchor_key (id, secret, since_entry, created_at) "
        "VALUES (1, ?, (SELECT coalesce(max(id), 0) FROM audit_log), ?)",
        [secrets.token_hex(32), utc_now()],
    )
    refuse = "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
    for event in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER audit_anchor_key_no_{event.lower()} BEFORE {event} "
            f"ON audit_anchor_key {refuse}"
        )
    db.execute(
        "CREATE TRIGGER audit_log_append_only BEFORE INSERT ON audit_log "
        "WHEN NEW.id IS NOT (SELECT coalesce(max(id), 0) + 1 FROM audit_log) "
        "OR NEW.prev_hash IS NOT coalesce((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), "
        f"'{'0' * 64}') {refuse}"
    )


@_migration
def m0008_risk_review_confirmations(db: Database) -> None:
    # A clinician's confirmation that a version may be exported although it no longer
    # holds disclosures the risk safety net found: the version's metadata (versions are
    # never updated, so it is a row of its own). The reason may hold patient text: it
    # lives here, encrypted with the database, never in the audit trail. Append-only.
    db.execute(
        """CREATE TABLE risk_review_confirmations (
            id INTEGER PRIMARY KEY,
            version_id INTEGER NOT NULL REFERENCES note_versions(id),
            reason TEXT NOT NULL,
            removed_json TEXT NOT NULL,
            confirmed_at TEXT NOT NULL
        )"""
    )
    db.execute(
        "CREATE INDEX idx_risk_review_confirmations_version "
        "ON risk_review_confirmations (version_id)"
    )
    refuse = "BEGIN SELECT RAISE(ABORT, 'risk review confirmations are append-only'); END"
    for event in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER risk_review_confirmations_no_{event.lower()} BEFORE {event} "
            f"ON risk_review_confirmations {refuse}"
        )


@_migration
def m0009_session_times_and_recordings(db: Database) -> None:
    # The times of a transcript's lines when it came from audio (line numbers from 1; a
    # relabelling of speakers keeps the lines, so the times stay theirs), and a session's
    # recording when the clinic keeps recordings: compressed audio, encrypted with the
    # rest of the database, one per session.
    db.execute(
        """CREATE TABLE session_line_times (
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            line INTEGER NOT NULL,
            start_s REAL NOT NULL,
            end_s REAL NOT NULL,
            PRIMARY KEY (session_id, line)
        ) WITHOUT ROWID"""
    )
    db.execute(
        """CREATE TABLE session_recordings (
            session_id INTEGER PRIMARY KEY REFERENCES sessions(id),
            format TEXT NOT NULL,
            seconds REAL NOT NULL,
            audio BLOB NOT NULL,
            created_at TEXT NOT NULL
        )"""
    )


def migrate(db: Database, path: Path, *, stop_before: str | None = None) -> list[str]:
    """Apply pending migrations; return the names applied.

    Refuses (``NewerDatabaseError``) before writing anything when the database records
    migrations this version does not know. ``stop_before`` exists for tests that build
    databases as older versions left them.
    """
    applied = [m.name for m in MIGRATIONS.applied(db)]
    unknown = [name for name in applied if name not in MIGRATION_NAMES]
    if unknown:
        raise NewerDatabaseError(path, unknown)
    pending = [m.name for m in MIGRATIONS.pending(db)]
    if stop_before is not None and stop_before in pending:
        pending = pending[: pending.index(stop_before)]
    MIGRATIONS.apply(db, stop_before=stop_before)
    return pending
