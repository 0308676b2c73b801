"""Bad inputs to ``auralis lab``, as a user would give them: each gives one clear
``auralis: error:`` line and no traceback, and leaves what earlier steps wrote intact
(a split, checkpoints), including a full disk in the middle of training."""

import hashlib
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO_ROOT, CliRunner
from gguf_builder import write_llama_gguf
from lab_logits import require_lab, write_pairs

pytestmark = pytest.mark.slow


def one_error_line(result: "subprocess.CompletedProcess[str]") -> str:
    assert result.returncode == 1, result.stderr[-1500:]
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("auralis: error:")]
    assert len(errors) == 1, result.stderr[-1500:]
    return errors[0]


def digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def data_args(source: Path, out: Path, *extra: str) -> list[str]:
    return [
        "lab", "data", str(source), "--transcript-col", "dialogue", "--note-col", "note",
        "--out", str(out), *extra,
    ]  # fmt: skip


def test_bad_data_files_are_refused_and_an_earlier_split_is_kept(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "split"
    good = write_pairs(tmp_path / "pairs.csv", 12)
    assert run_cli(*data_args(good, out)).returncode == 0
    before = digests(out)

    wrong = tmp_path / "wrong.csv"
    wrong.write_text("transcript,summary\nhello,world\n", encoding="utf-8")
    line = one_error_line(run_cli(*data_args(wrong, out)))
    assert "has no column 'dialogue'; its columns are: 'transcript', 'summary'" in line

    binary = tmp_path / "weights.csv"
    binary.write_bytes(bytes(range(256)) * 100)
    assert "is not a text file" in one_error_line(run_cli(*data_args(binary, out)))

    huge = tmp_path / "huge.jsonl"
    with huge.open("wb") as handle:
        handle.truncate(2 << 30)  # sparse: 2 GB that take no disk
    assert "the lab reads files up to 1 GiB" in one_error_line(run_cli(*data_args(huge, out)))

    small = write_pairs(tmp_path / "two.csv", 2)
    line = one_error_line(run_cli(*data_args(small, out)))
    assert "cannot fill a split of 80/10/10: the train part would be empty" in line

    assert digests(out) == before


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[CliRunner, Path, Path]:
    """Two optimizer steps on a tiny llama model, a checkpoint after each."""
    require_lab()
    folder = tmp_path_factory.mktemp("lab-bad")
    run = CliRunner(folder / "home")
    base = write_llama_gguf(folder / "base.gguf")
    split = folder / "split"
    assert run(*data_args(write_pairs(folder / "pairs.csv", 12), split)).returncode == 0
    result = run(*train_args(base, split, folder / "run", "2"), timeout=600)
    assert result.returncode == 0, result.stderr[-1500:]
    return run, base, folder


def train_args(base: Path, split: Path, out: Path, steps: str, *extra: str) -> list[str]:
    return [
        "lab", "train", "--base", str(base), "--data", str(split), "--out", str(out),
        "--max-steps", steps, "--accumulation", "1", "--checkpoint-every", "1", *extra,
    ]  # fmt: skip


def test_a_full_disk_at_a_checkpoint_keeps_the_earlier_ones_and_resume_goes_on(
    trained: tuple[CliRunner, Path, Path],
) -> None:
    run, base, folder = trained
    out = folder / "run"
    before = digests(out / "checkpoint-2")
    limit = max(p.stat().st_size for p in (out / "checkpoint-2").iterdir()) // 2

    def full_disk() -> None:  # writes past `limit` bytes fail with EFBIG, as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "main.py"),
         *train_args(base, folder / "split", out, "4", "--resume")],
        capture_output=True, text=True, env=run.env(), cwd=REPO_ROOT, timeout=600,
        preexec_fn=full_disk,
    )  # fmt: skip
    line = one_error_line(result)
    assert "checkpoint 3 could not be written" in line and "--resume" in line
    assert digests(out / "checkpoint-2") == before
    assert sorted(p.name for p in out.iterdir() if p.name.startswith((".", "checkpoint"))) == [
        "checkpoint-1",
        "checkpoint-2",
    ]  # no half-written checkpoint left behind

    resumed = run(*train_args(base, folder / "split", out, "4", "--resume"), timeout=600)
    assert resumed.returncode == 0, resumed.stderr[-1500:]
    assert sorted(p.name for p in out.glob("checkpoint-*")) == ["checkpoint-3", "checkpoint-4"]
    assert "step 3/4" in resumed.stderr and "step 1/4" not in resumed.stderr


def test_a_base_model_that_cannot_be_trained_or_exported_is_refused(
    trained: tuple[CliRunner, Path, Path], tiny_encoder: Path
) -> None:
    run, _base, folder = trained
    line = one_error_line(
        run(*train_args(tiny_encoder, folder / "split", folder / "bert-run", "1"), timeout=600)
    )
    assert "base.gguf" not in line and "is a bert model; the lab fine-tunes generative" in line
    other = write_llama_gguf(folder / "other.gguf", seed=5)
    line = one_error_line(
        run(
            "lab",
            "export",
            "--adapter",
            str(folder / "run"),
            "--out",
            str(folder / "x.gguf"),
            "--base",
            str(other),
        )
    )
    assert "is not the file the adapter was trained on" in line
    assert not (folder / "x.gguf").exists()
    line = one_error_line(
        run("lab", "eval", "--model", str(other), "--data", str(folder / "pairs.csv"))
    )
    assert "is not a pair written by `auralis lab data`" in line
