"""The audit trail's anchor: its head, kept outside the database, signed.

The hash chain shows a change in the middle of the trail, but not a trail deleted or
rewritten as a whole, nor an older copy of the database put in place. So every
transaction that appends audit entries also writes, beside the database, a small file
(``<database>.audit-anchor``) naming the newest entry (id and hash), signed with an
HMAC whose key is derived (with its own label) from a random secret kept inside the
database (``audit_anchor_key``, append-only). For an encrypted database that secret is
as safe as the records: without the passphrase the anchor cannot be forged, so an
older copy put in place, a deleted trail or a rewritten one no longer passes
``audit verify``. The anchor also keeps the history that explains a rewound trail: each
restore (from which backup, the head before and after) and each break the app found.

Order and crashes. The anchor is written *before* the transaction commits, while the
transaction holds SQLite's write lock: two processes (the window and the command line)
can never write it out of order, and no commit is ever left out of it. A crash (or a
failed COMMIT) between the two leaves an anchor one transaction ahead of the database,
so the anchor also names where the trail stood when that transaction began
(``pending_from``): a database at either position is sound, the second case reported
as "the last change was not committed", never as tampering. Only a trail that stands
exactly there counts: one that goes on from there with other entries had its newest
ones replaced. Right after the COMMIT the anchor is confirmed (:func:`confirm`, under
the write lock again, skipped when another writer holds it, since that writer anchors
on from this head): from then on the trail standing at ``pending_from`` (its newest
transaction deleted, or a copy one transaction old put in place) is tampering too. Only
a crash in the milliseconds between COMMIT and confirmation leaves that one-transaction
tolerance open, and then only until the next write. Writing entries without
going through here (an older Auralis, a direct core call) leaves the database ahead of
the anchor: that is said, not called tampering, since nothing anchored is missing.

When a write finds the anchored entry gone (the trail rewound or rewritten outside a
restore), the anchor is not simply overwritten: the finding is kept in it for every
later ``audit verify`` to report.

What it does not protect against: someone with the passphrase (or, for an unencrypted
database, with read access to the file) can compute the key and forge an anchor, and
someone who deletes both the whole trail and the anchor file leaves a database that
looks new. The head hash written down on paper remains the check against both.
"""

import contextlib
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from core.files import write_atomically
from core.store import audit
from core.store.audit import Position
from core.store.clock import utc_now
from core.store.connection import (
    DatabaseError,
    DatabaseKey,
    OperationalError,
    key_for_file,
    open_file,
)

ANCHOR_SUFFIX = ".audit-anchor"
FORMAT = 1
KEY_LABEL = b"auralis audit anchor key v1"


class AnchorAlteredError(ValueError):
    """The anchor file's signature does not match (altered, or another database's)."""


@dataclass(frozen=True)
class Anchor:
    at: Position  # the trail's head once the anchoring transaction commits
    pending_from: Position | None  # the head when that transaction began
    updated_at: str
    events: list[dict[str, Any]] = field(default_factory=list)  # restores and breaks
    # a restore about to swap the file: {"backup", "entry", "head", "at"} (its head)
    restoring: dict[str, Any] | None = None


@dataclass(frozen=True)
class AnchorCheck:
    problems: list[str]  # what shows tampering, in plain words
    notes: list[str]  # what is sound but worth saying (restores, a crashed commit)


def anchor_path(db: Database) -> Path | None:
    """The anchor file beside the connection's main database (None in memory)."""
    for _seq, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main" and file:
            main = Path(file)
            return main.with_name(main.name + ANCHOR_SUFFIX)
    return None


class AnchorKeyMissingError(AnchorAlteredError):
    """The database's anchor key (table ``audit_anchor_key``) was removed."""


KEY_MISSING = (
    "The audit anchor's key is missing from the database (removed outside Auralis): the "
    "trail cannot be confirmed against its anchor, and new entries are not anchored."
)


def _derive(secret: str) -> bytes:
    return hmac.new(bytes.fromhex(secret), KEY_LABEL, hashlib.sha256).digest()


def _key_and_since(db: Database) -> tuple[bytes, int]:
    try:
        row = db.execute("SELECT secret, since_entry FROM audit_anchor_key WHERE id = 1").fetchone()
    except OperationalError as exc:  # the table was dropped
        raise AnchorKeyMissingError("no anchor key table") from exc
    if row is None:
        raise AnchorKeyMissingError("no anchor key")
    return _derive(str(row[0])), int(row[1])


def _position(value: Any) -> Position | None:
    if value is None:
        return None
    return Position(int(value["entry"]), str(value["head"]))


def _plain(where: Position | None) -> dict[str, Any] | None:
    return None if where is None else {"entry": where.entry, "head": where.head}


def _body(anchor: Anchor) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "entry": anchor.at.entry,
        "head": anchor.at.head,
        "pending_from": _plain(anchor.pending_from),
        "updated_at": anchor.updated_at,
        "events": anchor.events,
        "restoring": anchor.restoring,
    }


