"""Surgery definitions: built-ins, lookup, user files and their problems."""

import json
from pathlib import Path

import jsonschema
import pytest

from core.orstate.rule_text import tokenize
from core.orstate.surgeries import (
    UnknownSurgeryError,
    data_dir,
    get_surgery,
    load_surgeries,
)
from core.resources import load_schema


@pytest.mark.parametrize("fname", ["pcnl.json", "partial_hepatectomy.json", "lobectomy.json"])
def test_builtin_files_validate(fname: str) -> None:
    data = json.loads((data_dir() / fname).read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(load_schema("surgery.schema.json")).validate(data)


def test_three_builtins_load() -> None:
    catalog = load_surgeries()
    assert catalog.problems == []
    assert catalog.names() == ["Lobectomy", "Partial Hepatectomy", "PCNL"]
    for name in catalog.names():
        surgery = catalog.get(name)
        assert [p.id for p in surgery.phases] == [f"Phase{i}" for i in range(1, 7)]
        assert list(surgery.machines) == [f"M{i:02d}" for i in range(1, 10)]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("pcnl", "PCNL"),
        ("PCNL", "PCNL"),
        ("percutaneous nephrolithotomy", "PCNL"),
        ("partial hepatectomy", "Partial Hepatectomy"),
        ("hepatectomy", "Partial Hepatectomy"),
        ("Partial_Hepatectomy", "Partial Hepatectomy"),
        ("lobectomy", "Lobectomy"),
        ("VATS", "Lobectomy"),
    ],
)
def test_lookup_by_name_and_alias(name: str, expected: str) -> None:
    assert get_surgery(name).name == expected


def test_helpers() -> None:
    pcnl = get_surgery("pcnl")
    assert pcnl.phase_name("Phase4") == "Stone Management"
    assert pcnl.machine("M04").name == "C-Arm Fluoroscopy"
    assert "c-arm" in pcnl.machine("M04").aliases
    hep = get_surgery("hepatectomy")
    assert {"esu", "cautery", "bovie", "diathermy"} <= set(hep.machine("M04").aliases)
    with pytest.raises(KeyError):
        pcnl.phase_name("Phase9")


def test_no_phrase_names_two_machines() -> None:
    catalog = load_surgeries()
    for name in catalog.names():
        owner: dict[tuple[str, ...], str] = {}
        for mid, m in catalog.get(name).machines.items():
            for phrase in (m.name, *m.aliases, *m.triggers):
                key = tuple(tokenize(phrase))
                assert owner.setdefault(key, mid) == mid, (name, phrase)


def test_unknown_surgery_lists_known_names() -> None:
    with pytest.raises(UnknownSurgeryError) as info:
        get_surgery("appendectomy")
    assert isinstance(info.value, ValueError)
    assert "appendectomy" in str(info.value)
    assert "PCNL" in str(info.value) and "Lobectomy" in str(info.value)


def _custom(**changes: object) -> dict[str, object]:
    data = json.loads((data_dir() / "pcnl.json").read_text(encoding="utf-8"))
    data.update({"name": "Ureteroscopy", "display_name": "Ureteroscopy", "aliases": ["urs"]})
    data.update(changes)
    return data


def test_user_surgery_added(tmp_path: Path) -> None:
    (tmp_path / "urs.json").write_text(json.dumps(_custom()), encoding="utf-8")
    catalog = load_surgeries(tmp_path)
    assert catalog.problems == []
    assert catalog.get("urs").name == "Ureteroscopy"
    assert get_surgery("ureteroscopy", tmp_path).display_name == "Ureteroscopy"
    assert "Ureteroscopy" in catalog.names() and "PCNL" in catalog.names()


def test_bad_user_files_reported_and_skipped(tmp_path: Path) -> None:
    bad_state = _custom(name="Bad State")
    bad_state["machines"]["M03"]["default_state"] = "MAYBE"  # type: ignore[index]
    (tmp_path / "a_state.json").write_text(json.dumps(bad_state), encoding="utf-8")
    (tmp_path / "b_broken.json").write_text("{not json", encoding="utf-8")
    missing = _custom(name="Missing")
    del missing["machines"]["M09"]  # type: ignore[attr-defined]
    (tmp_path / "c_missing.json").write_text(json.dumps(missing), encoding="utf-8")
    (tmp_path / "d_good.json").write_text(json.dumps(_custom()), encoding="utf-8")
    catalog = load_surgeries(tmp_path)
    assert len(catalog.problems) == 3
    first, second, third = catalog.problems
    assert first.startswith("a_state.json: machines/M03/default_state: 'MAYBE' is not one of")
    assert second.startswith("b_broken.json: not valid JSON")
    assert third.startswith("c_missing.json: machines: 'M09' is a required property")
    assert "bad state" not in catalog.surgeries and "missing" not in catalog.surgeries
    assert catalog.get("urs").name == "Ureteroscopy"
