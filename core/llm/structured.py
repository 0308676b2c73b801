"""The safety net for model output: parse, repair, clamp, validate.

A grammar constrains the shape of what llama.cpp generates, but not everything a schema
says (llama.cpp's schema-to-grammar ignores ``minimum``/``maximum``, ``uniqueItems``,
``patternProperties``), and generation can stop at ``max_tokens`` mid-object. So every
engine's output goes through :func:`finish_structured`, and what still fails validation
is retried or replaced by the rule engine's answer.

Error descriptions name JSON paths and the rule that failed, never the values: model
output is derived from patient text.
"""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import jsonschema
from jsonschema import Draft7Validator

MAX_REPAIR_CANDIDATES = 64


@dataclass
class StructuredOutcome:
    obj: dict[str, Any] | None
    repairs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.obj is not None and not self.errors


def _validator(schema: dict[str, Any]) -> jsonschema.protocols.Validator:
    cls = jsonschema.validators.validator_for(schema, default=Draft7Validator)
    return cls(schema)


def validation_errors(obj: Any, schema: dict[str, Any]) -> list[str]:
    """Where ``obj`` breaks ``schema``: "machines.M01: enum", "confidence: maximum" ...
    An empty list means valid. Values are never quoted."""
    errors = []
    for error in _validator(schema).iter_errors(obj):
        path = ".".join(str(part) for part in error.absolute_path) or "(root)"
        errors.append(f"{path}: {error.validator}")
    return sorted(errors)


# --- parsing and closing truncated JSON ------------------------------------------------


def _scan(text: str) -> tuple[list[str], bool, list[int]]:
    """The open brackets, whether the text ends inside a string, and the positions of
    commas outside strings (the points where a truncated value can be cut off)."""
    stack: list[str] = []
    commas: list[int] = []
    in_string = escaped = False
    for index, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            stack.append("}" if char == "{" else "]")
        elif char in "}]" and stack:
            stack.pop()
        elif char == ",":
            commas.append(index)
    return stack, in_string, commas


def _closed(text: str) -> str:
    stack, in_string, _ = _scan(text)
    if in_string:
        if text.endswith("\\") and not text.endswith("\\\\"):
            text = text[:-1]
        text += '"'
    text = text.rstrip()
    if text.endswith(":"):
        text += " null"
    return text + "".join(reversed(stack))


def _candidates(text: str) -> Iterator[str]:
    yield _closed(text)
    _, _, commas = _scan(text)
    for position in reversed(commas[-MAX_REPAIR_CANDIDATES:]):
        yield _closed(text[:position])


def parse_json_object(text: str) -> tuple[dict[str, Any] | None, list[str]]:
    """The JSON object in ``text``, closing it if generation stopped part-way.

    A truncated object keeps every member that was complete; the member cut off is
    dropped (or its string closed). Returns the object (None if there is none) and the
    repairs made.
    """
    stripped = text.strip()
    start = stripped.find("{")
    if start < 0:
        return None, []
    stripped = stripped[start:]
    try:
        value = json.loads(stripped, strict=False)
        return (value, []) if isinstance(value, dict) else (None, [])
    except json.JSONDecodeError:
        pass
    for candidate in _candidates(stripped):
        try:
            value = json.loads(candidate, strict=False)
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            return value, ["closed_truncated_json"]
    return None, []


# --- clamping into the schema ------------------------------------------------------------


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        node: Any = root
        for part in ref[2:].split("/"):
            if not isinstance(node, dict) or part not in node:
                return schema
            node = node[part]
        return node if isinstance(node, dict) else schema
    return schema


