"""Auralis settings: defaults < settings file (TOML) < ``AURALIS_*`` environment variables.

The file lives in the user config dir (``settings.toml``) and holds only values that
differ from the defaults. Environment variables use the prefix ``AURALIS_`` and ``__``
between levels: ``AURALIS_INFERENCE__N_CTX=8192``.

:func:`load_settings` is the way in. It never fails: a value that is invalid, from the
file or the environment, is reported (naming the setting, its value and what is allowed)
and replaced by its default, so the app always starts on safe values and says so.
A file from an older Auralis is migrated (the old file kept as ``.bak``); one from a
newer Auralis is read for nothing and never overwritten.
"""

import os
import shutil
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import annotated_types
import psutil
import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from core.files import write_text_atomically

CURRENT_SCHEMA_VERSION = 1
ENV_PREFIX = "AURALIS_"
ENV_NESTED_DELIMITER = "__"


def physical_cores() -> int:
    """Physical CPU cores (llama.cpp runs fastest with one thread per physical core)."""
    return psutil.cpu_count(logical=False) or os.cpu_count() or 1


class InferenceSettings(BaseModel):
    """How the language model is loaded and sampled."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    model_path: Path | None = Field(
        None, description="GGUF file; none means: look in models/ and the user models dir"
    )
    adapter_path: Path | None = Field(
        None, description="a GGUF LoRA adapter (from `auralis lab export`) loaded on the model"
    )
    n_ctx: int = Field(
        8192,
        ge=512,
        le=131072,
        description="context window in tokens (at most the model's own: a smaller one is used)",
    )
    n_threads: int = Field(
        default_factory=physical_cores, ge=1, le=256, description="CPU threads for inference"
    )
    n_gpu_layers: int = Field(0, ge=-1, le=1000, description="layers offloaded to a GPU; -1 = all")
    n_batch: int = Field(512, ge=16, le=8192, description="prompt tokens evaluated per batch")
    temperature_structured: float = Field(0.1, ge=0.0, le=2.0)
    temperature_prose: float = Field(0.7, ge=0.0, le=2.0)
    top_p: float = Field(0.9, gt=0.0, le=1.0)
    top_k: int = Field(40, ge=0, le=1000)
    repeat_penalty: float = Field(1.1, ge=1.0, le=2.0)
    max_tokens: int = Field(512, ge=16, le=32768)
    timeout_s: float = Field(60.0, ge=1.0, le=3600.0)
    use_mmap: bool = True
    use_mlock: bool = False
    max_input_chars: int = Field(100_000, ge=1000, le=10_000_000)
    engine: Literal["auto", "local", "remote", "rules"] = Field(
        "auto", description="auto: a valid local model, else the remote server, else rules"
    )
    remote_url: str | None = Field(
        None,
        pattern=r"^https?://[^\s/]+",
        json_schema_extra={"allowed": "an http:// or https:// address, e.g. http://10.0.0.5:8080"},
    )
    remote_api_key: str | None = None
    remote_model: str | None = Field(None, description="model name the server expects")
    remote_schema_format: Literal["json_object", "json_schema"] = Field(
        "json_object", description="json_object: llama.cpp servers; json_schema: vLLM, Ollama"
    )


class BackupSettings(BaseModel):
    """Automatic online backups of the database."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    keep: int = Field(10, ge=1, le=1000, description="backup files kept; older ones are removed")
    interval_hours: float = Field(
        24.0, ge=0.0, le=8760.0, description="back up at start-up when the newest is older; 0 = off"
    )


class OperatingRoomSettings(BaseModel):
    """How the operating-room workspace reads the live transcript."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    window_s: float = Field(
        45.0, ge=5.0, le=600.0, description="seconds of transcript the model sees per update"
    )
    debounce_s: float = Field(
        3.0, ge=0.0, le=60.0, description="a repeated command within this many seconds is ignored"
    )
    phase_filter: bool = Field(
        False, description="ignore commands for machines not used in the current phase"
    )


class SecuritySettings(BaseModel):
    """The window's lock."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    lock_after_minutes: float = Field(
        10.0,
        ge=0.0,
        le=1440.0,
        description="lock the window after this many idle minutes; 0 = never",
    )
    lock_exempts_or_display: bool = Field(
        False,
        description="while the operating-room display is shown, idle time does not lock it "
        "(it shows no patient identity); Ctrl+L still does",
    )


