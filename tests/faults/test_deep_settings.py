"""A settings file nested thousands of levels deep (arrays, inline tables, dotted tables)
gives the settings loader's normal one-line problem and the defaults, never a
``RecursionError`` traceback."""

from pathlib import Path

import pytest

from app.settings import Settings, load_settings, save_settings

DEPTH = 10_000


def _nested_arrays(depth: int) -> str:
    return "log_level = " + "[" * depth + "]" * depth + "\n"


def _nested_inline_tables(depth: int) -> str:
    return "inference = " + "{a = " * depth + "1" + "}" * depth + "\n"


def _dotted_table(depth: int) -> str:
    return "[" + ".".join(["a"] * depth) + "]\nx = 1\n"


def _dotted_key(depth: int) -> str:
    return ".".join(["inference"] * depth) + " = 1\n"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (_nested_arrays(DEPTH), "nested too deeply"),
        (_nested_inline_tables(DEPTH), "nested too deeply"),
        (_nested_arrays(300), "nested too deeply"),  # parses, but deeper than any setting
        (_dotted_table(DEPTH), "nested too deeply"),
        (_dotted_key(DEPTH), "nested too deeply"),
    ],
    ids=["arrays", "inline-tables", "arrays-300", "dotted-table", "dotted-key"],
)
def test_deeply_nested_settings_file_gives_one_problem_and_defaults(
    tmp_path: Path, text: str, words: str
) -> None:
    file = tmp_path / "settings.toml"
    file.write_text("schema_version = 1\n" + text)
    before = file.read_bytes()
    loaded = load_settings(file, environ={})
    assert loaded.settings == Settings()
    assert len(loaded.problems) == 1, loaded.problems
    problem = loaded.problems[0]
    assert str(file) in problem
    assert words in problem
    assert "defaults" in problem
    assert "\n" not in problem and len(problem) < 400
    assert file.read_bytes() == before  # the admin's file is left as it was


def test_unreadable_settings_file_is_not_written_over(tmp_path: Path) -> None:
    """A file that does not parse was 'migrated' from version 0 and replaced by an empty
    one; it must stay as the admin wrote it, to be fixed by hand."""
    file = tmp_path / "settings.toml"
    file.write_text('log_level = "DEBUG"\n[inference\nn_ctx = 2048\n')
    before = file.read_bytes()
    loaded = load_settings(file, environ={})
    assert loaded.settings == Settings()
    assert len(loaded.problems) == 1
    assert file.read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["settings.toml"]


def test_saving_over_an_unreadable_settings_file_keeps_it_aside(tmp_path: Path) -> None:
    """A change saved from the window replaces the file; what the admin wrote (that did
    not parse) is kept beside it, not lost."""
    file = tmp_path / "settings.toml"
    file.write_text('log_level = "DEBUG"\n[inference\nn_ctx = 2048\n')
    before = file.read_bytes()
    loaded = load_settings(file, environ={})
    changed = loaded.settings.model_copy(update={"log_level": "WARNING"})
    save_settings(loaded, changed)
    kept = [
        path for path in tmp_path.iterdir() if path.name.startswith("settings.toml.unreadable-")
    ]
    assert len(kept) == 1 and kept[0].read_bytes() == before
    assert load_settings(file, environ={}).settings.log_level == "WARNING"
