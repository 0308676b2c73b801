"""``lab data``: a CSV or JSON Lines file of transcript→note pairs made into a checked,
content-disjoint train/valid/test split in a folder, with a manifest of what was kept,
what was left out (row numbers and reasons) and how long the examples are in tokens.

The parts are written to a staging folder first and moved into place together, so a
failure (a full disk) leaves an earlier split in the folder as it was.
"""

import json
import os
import shutil
import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.files import write_text_atomically
from core.lab.dataset import (
    DEFAULT_MAX_CHARS,
    PARTS,
    DatasetError,
    Pair,
    check_disjoint,
    load_pairs,
    parse_split,
    read_part,
    split_pairs,
)
from core.lab.examples import ExampleBuilder, open_vocabulary
from core.llm.gguf_header import GGUFHeaderError, read_header
from core.llm.model_file import ChecksumCache
from core.notes.templates import Template

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class TokenStats:
    minimum: int
    median: int
    maximum: int
    over_context: int  # examples longer than the model's trained context

    def as_dict(self) -> dict[str, int]:
        return {
            "min": self.minimum,
            "median": self.median,
            "max": self.maximum,
            "over_context": self.over_context,
        }


@dataclass(frozen=True)
class DataResult:
    out: Path
    counts: dict[str, int]
    skipped: list[tuple[int, str]]
    tokens: dict[str, TokenStats] | None  # None: no model to count with
    model: str | None


def token_stats(
    builder: ExampleBuilder, template: Template, pairs: list[Pair], context: int
) -> TokenStats:
    lengths = sorted(builder.build(template, p.transcript, p.sections).length for p in pairs)
    return TokenStats(
        lengths[0],
        int(statistics.median(lengths)),
        lengths[-1],
        sum(1 for n in lengths if n > context),
    )


def vocabulary_of(model: Path) -> tuple[ExampleBuilder, int]:
    """A GGUF model's tokenizer and chat format, and its trained context length."""
    try:
        header = read_header(model)
    except (GGUFHeaderError, OSError) as exc:
        raise DatasetError(f"{model} is not a readable GGUF model ({exc}).") from None
    context = header.arch_value("context_length")
    try:
        builder = open_vocabulary(str(model), header.architecture)
    except (ValueError, RuntimeError) as exc:
        raise DatasetError(
            f"llama.cpp cannot read the vocabulary of {model.name} ({exc})."
        ) from None
    return builder, context if isinstance(context, int) and context > 0 else 1 << 30


def prepare_dataset(
    source: Path,
    out: Path,
    template: Template,
    *,
    transcript_column: str,
    note_column: str,
    section_column: str | None = None,
    split: str = "80/10/10",
    seed: int = 0,
    max_chars: int = DEFAULT_MAX_CHARS,
    model: Path | None = None,
) -> DataResult:
    shares = parse_split(split)
    loaded = load_pairs(
        source,
        template,
        transcript_column=transcript_column,
        note_column=note_column,
        section_column=section_column,
        max_chars=max_chars,
    )
    parts = split_pairs(loaded.pairs, shares, seed)
    tokens = None
    if model is not None:
        builder, context = vocabulary_of(model)
        tokens = {
            name: token_stats(builder, template, pairs, context)
            for name, pairs in parts.items()
            if pairs
        }
    result = DataResult(
        out,
        {name: len(pairs) for name, pairs in parts.items()},
        loaded.skipped,
        tokens,
        model.name if model else None,
    )
    manifest = {
        "source": source.name,
        "source_sha256": ChecksumCache(None).sha256(source),
        "template": template.name,
        "columns": {
            "transcript": transcript_column,
            "note": note_column,
            "section": section_column,
        },
        "split": split,
        "seed": seed,
        "counts": result.counts,
        "skipped": [{"row": row, "reason": reason} for row, reason in loaded.skipped],
        "tokens": {k: v.as_dict() for k, v in tokens.items()} if tokens else None,
        "token_model": result.model,
    }
    _write_parts(out, parts, manifest)
    check_written_split(out)
    return result


def _write_parts(out: Path, parts: dict[str, list[Pair]], manifest: dict[str, Any]) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".lab-data-", dir=out))
    except OSError as exc:
        raise DatasetError(f"{out} cannot be written ({exc.strerror or exc}).") from None
    try:
        for name, pairs in parts.items():
            text = "".join(json.dumps(p.as_record(), ensure_ascii=False) + "\n" for p in pairs)
            write_text_atomically(staging / f"{name}.jsonl", text)
        write_text_atomically(staging / MANIFEST, json.dumps(manifest, indent=1) + "\n")
        for name in PARTS:
            target = out / f"{name}.jsonl"
            if parts.get(name):
                os.replace(staging / f"{name}.jsonl", target)
            else:
                target.unlink(missing_ok=True)
        os.replace(staging / MANIFEST, out / MANIFEST)
    except OSError as exc:
        raise DatasetError(
            f"the split could not be written to {out} ({exc.strerror or type(exc).__name__}); "
            "files already there were left as they were."
        ) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def check_written_split(out: Path) -> None:
    """Read the parts back and refuse a split in which a transcript is in two parts."""
    parts = {
        name: read_part(out / f"{name}.jsonl") for name in PARTS if (out / f"{name}.jsonl").exists()
    }
    check_disjoint(parts)