class RiskSettings(BaseModel):
    """The risk safety net."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    second_screen: bool = Field(
        True,
        description="read each client line with the learned screen too, when its model is "
        "installed; its findings are shown as 'possible risk, please review'",
    )


class SpeechSettings(BaseModel):
    """The microphone and what is kept of a recording."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    input_device: int | None = Field(
        None,
        ge=0,
        description="the microphone, by its number in `auralis or listen --list-devices`; "
        "empty = the system's default input",
    )
    keep_recordings: bool = Field(
        False,
        description="keep a session's recording, encrypted in the database with the session; "
        "off = the sound is never stored, only its transcript",
    )


class UiSettings(BaseModel):
    """How the window looks."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    zoom: int = Field(
        100,
        ge=50,
        le=200,
        description="text size in percent of the system's (View menu: Ctrl++, Ctrl+-, Ctrl+0)",
    )


class Settings(BaseSettings):
    """Every setting. Build it with :func:`load_settings`, which merges the file and the
    environment; constructing it directly uses only the keyword arguments given."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter=ENV_NESTED_DELIMITER,
        extra="forbid",
        validate_assignment=True,
    )

    schema_version: int = CURRENT_SCHEMA_VERSION
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    inference: InferenceSettings = Field(default_factory=lambda: InferenceSettings())
    backup: BackupSettings = Field(default_factory=lambda: BackupSettings())
    operating_room: OperatingRoomSettings = Field(default_factory=lambda: OperatingRoomSettings())
    security: SecuritySettings = Field(default_factory=lambda: SecuritySettings())
    risk: RiskSettings = Field(default_factory=lambda: RiskSettings())
    speech: SpeechSettings = Field(default_factory=lambda: SpeechSettings())
    ui: UiSettings = Field(default_factory=lambda: UiSettings())

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # load_settings merges the file and the environment itself so it can report and
        # drop each invalid value; here only the merged keyword arguments count.
        return (init_settings,)


@dataclass
class LoadedSettings:
    settings: Settings
    file: Path
    problems: list[str] = field(default_factory=list)
    file_is_newer: bool = False  # written by a newer Auralis: never overwrite it
    file_is_unreadable: bool = False  # kept aside (not lost) before a save replaces it


# --- migrations of the settings file -------------------------------------------------


def _migrate_0_to_1(raw: dict[str, Any]) -> dict[str, Any]:
    """Version 0 is a hand-written file without ``schema_version`` whose inference keys
    sit at the top level (``n_ctx = 8192``); version 1 puts them under ``[inference]``."""
    inference = dict(raw.get("inference", {}))
    for key in list(raw):
        if key in InferenceSettings.model_fields:
            inference.setdefault(key, raw.pop(key))
    if inference:
        raw["inference"] = inference
    raw["schema_version"] = 1
    return raw


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {0: _migrate_0_to_1}


