"""The audit trail: listed, verified, exported (the export itself audited), and the
window's own events."""

from pathlib import Path

import pytest
from sqlite_utils import Database

from app.settings import LoadedSettings, Settings
from app.usecases.audit_trail import export_audit, list_audit, record_window_event, verify_audit
from app.usecases.errors import StoreError
from app.usecases.patients import add_patient
from app.usecases.settings_change import save_changed_settings


def test_list_verify_export(fresh_db: Database, tmp_path: Path) -> None:
    add_patient(fresh_db, "Ada")
    record_window_event(fresh_db, "lock")
    record_window_event(fresh_db, "unlock_failed", failures=2)
    newest = list_audit(fresh_db, limit=2)
    assert [(e.action, e.entity, e.detail) for e in newest] == [
        ("unlock_failed", "window", "failures=2"),
        ("lock", "window", None),
    ]
    report = verify_audit(fresh_db)
    assert report.intact and report.entries == 3
    assert export_audit(fresh_db, tmp_path / "audit.csv") == 3
    lines = (tmp_path / "audit.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4 and "Ada" not in "".join(lines)
    assert list_audit(fresh_db, limit=1)[0].detail == "entries=3"
    with pytest.raises(StoreError, match="at least 1"):
        list_audit(fresh_db, limit=0)
    blocker = tmp_path / "a file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(StoreError, match="could not be written"):
        export_audit(fresh_db, blocker / "audit.csv")
    assert list_audit(fresh_db, limit=1)[0].detail == "entries=3"  # a failed one: no entry


def test_changed_settings_are_saved_and_audited_by_name_only(
    fresh_db: Database, tmp_path: Path
) -> None:
    loaded = LoadedSettings(Settings(), tmp_path / "settings.toml")
    after = loaded.settings.model_copy(
        update={"security": loaded.settings.security.model_copy(update={"lock_after_minutes": 3})}
    )
    assert save_changed_settings(fresh_db, loaded, after) == ["security.lock_after_minutes"]
    assert "lock_after_minutes = 3" in (tmp_path / "settings.toml").read_text(encoding="utf-8")
    assert loaded.settings == after
    assert list_audit(fresh_db, limit=1)[0].detail == "security.lock_after_minutes"
    assert save_changed_settings(fresh_db, loaded, after) == []  # nothing changed: no entry
    assert len(list_audit(fresh_db)) == 1
