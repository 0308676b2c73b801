import tomllib
from pathlib import Path

import pytest

from app.settings import (
    CURRENT_SCHEMA_VERSION,
    Settings,
    load_settings,
    physical_cores,
    save_settings,
)


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    return tmp_path / "config" / "settings.toml"


def test_defaults(settings_file: Path) -> None:
    loaded = load_settings(settings_file, environ={})
    assert loaded.problems == []
    inference = loaded.settings.inference
    assert inference.model_path is None
    assert (inference.n_ctx, inference.n_gpu_layers, inference.n_batch) == (8192, 0, 512)
    assert inference.n_threads == physical_cores()
    assert (inference.temperature_structured, inference.temperature_prose) == (0.1, 0.7)
    assert (inference.top_p, inference.top_k, inference.repeat_penalty) == (0.9, 40, 1.1)
    assert (inference.max_tokens, inference.timeout_s) == (512, 60)
    assert (inference.use_mmap, inference.use_mlock) == (True, False)
    assert inference.max_input_chars == 100_000
    assert not settings_file.exists()  # loading never writes a file of defaults


def test_file_values(settings_file: Path) -> None:
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text(
        'schema_version = 1\nlog_level = "DEBUG"\n[inference]\nn_ctx = 2048\n'
        'model_path = "/models/phi.gguf"\n[backup]\nkeep = 3\n'
    )
    settings = load_settings(settings_file, environ={}).settings
    assert settings.log_level == "DEBUG"
    assert settings.inference.n_ctx == 2048
    assert settings.inference.model_path == Path("/models/phi.gguf")
    assert settings.backup.keep == 3
    assert settings.inference.n_batch == 512


def test_environment_beats_file(settings_file: Path) -> None:
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text("schema_version = 1\n[inference]\nn_ctx = 1024\nn_batch = 256\n")
    env = {
        "AURALIS_INFERENCE__N_CTX": "2048",
        "AURALIS_LOG_LEVEL": "WARNING",
        "AURALIS_HOME": "/ignored/here",
        "UNRELATED": "1",
    }
    loaded = load_settings(settings_file, environ=env)
    assert loaded.problems == []
    assert loaded.settings.inference.n_ctx == 2048
    assert loaded.settings.inference.n_batch == 256
    assert loaded.settings.log_level == "WARNING"


