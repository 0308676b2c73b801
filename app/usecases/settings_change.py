"""Saving changed settings: the file (only values that differ from the defaults), and an
audit entry naming the settings changed (never their values)."""

from sqlite_utils import Database

from app.settings import LoadedSettings, Settings, save_settings
from app.usecases.transaction import record_event

__all__ = ["changed_names", "save_changed_settings"]


def changed_names(before: Settings, after: Settings) -> list[str]:
    """The dotted names of the settings that differ (``inference.n_ctx``), never values."""
    old, new = before.model_dump(mode="json"), after.model_dump(mode="json")
    names = []
    for section, values in new.items():
        if isinstance(values, dict):
            names += [f"{section}.{k}" for k, v in values.items() if old[section].get(k) != v]
        elif old.get(section) != values:
            names.append(section)
    return names


def save_changed_settings(db: Database, loaded: LoadedSettings, settings: Settings) -> list[str]:
    """Write ``settings`` and make them the ones in effect; returns the names changed.
    Raises ``OSError`` when the file cannot be written (nothing is then in effect)."""
    before = loaded.settings
    save_settings(loaded, settings)
    changed = changed_names(before, settings)
    if changed:
        record_event(db, "settings_change", "settings", detail=",".join(changed))
    return changed
