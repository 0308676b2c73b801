"""``auralis or parse|replay|follow|cases``: the operating-room engine from the command line.

Segments come as JSON lines ``{"t", "speaker", "text"}`` (optional ``"final"``). The rule
state is printed at once for every final segment; with a model, updates run on the job
queue with latest-wins coalescing and their merged (or degraded) state is printed when it
arrives. Every printed state validates against ``schemas/surgery_state.schema.json``.
"""

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from app.cli.context import CliContext
from app.cli.engine_args import CliEngineError, add_engine_options, choose_engine
from app.cli.or_microphone import list_inputs, listen_live
from app.cli.or_runner import CaseRunner, numbered_lines, read_segments, tail_lines
from app.cli.output import print_json, print_table
from app.cli.parsing import Subcommands, add_command, add_group
from app.usecases.errors import StoreError
from app.usecases.or_listen import listen_to_file
from app.usecases.orcases import (
    case_segments,
    case_timeline,
    export_case,
    get_case,
    list_cases,
    resume_case,
    start_case,
    surgeries,
)
from core.orstate.rules import UtteranceRules
from core.orstate.segments import ReplayClock
from core.orstate.surgeries import Surgery, UnknownSurgeryError
from core.speech.errors import MicrophoneError
from core.speech.or_listen import HeardInRoom


def register(commands: Subcommands) -> None:
    actions = add_group(commands, "or", "operating-room state from a live transcript")

    parse = add_command(
        actions, "parse", "turn utterances (stdin, one per line) into machine toggles"
    )
    parse.add_argument("--surgery", required=True, help="PCNL, hepatectomy, lobectomy, or yours")
    parse.set_defaults(handler=_parse)

    replay = add_command(actions, "replay", "replay a transcript and print one state per line")
    source = replay.add_mutually_exclusive_group(required=True)
    source.add_argument("file", type=Path, nargs="?", help='JSON lines {"t", "speaker", "text"}')
    source.add_argument("--case", type=int, metavar="ID", help="a recorded case instead of a file")
    pace = replay.add_mutually_exclusive_group()
    pace.add_argument("--speed", type=float, default=1.0, help="times real time (1.0)")
    pace.add_argument("--fast", action="store_true", help="as fast as possible")
    replay.set_defaults(handler=_replay)

    follow = add_command(
        actions, "follow", "follow a growing JSONL transcript (a speech recogniser's output)"
    )
    follow.add_argument("file", type=Path, help='JSON lines {"t", "speaker", "text"}')
    follow.add_argument(
        "--idle-exit",
        type=float,
        metavar="S",
        help="stop after S seconds without new lines (default: never)",
    )
    follow.set_defaults(handler=_follow)

    listen = add_command(
        actions,
        "listen",
        "hear the room, live through a microphone or from a recording: each command taken "
        "is applied, one state per line",
    )
    source = listen.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--audio", type=Path, metavar="FILE", help="a recording: wav, mp3, m4a, ogg, flac"
    )
    source.add_argument(
        "--device",
        metavar="N",
        help="the microphone numbered N in --list-devices, or 'default'; until Ctrl+C",
    )
    source.add_argument(
        "--list-devices", action="store_true", help="list the microphones by number and stop"
    )
    listen.add_argument(
        "--seconds", type=float, metavar="S", help="with --device: stop after S seconds"
    )
    listen.set_defaults(handler=_listen, file=None)

    for command in (replay, follow, listen):
        command.add_argument("--surgery", help="PCNL, hepatectomy, lobectomy, or yours")
        record = command.add_mutually_exclusive_group()
        record.add_argument("--record", action="store_true", help="store the case in the database")
        record.add_argument(
            "--resume",
            type=int,
            metavar="ID",
            help="go on with a recorded case after a restart (segments it holds are skipped)",
        )
        add_engine_options(command)

    cases = add_group(actions, "cases", "recorded operating-room cases")
    add_command(cases, "list", "list recorded cases").set_defaults(handler=_cases_list)
    show = add_command(cases, "show", "show a case's timeline")
    show.add_argument("id", type=int)
    show.set_defaults(handler=_cases_show)
    export = add_command(cases, "export", "write a case as JSON lines (replayable)")
    export.add_argument("id", type=int)
    export.add_argument("--output", type=Path, required=True, metavar="PATH")
    export.set_defaults(handler=_cases_export)