def test_reads_the_process_environment_by_default(
    settings_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AURALIS_INFERENCE__USE_MLOCK", "true")
    assert load_settings(settings_file).settings.inference.use_mlock is True


def test_invalid_file_value_is_named_and_replaced_by_its_default(settings_file: Path) -> None:
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text(
        "schema_version = 1\n[inference]\nn_ctx = 99999999\ntop_p = 0.5\nn_threads = 0\n"
    )
    loaded = load_settings(settings_file, environ={})
    assert loaded.settings.inference.n_ctx == 8192
    assert loaded.settings.inference.n_threads == physical_cores()
    assert loaded.settings.inference.top_p == 0.5  # the valid neighbour is kept
    assert len(loaded.problems) == 2
    n_ctx_problem = next(p for p in loaded.problems if "n_ctx" in p)
    assert "inference.n_ctx = 99999999" in n_ctx_problem
    assert "a whole number from 512 to 131072" in n_ctx_problem
    assert "default, 8192" in n_ctx_problem
    assert str(settings_file) in n_ctx_problem


def test_invalid_environment_value_names_the_variable(settings_file: Path) -> None:
    loaded = load_settings(
        settings_file,
        environ={"AURALIS_INFERENCE__TEMPERATURE_PROSE": "hot", "AURALIS_LOG_LEVEL": "LOUD"},
    )
    assert loaded.settings.inference.temperature_prose == 0.7
    assert loaded.settings.log_level == "INFO"
    text = "\n".join(loaded.problems)
    assert "AURALIS_INFERENCE__TEMPERATURE_PROSE" in text
    assert "'hot'" in text
    assert "a number from 0.0 to 2.0" in text
    assert "one of DEBUG, INFO, WARNING, ERROR" in text


def test_invalid_environment_value_does_not_hide_a_valid_file_value(settings_file: Path) -> None:
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text("schema_version = 1\n[inference]\nmax_tokens = 1024\n")
    loaded = load_settings(settings_file, environ={"AURALIS_INFERENCE__MAX_TOKENS": "-5"})
    assert loaded.settings.inference.max_tokens == 1024
    assert "AURALIS_INFERENCE__MAX_TOKENS" in loaded.problems[0]


def test_unknown_settings_are_reported_and_ignored(settings_file: Path) -> None:
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text("schema_version = 1\n[inference]\nn_ctxx = 1\n[colour]\nx = 1\n")
    loaded = load_settings(settings_file, environ={"AURALIS_INFERENCE__BOGUS": "1"})
    text = "\n".join(loaded.problems)
    assert "Unknown setting inference.n_ctxx" in text
    assert "Unknown setting colour" in text
    assert "Unknown setting inference.bogus" in text
    assert loaded.settings == Settings()


def test_an_unreadable_file_gives_defaults(settings_file: Path) -> None:
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text("[inference\nn_ctx = = 3")
    loaded = load_settings(settings_file, environ={})
    assert loaded.settings == Settings()
    assert "could not be read" in loaded.problems[0]


def test_migrates_a_version_0_file(settings_file: Path) -> None:
    settings_file.parent.mkdir(parents=True)
    old_text = 'n_ctx = 2048\nn_threads = 3\nlog_level = "DEBUG"\n'
    settings_file.write_text(old_text)
    loaded = load_settings(settings_file, environ={"AURALIS_INFERENCE__N_BATCH": "128"})
    assert loaded.problems == []
    assert loaded.settings.inference.n_ctx == 2048
    assert loaded.settings.inference.n_threads == 3
    assert loaded.settings.log_level == "DEBUG"
    assert (settings_file.parent / "settings.toml.v0.bak").read_text() == old_text
    rewritten = tomllib.loads(settings_file.read_text())
    assert rewritten == {
        "schema_version": CURRENT_SCHEMA_VERSION,
        "log_level": "DEBUG",
        "inference": {"n_ctx": 2048, "n_threads": 3},
    }  # the environment's n_batch is not written into the file
    again = load_settings(settings_file, environ={})
    assert again.problems == [] and again.settings.inference.n_ctx == 2048


def test_a_file_from_a_newer_version_is_left_alone(settings_file: Path) -> None:
    settings_file.parent.mkdir(parents=True)
    text = "schema_version = 7\n[inference]\nn_ctx = 2048\nnew_thing = 1\n"
    settings_file.write_text(text)
    loaded = load_settings(settings_file, environ={})
    assert loaded.file_is_newer
    assert loaded.settings.inference.n_ctx == 8192  # the default, not the file's
    assert "newer Auralis" in loaded.problems[0]
    with pytest.raises(PermissionError):
        save_settings(loaded, loaded.settings)
    assert settings_file.read_text() == text


def test_save_writes_only_what_differs_from_the_defaults(settings_file: Path) -> None:
    loaded = load_settings(settings_file, environ={})
    changed = loaded.settings.model_copy(deep=True)
    changed.inference.n_ctx = 2048
    changed.inference.model_path = Path("/m/x.gguf")
    changed.backup.interval_hours = 0
    save_settings(loaded, changed)
    assert tomllib.loads(settings_file.read_text()) == {
        "schema_version": CURRENT_SCHEMA_VERSION,
        "inference": {"n_ctx": 2048, "model_path": "/m/x.gguf"},
        "backup": {"interval_hours": 0.0},
    }
    assert load_settings(settings_file, environ={}).settings == changed
    assert not list(settings_file.parent.glob("*.partial"))


def test_assignment_is_validated() -> None:
    settings = Settings()
    with pytest.raises(ValueError):
        settings.inference.n_ctx = 10
    assert settings.inference.n_ctx == 8192


def test_a_text_size_out_of_range_is_named_and_the_system_size_used(settings_file: Path) -> None:
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text("schema_version = 1\n[ui]\nzoom = 900\n")
    loaded = load_settings(settings_file, environ={})
    assert loaded.settings.ui.zoom == 100
    assert len(loaded.problems) == 1
    assert "ui.zoom = 900" in loaded.problems[0]
    assert "a whole number from 50 to 200" in loaded.problems[0]
