"""Choosing and building the engine the settings ask for.

``auto``: a valid local model (configured, or found beside the program or in the user
models folder), else the remote server if one is configured, else the rule engine.
``local``/``remote``/``rules`` force one; when the forced engine cannot be built the
rule engine answers and the choice says why. The result always works.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from app.paths import AppPaths
from app.settings import InferenceSettings
from core.llm.config import LlamaConfig
from core.llm.engine import Engine
from core.llm.gguf_header import GGUFHeaderError, is_adapter_file
from core.llm.local import LocalEngine
from core.llm.model_file import ChecksumCache, manifest_entries, manifest_entry
from core.llm.remote import RemoteEngine
from core.llm.rules import RULE_ENGINE_LABEL, RuleEngine
from core.llm.types import EngineError
from core.logs import log_event

logger = logging.getLogger(__name__)

LoadProgress = Callable[[str, float | None], None]


# How the one expected reason for the rules begins: no model installed at all.
NO_MODEL_FOUND = "No model file found"


@dataclass
class EngineChoice:
    engine: Engine
    description: str  # for the status bar and `llm info`, in plain words
    problems: list[str] = field(default_factory=list)  # why a preferred engine was not used

    @property
    def degraded(self) -> bool:
        return self.engine.name == "rules"


@dataclass(frozen=True)
class ModelFile:
    """A GGUF model file found in a models folder (listed; only the start of its header
    is read, to leave adapters out)."""

    path: Path
    size: int
    in_manifest: bool


def _is_adapter(path: Path, listed_adapters: set[str]) -> bool:
    """A LoRA adapter beside the models (named by the manifest, or saying so in its
    header) is not a model to choose."""
    if path.name in listed_adapters:
        return True
    try:
        return is_adapter_file(path)
    except (GGUFHeaderError, OSError):
        return False  # the check of a chosen file says what is wrong with it


def available_models(paths: AppPaths) -> list[ModelFile]:
    """The GGUF model files in the models folders, beside the program first, each by
    name; LoRA adapters kept there are not models and are left out."""
    found: list[ModelFile] = []
    for folder in paths.model_search_dirs():
        if not folder.is_dir():
            continue
        listed_adapters = {
            str(entry["adapter"].get("file"))
            for entry in manifest_entries(folder)
            if isinstance(entry.get("adapter"), dict)
        }
        for path in sorted(folder.glob("*.gguf")):
            try:
                size = path.stat().st_size
            except OSError:
                continue  # vanished or unreadable: the check of a chosen file says why
            if _is_adapter(path, listed_adapters):
                continue
            found.append(ModelFile(path, size, manifest_entry(path) is not None))
    return found


def find_model(paths: AppPaths, inference: InferenceSettings) -> Path | None:
    """The configured model, else the first GGUF listed in a manifest, else the first GGUF
    by name, looking beside the program first and then in the user models folder.

    A folder whose manifest lists models that are all absent yields the first of them, so
    that the check reports the installed model as missing instead of silently using
    another file or none."""
    if inference.model_path is not None:
        return inference.model_path.expanduser()
    found = available_models(paths)
    for folder in paths.model_search_dirs():
        here = [model for model in found if model.path.parent == folder]
        if here:
            return next((model for model in here if model.in_manifest), here[0]).path
        listed = manifest_entries(folder)
        if listed:
            return folder / str(listed[0]["file"])
    return None


def checksum_cache(paths: AppPaths) -> ChecksumCache:
    """The remembered sha256 of model files, so a large file is hashed once."""
    return ChecksumCache(paths.cache_dir / "model-checksums.json")


def find_adapter(inference: InferenceSettings, model: Path) -> tuple[Path | None, str | None]:
    """The adapter to load on ``model`` and the sha256 it must have: the configured one,
    else the one the model's manifest entry names (a bundle ships it beside the model)."""
    if inference.adapter_path is not None:
        return inference.adapter_path.expanduser(), None
    entry = manifest_entry(model) or {}
    listed = entry.get("adapter")
    if isinstance(listed, dict) and isinstance(listed.get("file"), str):
        sha = listed.get("sha256")
        return model.parent / listed["file"], sha if isinstance(sha, str) else None
    return None, None


