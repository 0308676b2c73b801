"""``auralis llm info|generate|bench``: the engine from the command line.

``generate`` runs through the same job queue as the window (its consumer in a plain
thread here), so what works here works there. Tokens stream to stdout; a summary line
goes to stderr; Ctrl+C cancels the generation.
"""

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from app.cli.context import CliContext
from app.cli.engine_args import (
    CliEngineError,
    add_engine_options,
    choose_engine,
    job_value,
    run_job,
)
from app.cli.output import print_fields, print_json, to_jsonable
from app.cli.parsing import Subcommands, add_command, add_group
from core.llm.engine import Engine
from core.llm.jobs import Job, JobContext, JobSink, Priority
from core.llm.tasks import SchemaTask
from core.llm.types import GenerationResult, Message


def register(commands: Subcommands) -> None:
    actions = add_group(commands, "llm", "inspect the language model and generate with it")

    info = add_command(actions, "info", "show the engine in use and the model's metadata")
    add_engine_options(info)
    info.set_defaults(handler=_info)

    generate = add_command(actions, "generate", "generate text, or JSON matching a schema")
    generate.add_argument("--prompt", required=True, help="the user message")
    generate.add_argument("--system", help="a system message before it")
    generate.add_argument("--schema", type=Path, metavar="FILE", help="JSON Schema to answer with")
    generate.add_argument("--max-tokens", type=int, metavar="N", help="tokens to generate at most")
    add_engine_options(generate)
    generate.set_defaults(handler=_generate)

    bench = add_command(actions, "bench", "measure load time and prompt/generation speed")
    add_engine_options(bench)
    bench.set_defaults(handler=_bench)


def _info(ctx: CliContext, args: argparse.Namespace) -> int:
    choice = choose_engine(ctx, args)
    try:
        info = to_jsonable(choice.engine.info())
    finally:
        choice.engine.close()
    report = {"engine_in_use": choice.description, **info, "problems": choice.problems}
    if args.json:
        print_json(report)
        return 0
    print(f"Engine in use: {choice.description}")
    for key, value in info.items():
        if key == "details":
            for detail, detail_value in value.items():
                print(f"  {detail}: {detail_value}")
        elif value is not None and key != "engine":
            print(f"  {key}: {value}")
    return 0


def _result_json(result: GenerationResult) -> dict[str, Any]:
    data: dict[str, Any] = to_jsonable(result)
    data["tokens_per_s"] = round(result.tokens_per_s, 2)
    return data


def _generate(ctx: CliContext, args: argparse.Namespace) -> int:
    schema = None
    if args.schema is not None:
        try:
            schema = json.loads(args.schema.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CliEngineError(f"The schema {args.schema} cannot be read ({exc}).") from None
        if not isinstance(schema, dict):
            raise CliEngineError(f"The schema {args.schema} is not a JSON object.")
    messages = [Message("system", args.system)] if args.system else []
    messages.append(Message("user", args.prompt))
    max_tokens = args.max_tokens

    def run(engine: Engine, job: JobContext) -> GenerationResult:
        on_token = None if args.json else job.emit_token
        if schema is not None:
            task = SchemaTask(messages, schema)
            return engine.structured(
                task, max_tokens=max_tokens, on_token=on_token, cancel=job.cancel
            )
        return engine.chat(messages, max_tokens=max_tokens, on_token=on_token, cancel=job.cancel)

    streamed: list[str] = []

    def show(_job_id: str, piece: str) -> None:
        streamed.append(piece)
        sys.stdout.write(piece)
        sys.stdout.flush()

    choice = choose_engine(ctx, args)
    job = Job(
        kind="cli_generate",
        priority=Priority.INTERACTIVE,
        run=run,
        timeout_s=ctx.loaded.settings.inference.timeout_s,
        sink=JobSink(on_token=show),
    )
    kind, value = run_job(choice.engine, job)  # the queue closes the engine
    if kind != "result" and streamed:
        print()  # end the streamed line before the error
    result: GenerationResult = job_value(kind, value, "The generation")
    if args.json:
        print_json(_result_json(result))
        return 0
    if result.obj is not None and (result.degraded or not streamed):
        if streamed:
            print()
        print(json.dumps(result.obj, ensure_ascii=False, indent=2))
    else:
        print()
    ctx.note(
        f"{choice.description}: {result.prompt_tokens} prompt + {result.completion_tokens} "
        f"generated tokens, {result.tokens_per_s:.1f} tokens/s, {result.timings.total_s:.2f} s"
        + (
            " (degraded: rule-based answer)"
            if result.degraded and choice.engine.name != "rules"
            else ""
        )
    )
    return 0


BENCH_PROMPT = (
    "Summarise this operating-room transcript in one paragraph. "
    + "The surgeon asks for suction, the nurse turns on the irrigation pump, the C-arm is "
    "positioned, and the anaesthetist confirms the patient is stable. " * 8
)


def _bench(ctx: CliContext, args: argparse.Namespace) -> int:
    started = time.perf_counter()
    choice = choose_engine(ctx, args)
    load_s = time.perf_counter() - started
    try:
        choice.engine.chat([Message("user", "warm up")], max_tokens=4)
        result = choice.engine.complete(BENCH_PROMPT, max_tokens=128, temperature=0.7)
    finally:
        choice.engine.close()
    timings = result.timings
    figures = {
        "engine": choice.description,
        "load_s": round(load_s, 3),
        "prompt_tokens": result.prompt_tokens,
        "prompt_tokens_per_s": round(result.prompt_tokens / timings.prompt_s, 1)
        if timings.prompt_s > 0
        else None,
        "generated_tokens": result.completion_tokens,
        "generation_tokens_per_s": round(result.tokens_per_s, 1),
    }
    if args.json:
        print_json(figures)
    else:
        print_fields(figures, width=26)
    return 0
