"""A model load under a memory limit never aborts the process.

llama.cpp aborts the whole process (``std::bad_alloc``, ``GGML_ABORT``) when an allocation
fails at the wrong moment; the window built its engine at every start, so a model that
did not fit aborted the window on every start. Here a real child process sets
``RLIMIT_AS`` a given amount above what it has mapped, then builds the engine the way
the window does (``build_engine``) with the real default model and drafts a few tokens:
it either works, or the engine is the rule engine with one clear line about memory. The
process is never killed by a signal.
"""

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import REPO_ROOT, CliRunner

from core.llm.config import LlamaConfig
from core.llm.gguf_header import read_header
from core.llm.memory_check import MemoryRoom, estimate_need, memory_problem

DEFAULT_MODEL = REPO_ROOT / "models" / "SmolLM2-135M-Instruct.Q4_1.gguf"
PROCESS_TIMEOUT_S = 300.0

CHILD = """
import json, resource, sys
from pathlib import Path
from app.engines import build_engine
from app.paths import AppPaths
from app.settings import InferenceSettings

model, n_ctx, use_mmap, margin_mib = sys.argv[1:]
inference = InferenceSettings(
    engine="local", model_path=Path(model), n_ctx=int(n_ctx), n_threads=8, use_mmap=use_mmap == "1"
)
paths = AppPaths.resolve(None)
with open("/proc/self/status") as status:
    mapped = next(int(l.split()[1]) * 1024 for l in status if l.startswith("VmSize:"))
limit = mapped + int(margin_mib) * 2**20
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
choice = build_engine(paths, inference)
print(json.dumps({"engine": choice.engine.name, "problems": choice.problems}), flush=True)
if choice.engine.name == "local":
    result = choice.engine.complete("The patient said that", max_tokens=8)
    print(json.dumps({"generated": result.completion_tokens}), flush=True)
    choice.engine.close()
"""


@pytest.mark.skipif(not DEFAULT_MODEL.exists(), reason="the default model is not installed")
@pytest.mark.parametrize(
    ("n_ctx", "use_mmap", "margin_mib"),
    [
        (2048, True, 250),
        (2048, True, 350),
        (2048, True, 400),
        (2048, True, 450),
        (8192, True, 400),
        (8192, True, 700),
        (8192, False, 300),
        (8192, False, 500),
        (2048, True, 1500),  # plenty: it loads and drafts
    ],
)
def test_model_load_under_a_memory_limit_never_aborts_the_process(
    run_cli: CliRunner, n_ctx: int, use_mmap: bool, margin_mib: int
) -> None:
    arguments = (str(DEFAULT_MODEL), str(n_ctx), str(int(use_mmap)), str(margin_mib))
    child = subprocess.run(
        [sys.executable, "-c", CHILD, *arguments],
        capture_output=True,
        text=True,
        env=run_cli.env(),
        cwd=REPO_ROOT,
        timeout=PROCESS_TIMEOUT_S,
    )
    assert child.returncode == 0, (child.returncode, child.stderr[-2000:])
    assert "terminate called" not in child.stderr and "Traceback" not in child.stderr
    lines = [json.loads(line) for line in child.stdout.splitlines()]
    built = lines[0]
    if built["engine"] == "local":
        assert lines[1]["generated"] > 0
    else:
        assert built["engine"] == "rules" and len(built["problems"]) == 1
        problem = built["problems"][0]
        assert "memory" in problem and "MiB" in problem and "\n" not in problem
        assert DEFAULT_MODEL.name in problem
    if margin_mib >= 1500:
        assert built["engine"] == "local"


@pytest.mark.skipif(not DEFAULT_MODEL.exists(), reason="the default model is not installed")
def test_model_too_big_for_the_memory_limit_is_refused_before_loading(
    run_cli: CliRunner,
) -> None:
    """Far too little room: refused by the check, naming what it needs and the limit."""
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(DEFAULT_MODEL), "8192", "1", "120"],
        capture_output=True,
        text=True,
        env=run_cli.env(),
        cwd=REPO_ROOT,
        timeout=PROCESS_TIMEOUT_S,
    )
    assert child.returncode == 0, child.stderr[-2000:]
    built = json.loads(child.stdout.splitlines()[0])
    assert built["engine"] == "rules"
    problem = built["problems"][0]
    assert "not enough memory" in problem.lower() and "RLIMIT_AS" in problem
    assert "context" in problem  # what to lower


def test_every_readable_limit_is_honoured_and_named(tiny_model: Path) -> None:
    """The check against each kind of limit, with the tiny test model's real header: the
    one that leaves too little room is named; a GPU offload needs less of the memory
    itself but as much address space."""
    header = read_header(tiny_model)
    config = LlamaConfig(tiny_model, n_ctx=4096, n_threads=4)
    size = tiny_model.stat().st_size
    plenty = MemoryRoom("the memory available", 64 * 2**30, False)
    assert memory_problem(header, config, size, [plenty]) is None
    for tight in (
        MemoryRoom("the memory limit of this program's cgroup", 8 * 2**20, False),
        MemoryRoom("the address space limit (RLIMIT_AS)", 200 * 2**20, True),
        MemoryRoom("the data size limit (RLIMIT_DATA)", 8 * 2**20, False),
    ):
        problem = memory_problem(header, config, size, [plenty, tight])
        assert problem is not None and tight.limit in problem and "MiB" in problem
    need = estimate_need(header, config, size)
    offloaded = estimate_need(header, replace(config, n_gpu_layers=-1), size)
    assert offloaded.total(address_space=False) < need.total(address_space=False)
    assert offloaded.total(address_space=True) == need.total(address_space=True)
    bigger = estimate_need(header, replace(config, n_ctx=8192), size)
    assert bigger.kv_cache == 2 * need.kv_cache
