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

import pytest
from conftest import REPO_ROOT, CliRunner

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
