"""The speakers of a session's transcript renamed, or the two swapped, in one change:
the recogniser may take the client for the clinician, or the clinician wants names
("Dr Lee", "Ana"). Only the labels change; the lines keep their order, words and times."""

from sqlite_utils import Database

from app.usecases.transaction import audited
from core.notes.speakers import split_speaker
from core.store import sessions as store
from core.store.errors import StoreError
from core.store.sessions import Session

__all__ = ["relabel_speakers", "speakers_of", "swap"]


def speakers_of(transcript: str) -> list[str]:
    """The labels of a stored transcript, in order of first appearance."""
    found = (split_speaker(line)[0] for line in transcript.splitlines())
    return list(dict.fromkeys(label for label in found if label))


def swap(transcript: str) -> dict[str, str]:
    """The renaming that swaps a two-speaker transcript's labels."""
    labels = speakers_of(transcript)
    if len(labels) != 2:
        raise StoreError(
            f"Swapping needs exactly two speakers; this transcript has {len(labels)}. "
            "Rename them one by one instead."
        )
    first, second = labels
    return {first: second, second: first}


def relabel_speakers(db: Database, session_id: int, names: dict[str, str]) -> Session:
    """Rename each label ``old`` to ``names[old]`` on every line of the session's
    transcript, all at once (so a swap is one renaming). A new name must read as a
    speaker label (1-4 capitalised words, at most 40 characters, no colon)."""
    for new in names.values():
        if split_speaker(f"{new}: -")[0] != new:
            raise StoreError(
                "A speaker's name must be 1-4 capitalised words of at most 40 characters, "
                "without a colon."
            )
    session = store.get_session(db, session_id)
    lines = []
    changed = 0
    for line in session.transcript.splitlines():
        label, rest = split_speaker(line)
        if label is not None and label in names and names[label] != label:
            line = f"{names[label]}:{rest}"
            changed += 1
        lines.append(line)
    if not changed:
        return session
    with audited(db, "The transcript") as tx:
        updated = store.set_transcript(db, session_id, "\n".join(lines))
        tx.record("relabel", "session", session_id, detail=f"lines={changed}")
    return updated