def _types(schema: dict[str, Any]) -> set[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        return {declared}
    if isinstance(declared, list):
        return {t for t in declared if isinstance(t, str)}
    return set()


def _clamp_number(value: Any, schema: dict[str, Any], path: str, repairs: list[str]) -> Any:
    types = _types(schema)
    if isinstance(value, str) and types & {"number", "integer"}:
        try:
            value = float(value.strip().rstrip("%"))
            repairs.append(f"{path}: number_from_string")
        except ValueError:
            return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    original = value
    if "minimum" in schema and value < schema["minimum"]:
        value = schema["minimum"]
    if "maximum" in schema and value > schema["maximum"]:
        value = schema["maximum"]
    if "integer" in types and "number" not in types and isinstance(value, float):
        value = round(value)
    if value != original or type(value) is not type(original):
        repairs.append(f"{path}: clamped")
    return value


def clamp_to_schema(
    value: Any, schema: dict[str, Any], root: dict[str, Any] | None = None, path: str = ""
) -> tuple[Any, list[str]]:
    """Fix what a grammar cannot prevent, without inventing content: numbers into
    ``minimum``/``maximum`` (and numeric strings to numbers), integers rounded, strings
    cut to ``maxLength``, enum values matched case-insensitively, arrays cut to
    ``maxItems`` and de-duplicated for ``uniqueItems``, properties the schema forbids
    dropped. Missing required properties are left missing (validation then fails)."""
    root = schema if root is None else root
    schema = _resolve(schema, root)
    repairs: list[str] = []
    where = path or "(root)"
    value = _clamp_number(value, schema, where, repairs)
    enum = schema.get("enum")
    if isinstance(enum, list) and value not in enum and isinstance(value, str):
        matches = [
            item for item in enum if isinstance(item, str) and item.lower() == value.strip().lower()
        ]
        if matches:
            value = matches[0]
            repairs.append(f"{where}: enum_case")
    max_length = schema.get("maxLength")
    if isinstance(value, str) and isinstance(max_length, int) and len(value) > max_length:
        value = value[:max_length]
        repairs.append(f"{where}: truncated")
    if isinstance(value, list):
        if schema.get("uniqueItems"):
            unique: list[Any] = []
            for item in value:
                if item not in unique:
                    unique.append(item)
            if len(unique) != len(value):
                value = unique
                repairs.append(f"{where}: deduplicated")
        if isinstance(schema.get("maxItems"), int) and len(value) > schema["maxItems"]:
            value = value[: schema["maxItems"]]
            repairs.append(f"{where}: truncated")
        items = schema.get("items")
        if isinstance(items, dict):
            fixed = []
            for index, item in enumerate(value):
                new_item, item_repairs = clamp_to_schema(item, items, root, f"{path}[{index}]")
                fixed.append(new_item)
                repairs += item_repairs
            value = fixed
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        if schema.get("additionalProperties") is False and isinstance(properties, dict):
            extra = [key for key in value if key not in properties]
            if extra:
                value = {key: item for key, item in value.items() if key in properties}
                repairs.append(f"{where}: dropped_unknown_properties")
        if isinstance(properties, dict):
            fixed_obj = dict(value)
            for key, item in value.items():
                if key in properties and isinstance(properties[key], dict):
                    sub_path = f"{path}.{key}" if path else key
                    fixed_obj[key], item_repairs = clamp_to_schema(
                        item, properties[key], root, sub_path
                    )
                    repairs += item_repairs
            value = fixed_obj
    return value, repairs


# --- the smallest valid instance --------------------------------------------------------


def minimal_instance(schema: dict[str, Any], root: dict[str, Any] | None = None) -> Any:
    """The simplest value that satisfies ``schema`` where that can be worked out: first
    enum value, lowest allowed number, empty (or minimum-length) strings and arrays,
    objects with their required properties only. The last resort when no engine could
    produce a valid answer; callers mark such results degraded."""
    root = schema if root is None else root
    schema = _resolve(schema, root)
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if isinstance(options, list) and options and isinstance(options[0], dict):
            return minimal_instance(options[0], root)
    types = _types(schema)
    if "null" in types:
        return None
    if "object" in types or "properties" in schema:
        properties = schema.get("properties", {})
        return {
            name: minimal_instance(properties.get(name, {}), root)
            for name in schema.get("required", [])
        }
    if "array" in types:
        items = schema.get("items", {})
        count = int(schema.get("minItems", 0))
        return [minimal_instance(items if isinstance(items, dict) else {}, root)] * count
    if types & {"number", "integer"}:
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
        high = schema.get("maximum")
        value = max(low, 0) if high is None or high >= 0 else high
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            value = schema["exclusiveMinimum"] + 1
        return int(value) if "integer" in types else value
    if "boolean" in types:
        return False
    if "string" in types:
        return "-" * int(schema.get("minLength", 0))
    return None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_control_characters(value: Any) -> tuple[Any, bool]:
    """Remove control characters (other than newline, tab, carriage return) from every
    string; models emitting raw bytes produce them, and no note should contain them."""
    if isinstance(value, str):
        cleaned = _CONTROL.sub("", value)
        return cleaned, cleaned != value
    if isinstance(value, list):
        pairs = [strip_control_characters(item) for item in value]
        return [item for item, _ in pairs], any(changed for _, changed in pairs)
    if isinstance(value, dict):
        cleaned_obj, changed_any = {}, False
        for key, item in value.items():
            cleaned_obj[key], changed = strip_control_characters(item)
            changed_any |= changed
        return cleaned_obj, changed_any
    return value, False


def finish_structured(text: str, schema: dict[str, Any]) -> StructuredOutcome:
    """Parse model output into an object, repair and clamp it, and validate it."""
    obj, repairs = parse_json_object(text)
    if obj is None:
        return StructuredOutcome(None, repairs, ["(root): not_a_json_object"])
    obj, changed = strip_control_characters(obj)
    if changed:
        repairs.append("removed_control_characters")
    fixed, clamp_repairs = clamp_to_schema(obj, schema)
    errors = validation_errors(fixed, schema)
    return StructuredOutcome(
        fixed if isinstance(fixed, dict) else None, repairs + clamp_repairs, errors
    )