def llama_config(inference: InferenceSettings, model: Path) -> LlamaConfig:
    adapter, adapter_sha256 = find_adapter(inference, model)
    return LlamaConfig(
        model_path=model,
        adapter_path=adapter,
        adapter_sha256=adapter_sha256,
        n_ctx=inference.n_ctx,
        n_threads=inference.n_threads,
        n_gpu_layers=inference.n_gpu_layers,
        n_batch=inference.n_batch,
        temperature_structured=inference.temperature_structured,
        temperature_prose=inference.temperature_prose,
        top_p=inference.top_p,
        top_k=inference.top_k,
        repeat_penalty=inference.repeat_penalty,
        max_tokens=inference.max_tokens,
        use_mmap=inference.use_mmap,
        use_mlock=inference.use_mlock,
    )


def remote_engine(inference: InferenceSettings, url: str) -> RemoteEngine:
    return RemoteEngine(
        url,
        api_key=inference.remote_api_key,
        model=inference.remote_model,
        timeout_s=inference.timeout_s,
        schema_format=inference.remote_schema_format,
        temperature_structured=inference.temperature_structured,
        temperature_prose=inference.temperature_prose,
        top_p=inference.top_p,
        max_tokens=inference.max_tokens,
    )


def build_engine(
    paths: AppPaths,
    inference: InferenceSettings,
    *,
    progress: LoadProgress | None = None,
) -> EngineChoice:
    """Build the engine ``inference.engine`` asks for; never raises for a bad model or
    an unreachable server (the rule engine answers and ``problems`` says why)."""
    mode, problems = inference.engine, []
    if mode in ("auto", "local"):
        model = find_model(paths, inference)
        if model is None:
            problems.append(
                f"{NO_MODEL_FOUND}: put a .gguf file in "
                f"{paths.bundled_models_dir} or {paths.models_dir}, or set inference.model_path."
            )
        else:
            try:
                local = LocalEngine(
                    llama_config(inference, model),
                    checksums=checksum_cache(paths),
                    progress=progress,
                )
                adapter = f" with adapter {local.adapter.name}" if local.adapter else ""
                description = f"local model {local.info().model_name}{adapter}"
                return EngineChoice(local, description, problems)
            except EngineError as exc:
                problems.append(str(exc))
    if mode in ("auto", "remote"):
        if inference.remote_url:
            try:
                remote = remote_engine(inference, inference.remote_url)
                return EngineChoice(remote, f"remote server {inference.remote_url}", problems)
            except EngineError as exc:
                problems.append(str(exc))
        elif mode == "remote":
            problems.append("The remote engine is selected but inference.remote_url is not set.")
    log_event(
        logger,
        "llm.engine_rules",
        level=logging.WARNING if problems else logging.INFO,
        problems=len(problems),
        mode=mode,
    )
    return EngineChoice(RuleEngine(), RULE_ENGINE_LABEL, problems)


# A note's answer: up to 12 sections of up to 150 words; the prompt's fixed part.
NOTE_OUTPUT_TOKENS = 1200
PROMPT_OVERHEAD_TOKENS = 700
CHARS_PER_TOKEN = 3  # conservative for clinical English (about 4 on average)


def transcript_part_chars(
    inference: InferenceSettings, engine_name: str, n_ctx: int | None = None
) -> int:
    """How much transcript one model call may carry: what fits the local model's context
    (``n_ctx``, the context it was opened with; else the setting) beside the prompt and
    the answer, never more than ``max_input_chars``. Longer transcripts are drafted in
    parts."""
    if engine_name != "local":
        return inference.max_input_chars
    room = (n_ctx or inference.n_ctx) - NOTE_OUTPUT_TOKENS - PROMPT_OVERHEAD_TOKENS
    return max(1000, min(inference.max_input_chars, room * CHARS_PER_TOKEN))