def _surgery(ctx: CliContext, name: str) -> Surgery:
    catalog = surgeries(ctx.paths)
    for problem in catalog.problems:
        ctx.warn(problem)
    try:
        return catalog.get(name)
    except UnknownSurgeryError as exc:
        raise CliEngineError(str(exc)) from None


def _parse(ctx: CliContext, args: argparse.Namespace) -> int:
    """One JSON object per line: the toggles (each with its ``temporal`` category,
    ``temporal_text`` and ``evidence``), the deferred commands (``pending``), the
    utterance's temporal category and words, and whether it was negated."""
    rules = UtteranceRules(_surgery(ctx, args.surgery))
    for line in sys.stdin:
        print(json.dumps(rules.parse(line.strip()).to_json(), ensure_ascii=False), flush=True)
    return 0


def _runner(ctx: CliContext, args: argparse.Namespace) -> CaseRunner:
    """The case runner for --surgery, or for the case named by --resume or --case."""
    if args.resume is not None and getattr(args, "case", None) is not None:
        raise CliEngineError("--case replays a recorded case; --resume goes on with one: not both.")
    case_id = args.resume if args.resume is not None else getattr(args, "case", None)
    if case_id is None:
        if args.surgery is None:
            raise CliEngineError("Say which surgery: --surgery PCNL, hepatectomy or lobectomy.")
        surgery = _surgery(ctx, args.surgery)
    else:
        surgery = _surgery(ctx, get_case(ctx.db, case_id).surgery)
        if args.surgery is not None and _surgery(ctx, args.surgery).name != surgery.name:
            raise CliEngineError(f"Case {case_id} is a {surgery.name} case, not {args.surgery}.")
    choice = choose_engine(ctx, args)
    room, timeout_s = ctx.loaded.settings.operating_room, ctx.loaded.settings.inference.timeout_s
    use_model = choice.engine.name != "rules"
    if args.resume is None:
        label = args.file.name if args.file is not None else None
        driver = start_case(
            lambda: ctx.db,
            surgery,
            room,
            use_model=use_model,
            model_timeout_s=timeout_s,
            label=label,
            record=args.record,
        )
        return CaseRunner(ctx, driver, choice.engine, sys.stdout)
    driver = resume_case(
        lambda: ctx.db, args.resume, surgery, room, use_model=use_model, model_timeout_s=timeout_s
    )
    runner = CaseRunner(ctx, driver, choice.engine, sys.stdout)
    kept = driver.recorded_until
    ctx.note(
        f"resumed case {args.resume} ({surgery.name}, {driver.segments} segments"
        + (f", up to {kept:.1f}s)" if kept is not None else ")")
    )
    runner.print(driver.current)
    return runner


def _replay(ctx: CliContext, args: argparse.Namespace) -> int:
    handle: TextIO | None = None
    if args.case is None:
        try:
            handle = args.file.open(encoding="utf-8")
        except OSError as exc:
            raise StoreError(f"{args.file} cannot be read ({exc.strerror}).") from None
    try:
        runner = _runner(ctx, args)
        segments = (
            read_segments(numbered_lines(handle), ctx)
            if handle is not None
            else iter(case_segments(ctx.db, args.case))
        )
        clock = ReplayClock(0.0 if args.fast else args.speed)
        try:
            for t, speaker, text, final in segments:
                delay = clock.due_in(t)
                if delay > 0:
                    time.sleep(delay)
                runner.feed(t, speaker, text, final)
        finally:
            runner.close()
    finally:
        if handle is not None:
            handle.close()
    return 0


