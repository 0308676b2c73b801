"""Shared pieces of the model lab's tests: whether the ``[lab]`` extra is here, synthetic
visit pairs written by the tests, and llama.cpp logits of a model with or without an
adapter."""

import csv
import importlib.util
import os
from pathlib import Path

import llama_cpp
import numpy as np
import pytest

ALL_LINEAR = "q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj"
LAB_MISSING = [m for m in ("torch", "transformers", "peft") if importlib.util.find_spec(m) is None]


def require_lab() -> None:
    """Skip without the lab extra, saying so; CI sets AURALIS_REQUIRE_LAB=1 so that a
    missing extra fails instead of skipping."""
    if LAB_MISSING:
        if os.environ.get("AURALIS_REQUIRE_LAB") == "1":
            pytest.fail(f"the lab extra is required here but {', '.join(LAB_MISSING)} is missing")
        pytest.skip(f"the lab extra is not installed ({', '.join(LAB_MISSING)} missing)")


COMPLAINTS = ["knee pain", "a cough", "headaches", "a rash", "back pain", "tiredness"]


def write_pairs(path: Path, count: int) -> Path:
    """Short visits and notes under ACI-style headings, all different."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["dialogue", "note"])
        writer.writeheader()
        for n in range(count):
            complaint = COMPLAINTS[n % len(COMPLAINTS)]
            writer.writerow(
                {
                    "dialogue": f"[doctor] What brings you in today?\n[patient] I have had "
                    f"{complaint} for {n + 2} days.\n[doctor] Any fever?\n[patient] No.",
                    "note": f"CHIEF COMPLAINT\n\n{complaint.capitalize()}.\n\nHISTORY OF PRESENT "
                    f"ILLNESS\n\nThe patient reports {complaint} for {n + 2} days. Denies "
                    "fever.\n\nASSESSMENT AND PLAN\n\nSupportive care; follow up in a week.",
                }
            )
    return path


def logits(model: Path, tokens: list[int], adapter: Path | None = None) -> np.ndarray:
    llm = llama_cpp.Llama(
        str(model),
        n_ctx=256,
        logits_all=True,
        verbose=False,
        lora_path=str(adapter) if adapter else None,
    )
    try:
        llm.eval(tokens)
        return np.array(llm.scores[: len(tokens)])
    finally:
        llm.close()