def migrate(raw: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Bring a settings dict to the current version; return it and its original version."""
    original = raw.get("schema_version", 0)
    if not isinstance(original, int) or original < 0:
        raise ValueError(f"schema_version must be a whole number, not {original!r}")
    version = original
    while version < CURRENT_SCHEMA_VERSION:
        raw = MIGRATIONS[version](raw)
        version += 1
    return raw, original


# --- describing invalid values -------------------------------------------------------


def _field_info(loc: tuple[int | str, ...]) -> FieldInfo | None:
    model: Any = Settings
    info = None
    for part in loc:
        fields = getattr(model, "model_fields", None)
        if not isinstance(part, str) or fields is None or part not in fields:
            return None
        info = fields[part]
        model = info.annotation
    return info


@dataclass(frozen=True)
class FieldBounds:
    """A numeric setting's limits; ``strict`` when the limit itself is not allowed."""

    low: Any = None
    high: Any = None
    low_strict: bool = False
    high_strict: bool = False


def field_bounds(info: FieldInfo) -> FieldBounds:
    """The limits a settings field declares (``ge``/``gt``/``le``/``lt``)."""
    low: Any = None
    high: Any = None
    low_strict = high_strict = False
    for item in info.metadata:
        if isinstance(item, annotated_types.Ge):
            low = item.ge
        elif isinstance(item, annotated_types.Gt):
            low, low_strict = item.gt, True
        elif isinstance(item, annotated_types.Le):
            high = item.le
        elif isinstance(item, annotated_types.Lt):
            high, high_strict = item.lt, True
    return FieldBounds(low, high, low_strict, high_strict)


def _allowed(info: FieldInfo) -> str:
    """What a field accepts, in words: "a whole number from 512 to 131072"."""
    limits = field_bounds(info)
    low, high = limits.low, limits.high
    low_word = "more than" if limits.low_strict else "at least"
    high_word = "less than" if limits.high_strict else "at most"
    if low is not None and high is not None and (low_word, high_word) == ("at least", "at most"):
        bounds = f"from {low} to {high}"
    else:
        parts = [
            f"{low_word} {low}" if low is not None else "",
            f"{high_word} {high}" if high is not None else "",
        ]
        bounds = " and ".join(part for part in parts if part)
    extra = info.json_schema_extra
    if isinstance(extra, dict) and isinstance(extra.get("allowed"), str):
        return str(extra["allowed"])
    annotation = info.annotation
    if getattr(annotation, "__origin__", None) is Literal:
        kind = "one of " + ", ".join(str(choice) for choice in annotation.__args__)  # type: ignore[union-attr]
    else:
        names = {int: "a whole number", float: "a number", bool: "true or false"}
        kind = names.get(annotation, "") if isinstance(annotation, type) else ""
    return " ".join(part for part in (kind, bounds) if part) or "a valid value"


def _default_text(info: FieldInfo) -> str:
    default = info.get_default(call_default_factory=True, validated_data={})
    return "none" if default is None else str(default)


def _env_name(loc: tuple[int | str, ...]) -> str:
    return ENV_PREFIX + ENV_NESTED_DELIMITER.join(str(part).upper() for part in loc)


def _describe(error: Mapping[str, Any], origin: str) -> str:
    loc = tuple(error["loc"])
    name = ".".join(str(part) for part in loc)
    if error["type"] == "extra_forbidden":
        return f"Unknown setting {name} ({origin}) was ignored."
    info = _field_info(loc)
    value = error.get("input")
    if info is None:
        return f"Setting {name} = {value!r} ({origin}) is not valid and was ignored."
    return (
        f"Setting {name} = {value!r} ({origin}) is not allowed: it must be {_allowed(info)}. "
        f"Using the default, {_default_text(info)}."
    )


def _drop(values: dict[str, Any], loc: tuple[int | str, ...]) -> bool:
    node: Any = values
    for part in loc[:-1]:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    if isinstance(node, dict) and loc and loc[-1] in node:
        del node[loc[-1]]
        return True
    return False


def _has(values: Mapping[str, Any], loc: tuple[int | str, ...]) -> bool:
    node: Any = values
    for part in loc:
        if not isinstance(node, Mapping) or part not in node:
            return False
        node = node[part]
    return True


def _deep_merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _build(
    file_values: dict[str, Any], env_values: dict[str, Any], file: Path, problems: list[str]
) -> Settings:
    """Validate the merged values, dropping each invalid one (with a problem) until the
    rest validate. Every pass removes at least one value, so this ends."""
    while True:
        try:
            return Settings(**_deep_merge(file_values, env_values))
        except ValidationError as exc:
            dropped = False
            for error in exc.errors():
                loc = tuple(error["loc"])
                if _has(env_values, loc):
                    origin = f"from environment variable {_env_name(loc)}"
                    dropped |= _drop(env_values, loc)
                else:
                    origin = f"in {file}"
                    dropped |= _drop(file_values, loc)
                problems.append(_describe(error, origin))
            if not dropped:
                problems.append("Settings could not be read; using the defaults.")
                return Settings()


MAX_SETTINGS_DEPTH = 16  # the deepest real setting is two tables down; leave room


def _nesting_depth(value: object) -> int:
    """How many tables/arrays deep ``value`` goes, found without recursion."""
    deepest = 0
    pending: list[tuple[object, int]] = [(value, 0)]
    while pending:
        node, depth = pending.pop()
        children: Any
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, depth + 1)
        if deepest > MAX_SETTINGS_DEPTH:
            return deepest
        pending.extend((child, depth + 1) for child in children)
    return deepest