def _signature(key: bytes, body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hmac.new(key, canonical.encode("ascii"), hashlib.sha256).hexdigest()


def read_anchor(path: Path, key: bytes) -> Anchor | None:
    """The anchor at ``path`` (None when there is none); ``AnchorAlteredError`` when it
    is not one this key signed."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        data = json.loads(text)
        mac = data.pop("mac")
        if not hmac.compare_digest(str(mac), _signature(key, data)):
            raise AnchorAlteredError("the signature does not match")
        return Anchor(
            Position(int(data["entry"]), str(data["head"])),
            _position(data["pending_from"]),
            str(data["updated_at"]),
            list(data["events"]),
            data.get("restoring"),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise AnchorAlteredError("the anchor file cannot be read as one") from exc


def write_anchor(path: Path, key: bytes, anchor: Anchor) -> None:
    """Replace the anchor atomically (readers see the old one or the new one)."""
    body = _body(anchor)
    text = json.dumps({**body, "mac": _signature(key, body)}, indent=1, sort_keys=True)
    write_atomically(path, lambda target: target.write_text(text + "\n", encoding="utf-8"))


def _remove_stale_partials(path: Path) -> None:
    # Left by a writer killed in the middle of write_atomically: every anchor writer
    # holds the database's write lock, as the caller does now, so none is in progress.
    for stale in path.parent.glob(f".{path.name}.*.partial"):
        with contextlib.suppress(OSError):
            stale.unlink()


def advance(
    db: Database, started: Position, *, restored_from: str | None = None
) -> Position | None:
    """Anchor the trail's current head; call inside the appending transaction, after
    its entries and before COMMIT (it holds the write lock). ``started`` is the head
    when the transaction began. ``restored_from`` names the backup the database was
    just restored from: the rewound trail is then recorded as that restore.

    Returns the position anchored (None when nothing is: an in-memory database, or
    one whose anchor key was removed). Raises ``OSError`` when the anchor cannot be
    written: the caller's transaction is then rolled back, so no change is ever left
    unanchored."""
    path = anchor_path(db)
    if path is None:
        return None
    try:
        key, since = _key_and_since(db)
    except AnchorKeyMissingError:
        return None  # nothing to sign with: ``check_anchor`` reports it; the change goes on
    now = utc_now()
    found: list[dict[str, Any]] = []
    try:
        old = read_anchor(path, key)
    except AnchorAlteredError:
        old = None
        if restored_from is None:
            found.append({"kind": "altered", "at": now, "found": _plain(started)})
    if restored_from is not None:
        found.append(
            {
                "kind": "restored",
                "at": now,
                "backup": restored_from,
                "anchored": _plain(old.at if old else None),
                "restored": _plain(started),
            }
        )
    elif old is not None and _restored_as_expected(db, old, started):
        assert old.restoring is not None
        found.append(
            {
                "kind": "restored",
                "at": now,
                "backup": old.restoring["backup"],
                "anchored": _plain(old.at),
                "restored": _plain(started),
                "unrecorded": True,
            }
        )
    elif old is None and not found and started.entry > since:
        found.append({"kind": "missing", "at": now, "found": _plain(started)})
    elif old is not None and not _consistent(db, old, started):
        found.append(
            {"kind": "rewound", "at": now, "anchored": _plain(old.at), "found": _plain(started)}
        )
    events = (old.events if old else []) + found
    anchored = audit.position(db)
    write_anchor(path, key, Anchor(anchored, started, now, events))
    _remove_stale_partials(path)
    return anchored


def confirm(db: Database, anchored: Position, started: Position) -> None:
    """Mark the anchor written by ``advance`` as committed (no ``pending_from`` any
    more), so the trail standing where it began no longer passes as a crash. Call
    after the COMMIT, holding the write lock again; a no-op when another transaction
    has anchored since. Raises ``OSError`` when the file cannot be written (the anchor
    then stays pending, which is still sound)."""
    path = anchor_path(db)
    if path is None:
        return
    try:
        key, _since = _key_and_since(db)
        old = read_anchor(path, key)
    except AnchorAlteredError:
        return
    if old is None or old.at != anchored or old.pending_from != started:
        return
    if not audit.holds(db, anchored):
        return
    write_anchor(path, key, Anchor(anchored, None, utc_now(), old.events, old.restoring))


def _restored_as_expected(db: Database, anchor: Anchor, here: Position) -> bool:
    """A restore announced by ``expect_restore`` swapped the file but could not record
    itself (a crash, or its audit entry failed): the trail stands at that backup's head."""
    if anchor.restoring is None or audit.holds(db, anchor.at):
        return False
    return here == _position(anchor.restoring)


def expect_restore(db_path: Path, backup: Path, key: DatabaseKey | None) -> None:
    """Before a restore swaps in ``backup``: note in the anchor that the trail is about
    to stand at the backup's head, so that if the restore cannot record itself (a crash
    after the swap, finished by the next opener; a failed audit entry) ``audit verify``
    reports a restore, not tampering. Best effort, never raises: the restore (perhaps
    of a damaged database) must not depend on it; without it the rewound trail is
    reported as one not restored by Auralis."""
    path = db_path.with_name(db_path.name + ANCHOR_SUFFIX)
    try:
        conn = open_file(backup, key=key_for_file(backup, key), read_only=True)
        try:
            secret = conn.execute("SELECT secret FROM audit_anchor_key WHERE id = 1").fetchone()
            head = conn.execute(
                "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1"
            ).fetchone()
        finally:
            conn.close()
        if secret is None:
            return
        key_bytes = _derive(str(secret[0]))
        old = read_anchor(path, key_bytes)  # signed with the backup's secret too?
        if old is None:
            return
        restoring = {
            "backup": backup.name,
            "entry": int(head[0]) if head else 0,
            "head": str(head[1]) if head else audit.GENESIS,
            "at": utc_now(),
        }
        anchor = Anchor(old.at, old.pending_from, old.updated_at, old.events, restoring)
        write_anchor(path, key_bytes, anchor)
    except (OSError, DatabaseError, AnchorAlteredError, ValueError):
        return


def _consistent(db: Database, anchor: Anchor, started: Position) -> bool:
    """The database holds the anchored head, or stands exactly where the trail stood
    before the anchoring transaction (which then never committed). A trail that goes on
    from there with other entries had its newest ones replaced: not consistent."""
    return audit.holds(db, anchor.at) or started == anchor.pending_from


def _entries(count: int) -> str:
    return f"{count} entr{'y' if count == 1 else 'ies'}"


def _describe(event: dict[str, Any]) -> tuple[bool, str]:
    """(is it a problem, the plain words) for one recorded event."""
    day = str(event.get("at", "?"))[:19].replace("T", " ")
    kind = event.get("kind")
    if kind == "restored":
        anchored, restored = _position(event["anchored"]), _position(event["restored"])
        text = f"Restored on {day} UTC from {event['backup']}"
        if anchored is None or restored is None:
            return False, text + " (the trail before it could not be read with this key)."
        lost = anchored.entry - restored.entry
        if lost > 0:
            text += (
                f"; {_entries(lost)} made after that backup (up to {anchored.head}) "
                "are not in this database"
            )
        if event.get("unrecorded"):
            text += " (the restore was interrupted, or could not write its own entry)"
        return False, text + "."
    found = _position(event.get("found")) or audit.EMPTY
    held = f"the trail held {_entries(found.entry)}"
    if kind == "rewound":
        anchored = _position(event["anchored"]) or audit.EMPTY
        return True, (
            f"On {day} UTC {held}, but the anchor recorded {_entries(anchored.entry)} up to "
            f"head {anchored.head}: entries were deleted or rewritten, or an older copy was "
            "put in place, outside Auralis."
        )
    if kind == "missing":
        return True, f"On {day} UTC the anchor file was missing while {held}: it was deleted."
    return True, f"On {day} UTC the anchor file had been altered ({held})."


def check_anchor(db: Database) -> AnchorCheck:
    """Compare the trail with its anchor, and report the anchor's recorded history."""
    path = anchor_path(db)
    if path is None:
        return AnchorCheck([], ["An in-memory database has no anchor."])
    try:
        key, since = _key_and_since(db)
    except AnchorKeyMissingError:
        return AnchorCheck([KEY_MISSING], [])
    here = audit.position(db)
    try:
        anchor = read_anchor(path, key)
    except AnchorAlteredError:
        return AnchorCheck(
            [
                f"The audit anchor {path} was altered, or belongs to another database: "
                "the trail cannot be confirmed against it."
            ],
            [],
        )
    if anchor is None:
        if here.entry > since:
            return AnchorCheck(
                [
                    f"The audit anchor {path} is missing (deleted, or the database was moved "
                    "without it): the trail cannot be confirmed against it."
                ],
                [],
            )
        return AnchorCheck([], ["No entry has been anchored yet."])
    problems: list[str] = []
    notes: list[str] = []
    for event in anchor.events:
        is_problem, text = _describe(event)
        (problems if is_problem else notes).append(text)
    if audit.holds(db, anchor.at):
        if here.entry > anchor.at.entry:
            notes.append(
                f"The newest {_entries(here.entry - anchor.at.entry)} were written without "
                "updating the anchor (outside Auralis, or by an older version)."
            )
    elif _restored_as_expected(db, anchor, here):
        assert anchor.restoring is not None
        _restoring, text = _describe(
            {
                "kind": "restored",
                "at": anchor.restoring["at"],
                "backup": anchor.restoring["backup"],
                "anchored": _plain(anchor.at),
                "restored": _plain(here),
                "unrecorded": True,
            }
        )
        notes.append(text)
    elif here == anchor.pending_from:
        notes.append(
            f"The last change Auralis began (up to entry {anchor.at.entry}) was not "
            "committed: a crash or a failed write, or it is being written right now. "
            "Nothing that was saved is missing."
        )
    else:
        problems.append(
            f"The anchor records {_entries(anchor.at.entry)} up to head {anchor.at.head} "
            f"(on {anchor.updated_at[:19].replace('T', ' ')} UTC), but that entry is not in "
            "this database: entries were deleted or rewritten, or an older copy of the "
            "database was put in place without `auralis db restore`."
        )
    return AnchorCheck(problems, notes)
