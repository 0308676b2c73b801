from pathlib import Path

from app.paths import AppPaths


def test_home_puts_everything_in_one_folder(tmp_path: Path) -> None:
    paths = AppPaths.resolve(env={"AURALIS_HOME": str(tmp_path)})
    for folder in (
        paths.data_dir,
        paths.config_dir,
        paths.log_dir,
        paths.models_dir,
        paths.cache_dir,
    ):
        assert folder.is_relative_to(tmp_path)
    assert paths.database == tmp_path / "data" / "auralis.db"
    assert paths.settings_file == tmp_path / "config" / "settings.toml"
    assert paths.backup_dir == tmp_path / "data" / "backups"


def test_an_explicit_folder_wins_over_the_environment(tmp_path: Path) -> None:
    paths = AppPaths.resolve(tmp_path / "cli", env={"AURALIS_HOME": str(tmp_path / "env")})
    assert paths.data_dir == tmp_path / "cli" / "data"


def test_user_folders_by_default() -> None:
    paths = AppPaths.resolve(env={})
    assert "auralis" in str(paths.data_dir).lower()
    assert paths.data_dir != paths.config_dir


def test_models_are_looked_for_beside_the_program_first(tmp_path: Path) -> None:
    paths = AppPaths.resolve(tmp_path, env={})
    assert paths.model_search_dirs() == [paths.bundled_models_dir, tmp_path / "models"]
    assert (paths.bundled_models_dir / "manifest.json").exists()
    shared = AppPaths.resolve(tmp_path, env={"AURALIS_MODELS_DIR": str(tmp_path / "shared")})
    assert shared.model_search_dirs() == [tmp_path / "shared", tmp_path / "models"]