def _read_file(file: Path, problems: list[str]) -> dict[str, Any] | None:
    """The file's values; ``{}`` when there is no file; None (with a problem) when it
    cannot be read, so that nothing is migrated or written over it."""
    too_deep = (
        f"The settings file {file} is nested too deeply (more than {MAX_SETTINGS_DEPTH} "
        "tables or arrays inside each other); using defaults. The file is left unchanged."
    )
    try:
        with file.open("rb") as handle:
            raw = tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except RecursionError:  # tomllib parses nested arrays and inline tables recursively
        problems.append(too_deep)
        return None
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        problems.append(f"The settings file {file} could not be read ({exc}); using defaults.")
        return None
    if _nesting_depth(raw) > MAX_SETTINGS_DEPTH:
        problems.append(too_deep)
        return None
    return raw


def load_settings(file: Path, environ: Mapping[str, str] | None = None) -> LoadedSettings:
    """Read the settings file and the environment; never raises for bad values."""
    problems: list[str] = []
    read = _read_file(file, problems)
    file_is_unreadable = read is None
    raw = {} if read is None else read
    file_is_newer = False
    try:
        raw, original_version = migrate(raw)
    except ValueError as exc:
        problems.append(f"The settings file {file} is not valid ({exc}); using defaults.")
        raw, original_version = {}, CURRENT_SCHEMA_VERSION
    if original_version > CURRENT_SCHEMA_VERSION:
        problems.append(
            f"The settings file {file} was written by a newer Auralis (settings version "
            f"{original_version}; this version reads up to {CURRENT_SCHEMA_VERSION}). Using "
            "defaults; the file is left unchanged."
        )
        raw, file_is_newer = {}, True
    env_source = EnvSettingsSource(Settings)
    if environ is not None:
        env_source.env_vars = {key.lower(): value for key, value in environ.items()}
    env_values = env_source()
    env_values.pop("schema_version", None)
    if 0 <= original_version < CURRENT_SCHEMA_VERSION and file.exists() and not file_is_unreadable:
        # The file's own values, restructured; invalid ones stay (and are reported on
        # every load) rather than silently disappearing from the admin's file.
        try:
            backup = file.with_name(f"{file.name}.v{original_version}.bak")
            shutil.copy2(file, backup)
            _write_toml(file, raw)
        except (OSError, TypeError, ValueError) as exc:
            problems.append(f"The migrated settings could not be written to {file} ({exc}).")
    settings = _build(raw, env_values, file, problems)
    return LoadedSettings(settings, file, problems, file_is_newer, file_is_unreadable)


def _write_toml(file: Path, values: Mapping[str, Any]) -> None:
    """Write a whole file atomically: a temporary file, then a rename."""
    write_text_atomically(file, tomli_w.dumps(dict(values)))


def save_settings(loaded: LoadedSettings, settings: Settings) -> None:
    """Write ``settings`` to the file, keeping only values that differ from the defaults.

    Written to a temporary file and renamed, so a crash never leaves half a file.
    Refused when the file on disk came from a newer Auralis; a file that could not be
    read is copied aside first (``settings.toml.unreadable-<time>``).
    """
    if loaded.file_is_newer:
        raise PermissionError(
            f"{loaded.file} was written by a newer Auralis; it is not overwritten."
        )
    if loaded.file_is_unreadable and loaded.file.exists():
        # What the admin wrote is kept, to be fixed by hand, before the new values replace
        # it; the settings in use were the defaults, so nothing of it is in ``settings``.
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        shutil.copy2(loaded.file, loaded.file.with_name(f"{loaded.file.name}.unreadable-{stamp}"))
        loaded.file_is_unreadable = False
    values = settings.model_dump(mode="json", exclude_defaults=True)
    _write_toml(loaded.file, {"schema_version": CURRENT_SCHEMA_VERSION, **values})
    loaded.settings = settings
