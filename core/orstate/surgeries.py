"""Surgery definitions: phases, machines and the words that refer to them.

Three surgeries are built in (``core/orstate/data/*.json``); a user folder may add more,
one ``*.json`` file each, validated by ``schemas/surgery.schema.json``. A bad user file is
reported in :attr:`SurgeryCatalog.problems` (file name and JSON path of the error) and
skipped; a bad built-in file is a bug and raises. Everything here is immutable and safe to
share between threads once loaded.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

import jsonschema

from core.logs import log_event
from core.resources import load_schema, resource_root

State = Literal["ON", "OFF", "STANDBY"]
BUILTIN_FILES = ("pcnl.json", "partial_hepatectomy.json", "lobectomy.json")
SCHEMA_NAME = "surgery.schema.json"

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Phase:
    """One of the six ordered phases of a surgery; ``cues`` are phrases that signal it."""

    id: str
    name: str
    cues: tuple[str, ...]


@dataclass(frozen=True)
class Machine:
    """A machine of the room (``M01``..``M09``) and the words that refer to it."""

    id: str
    name: str
    category: str
    description: str
    default_state: State
    phases: tuple[str, ...]
    triggers: tuple[str, ...]
    aliases: tuple[str, ...]
    # Phrases that are a command by themselves ("intubation complete": the ventilator ON),
    # by the action they mean.
    commands: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Surgery:
    """A surgery: ordered phases and the machines keyed by id."""

    name: str
    display_name: str
    phases: tuple[Phase, ...]
    machines: dict[str, Machine]
    aliases: tuple[str, ...] = ()
    source: str = ""
    # The room's own verbs by action ("ON": ["light up"]), added to the built-in ones.
    verbs: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def phase_name(self, phase_id: str) -> str:
        """The display name of ``phase_id``; raises KeyError for an unknown id."""
        for phase in self.phases:
            if phase.id == phase_id:
                return phase.name
        raise KeyError(phase_id)

    def machine(self, machine_id: str) -> Machine:
        """The machine with ``machine_id``; raises KeyError for an unknown id."""
        return self.machines[machine_id]

    @property
    def phase_ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.phases)


class SurgeryError(ValueError):
    """A surgery file that cannot be used."""


class UnknownSurgeryError(ValueError):
    """No surgery has the requested name."""


@dataclass
class SurgeryCatalog:
    """Surgeries keyed by lower-case name and alias, plus problems with user files."""

    surgeries: dict[str, Surgery] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def names(self) -> list[str]:
        """The canonical names, sorted, for messages and pickers."""
        return sorted({s.name for s in self.surgeries.values()}, key=str.lower)

    def get(self, name: str) -> Surgery:
        key = _key(name)
        if key in self.surgeries:
            return self.surgeries[key]
        known = ", ".join(self.names())
        raise UnknownSurgeryError(f"Unknown surgery {name!r}. Known surgeries: {known}.")


def data_dir() -> Path:
    """The folder of the built-in surgery files, in a checkout and in a bundle."""
    return resource_root() / "core" / "orstate" / "data"


def surgery_from_dict(data: Any, *, source: str = "") -> Surgery:
    """Build a surgery from its JSON form; raises SurgeryError with the JSON path."""
    validator = jsonschema.Draft7Validator(load_schema(SCHEMA_NAME))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(top level)"
        raise SurgeryError(f"{where}: {first.message}")
    phases = tuple(Phase(id=p["id"], name=p["name"], cues=tuple(p["cues"])) for p in data["phases"])
    ids = [p.id for p in phases]
    if ids != sorted(ids) or len(set(ids)) != len(ids):
        raise SurgeryError("phases: ids must be Phase1..Phase6 in order, each once")
    machines = {
        mid: Machine(
            id=mid,
            name=m["name"],
            category=m["category"],
            description=m["description"],
            default_state=cast(State, m["default_state"]),
            phases=tuple(m["phases"]),
            triggers=tuple(m["triggers"]),
            aliases=tuple(m["aliases"]),
            commands={a: tuple(p) for a, p in m.get("commands", {}).items()},
        )
        for mid, m in sorted(data["machines"].items())
    }
    return Surgery(
        name=data["name"],
        display_name=data["display_name"],
        phases=phases,
        machines=machines,
        aliases=tuple(data.get("aliases", ())),
        source=source,
        verbs={a: tuple(p) for a, p in data.get("verbs", {}).items()},
    )


def load_surgery_file(path: Path) -> Surgery:
    """One surgery file; raises SurgeryError naming the file on any problem."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise SurgeryError(f"{path.name}: cannot be read ({exc.__class__.__name__})") from exc
    except json.JSONDecodeError as exc:
        raise SurgeryError(
            f"{path.name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc
    try:
        return surgery_from_dict(data, source=str(path))
    except SurgeryError as exc:
        raise SurgeryError(f"{path.name}: {exc}") from exc


def load_surgeries(user_dir: Path | None = None) -> SurgeryCatalog:
    """The built-in surgeries, then every ``*.json`` in ``user_dir`` (sorted by name).

    A user surgery whose name or alias equals an earlier one replaces it under that key,
    so a hospital can override a built-in definition.
    """
    catalog = SurgeryCatalog()
    for fname in BUILTIN_FILES:
        _register(catalog, load_surgery_file(data_dir() / fname))
    if user_dir is not None and user_dir.is_dir():
        for path in sorted(user_dir.glob("*.json")):
            try:
                surgery = load_surgery_file(path)
            except SurgeryError as exc:
                catalog.problems.append(str(exc))
                log_event(
                    _log, "orstate.surgery_file_skipped", level=logging.WARNING, file=path.name
                )
                continue
            _register(catalog, surgery)
    return catalog


def get_surgery(name: str, user_dir: Path | None = None) -> Surgery:
    """The surgery called ``name`` (or one of its aliases), case-insensitively."""
    return load_surgeries(user_dir).get(name)


def _key(name: str) -> str:
    return " ".join(name.replace("_", " ").replace("-", " ").lower().split())


def _register(catalog: SurgeryCatalog, surgery: Surgery) -> None:
    for key in (surgery.name, surgery.display_name, *surgery.aliases):
        catalog.surgeries[_key(key)] = surgery