def _follow(ctx: CliContext, args: argparse.Namespace) -> int:
    runner = _runner(ctx, args)
    try:
        lines = tail_lines(args.file, args.idle_exit, on_restart=ctx.note)
        for t, speaker, text, final in read_segments(lines, ctx):
            runner.feed(t, speaker, text, final)
    finally:
        runner.close()
    return 0


def _listen(ctx: CliContext, args: argparse.Namespace) -> int:
    """Utterances of the room, in order: a command is fed to the case (as heard when the
    rules read one in it, else as the known command it is close to; a state line on
    stdout); anything else is reported on stderr as heard and changes nothing."""
    if args.list_devices:
        for number, name in enumerate(list_inputs()):
            print(f"{number}: {name}")
        return 0
    device = None if args.device in (None, "default") else _device_number(args.device)
    if args.device is not None and device is None:
        device = ctx.loaded.settings.speech.input_device
    args.file = args.audio or Path(f"microphone {args.device}")  # the case's label
    runner = _runner(ctx, args)
    threads = ctx.loaded.settings.inference.n_threads
    utterances = 0

    def heard_one(heard: HeardInRoom, t: float) -> None:
        nonlocal utterances
        utterances += 1
        words = heard.heard.feed
        if words is None:
            ctx.note(
                f'heard at {t:.1f}s: "{heard.heard.heard}"? '
                f"(not a command here; closest {heard.heard.score:.2f})"
            )
            return
        runner.feed(t, "room", words, True)

    try:
        if args.audio is not None:
            surgery = runner.driver.surgery
            for heard in listen_to_file(ctx.paths, surgery, args.audio, threads):
                heard_one(heard, heard.utterance.end)
        else:
            listen_live(ctx.paths, runner.driver.surgery, device, heard_one,
                        seconds=args.seconds, threads=threads, on_failed=ctx.note,
                        on_listening=lambda name: ctx.note(f"listening to {name}; "
                                                           "Ctrl+C stops"))  # fmt: skip
    finally:
        runner.close()
    if utterances == 0:
        ctx.note(f"nothing was said in {args.audio.name}" if args.audio else "nothing was said")
    return 0


def _device_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise MicrophoneError(
            f"--device takes a number from --list-devices or 'default', not {text!r}."
        ) from None


def _cases_list(ctx: CliContext, args: argparse.Namespace) -> int:
    cases = list_cases(ctx.db)
    if args.json:
        print_json(cases)
    else:
        print_table(
            ["ID", "SURGERY", "STARTED", "ENDED", "LABEL"],
            [
                [c.id, c.surgery, c.started_at[:19], (c.ended_at or "")[:19], c.label or ""]
                for c in cases
            ],
            empty="No recorded cases.",
        )
    return 0


def _timeline(ctx: CliContext, case_id: int) -> list[dict[str, Any]]:
    return [
        {"t": e.t, "speaker": e.speaker, "text": e.text, "final": e.is_final}
        if e.kind == "segment"
        else {"t": e.t, "state": e.state, "source": e.source}
        for e in case_timeline(ctx.db, case_id)
    ]


def _cases_show(ctx: CliContext, args: argparse.Namespace) -> int:
    timeline = _timeline(ctx, args.id)
    if args.json:
        print_json(timeline)
        return 0
    for entry in timeline:
        if "text" in entry:
            print(f"[{entry['t']:8.1f}s] {entry['speaker']}: {entry['text']}")
        else:
            state = entry["state"]
            on = ", ".join(state["machines"]["1"]) or "nothing"
            phase = state["metadata"]["phase"]
            print(f"[{entry['t']:8.1f}s]   -> {phase}, on: {on} ({entry['source']})")
    return 0


def _cases_export(ctx: CliContext, args: argparse.Namespace) -> int:
    count = export_case(ctx.db, args.id, args.output)
    path = args.output
    if args.json:
        print_json({"path": str(path), "segments": count})
    else:
        print(f"Exported {count} segments to {path} (replay it with `auralis or replay`).")
    return 0
