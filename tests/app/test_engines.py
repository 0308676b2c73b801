"""Engine selection from settings, and switching engines at runtime through the queue."""

import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from gguf_builder import write_llama_gguf

from app.engines import available_models, build_engine, find_model
from app.paths import AppPaths
from app.settings import InferenceSettings
from core.llm.engine import Engine
from core.llm.jobs import Job, JobContext, JobQueue, JobSink
from core.llm.types import GenerationResult, Message


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    return AppPaths.resolve(tmp_path / "home")


def _inference(**values: Any) -> InferenceSettings:
    return InferenceSettings(n_ctx=1024, n_threads=2, **values)


def test_no_model_anywhere_means_rules(paths: AppPaths) -> None:
    choice = build_engine(paths, _inference())
    assert choice.engine.name == "rules" and choice.degraded
    assert "No model file found" in choice.problems[0]
    assert str(paths.models_dir) in choice.problems[0]


def test_a_configured_model_is_used(paths: AppPaths, tiny_model: Path) -> None:
    choice = build_engine(paths, _inference(model_path=tiny_model))
    try:
        assert choice.engine.name == "local" and not choice.degraded
        assert choice.description == "local model auralis-tiny-test"
    finally:
        choice.engine.close()


def test_the_user_models_folder_is_searched(paths: AppPaths, tiny_model: Path) -> None:
    paths.models_dir.mkdir(parents=True)
    shutil.copy(tiny_model, paths.models_dir / "b.gguf")
    shutil.copy(tiny_model, paths.models_dir / "a.gguf")
    assert find_model(paths, _inference()) == paths.models_dir / "a.gguf"


def test_models_are_listed_and_a_manifest_listed_one_is_preferred(
    paths: AppPaths, tiny_model: Path
) -> None:
    paths.models_dir.mkdir(parents=True)
    shutil.copy(tiny_model, paths.models_dir / "a.gguf")
    shutil.copy(tiny_model, paths.models_dir / "z.gguf")
    (paths.models_dir / "notes.txt").write_text("not a model")
    (paths.models_dir / "manifest.json").write_text('{"models": [{"file": "z.gguf"}]}')
    listed = available_models(paths)
    assert [(m.path.name, m.in_manifest) for m in listed] == [("a.gguf", False), ("z.gguf", True)]
    assert listed[0].size == tiny_model.stat().st_size
    assert find_model(paths, _inference()) == paths.models_dir / "z.gguf"


def _install_listed(folder: Path, model: Path, sha256: str) -> Path:
    """A models folder as an installer leaves it: the file and its manifest entry."""
    folder.mkdir(parents=True, exist_ok=True)
    installed = Path(shutil.copy(model, folder / "installed.gguf"))
    entry = f'{{"file": "installed.gguf", "sha256": "{sha256}", "size": {model.stat().st_size}}}'
    (folder / "manifest.json").write_text(f'{{"schema_version": 1, "models": [{entry}]}}')
    return installed


def test_a_listed_model_that_is_missing_is_reported_not_replaced(
    paths: AppPaths, tiny_model: Path
) -> None:
    _install_listed(paths.models_dir, tiny_model, "ab" * 32).unlink()
    choice = build_engine(paths, _inference())
    assert choice.engine.name == "rules"
    [problem] = choice.problems
    assert f"{paths.models_dir / 'installed.gguf'} is missing" in problem
    assert "manifest.json lists it (sha256 " + "ab" * 32 in problem


def test_a_listed_model_that_was_replaced_names_both_checksums(
    paths: AppPaths, tiny_model: Path, tmp_path: Path
) -> None:
    from core.llm.model_file import ChecksumCache

    expected = ChecksumCache(None).sha256(tiny_model)
    installed = _install_listed(paths.models_dir, tiny_model, expected)
    other = write_llama_gguf(tmp_path / "other.gguf", seed=7)
    shutil.copy(other, installed)
    choice = build_engine(paths, _inference())
    assert choice.engine.name == "rules"
    found = ChecksumCache(None).sha256(other)
    assert f"checksum mismatch (expected sha256 {expected}, found {found})" in choice.problems[0]


def test_a_bad_model_falls_back_with_the_reason(paths: AppPaths, tmp_path: Path) -> None:
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"\x00" * 100)
    choice = build_engine(paths, _inference(model_path=bad))
    assert choice.engine.name == "rules"
    assert "not a GGUF model file" in choice.problems[0]


def test_remote_when_no_local_model(paths: AppPaths) -> None:
    # Building a remote engine does not connect; nothing listens on this port anyway.
    choice = build_engine(paths, _inference(remote_url="http://127.0.0.1:9"))
    try:
        assert choice.engine.name == "remote"
        assert choice.description == "remote server http://127.0.0.1:9"
    finally:
        choice.engine.close()


def test_forced_modes(paths: AppPaths, tiny_model: Path) -> None:
    rules = build_engine(paths, _inference(model_path=tiny_model, engine="rules"))
    assert rules.engine.name == "rules" and rules.problems == []
    remote = build_engine(paths, _inference(engine="remote"))
    assert remote.engine.name == "rules" and "remote_url is not set" in remote.problems[0]


def test_switching_engines_at_runtime(paths: AppPaths, tiny_model: Path) -> None:
    messages = [Message("user", "Patient reports poor sleep. Mood low.")]
    answered: list[GenerationResult] = []
    done = threading.Semaphore(0)

    def ask(engine: Engine, ctx: JobContext) -> GenerationResult:
        return engine.chat(messages, max_tokens=4, cancel=ctx.cancel)

    def job() -> Job:
        sink = JobSink(on_result=lambda _id, result: (answered.append(result), done.release()))
        return Job(kind="chat", run=ask, sink=sink)

    queue = JobQueue(build_engine(paths, _inference()).engine)
    consumer = queue.start_thread()
    try:
        queue.submit(job())
        assert done.acquire(timeout=10)
        local = build_engine(paths, _inference(model_path=tiny_model)).engine
        queue.set_engine(local)
        queue.submit(job())
        assert done.acquire(timeout=10)
    finally:
        queue.stop()
        consumer.join(10)
    assert [r.engine for r in answered] == ["rules", "local"]
    with pytest.raises(Exception, match="unloaded"):
        local.chat(messages)  # the queue closed the engine when it stopped
