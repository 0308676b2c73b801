"""``auralis risk scan|words``: the risk safety net on a transcript file, and a clinic's
own risk words (``risk_words.json``, see ``schemas/risk_words.schema.json``)."""

import argparse
from pathlib import Path

from app.cli.context import CliContext
from app.cli.output import print_json, print_table
from app.cli.parsing import Subcommands, add_command, add_group
from app.risk_net import find_encoder, why_no_screen, words_file
from app.usecases.risk import check_risk_words, scan_transcript
from core.notes.risk_flags import LABELS


def register(commands: Subcommands) -> None:
    actions = add_group(commands, "risk", "the risk safety net: scan a transcript, risk words")
    scan = add_command(actions, "scan", "list the risk statements in a transcript file")
    scan.add_argument("file", type=Path, help="text, WebVTT, SRT or JSON segments")
    scan.set_defaults(handler=_scan)
    words = add_command(actions, "words", "show the clinic's risk words file, or check one")
    words.add_argument("--check", type=Path, metavar="FILE", help="check FILE instead")
    words.set_defaults(handler=_words)


def _scan(ctx: CliContext, args: argparse.Namespace) -> int:
    scan = scan_transcript(ctx.risk_net, args.file)
    if args.json:
        print_json({"flags": scan.flags, "second_screen": scan.screened})
        return 0
    print_table(
        ["LINES", "STATUS", "RISK", "QUOTE"],
        [
            [
                "-".join(str(n) for n in sorted({min(f.lines), max(f.lines)})),
                "possible, please review" if f.status == "possible" else f.status,
                LABELS[f.category],
                " ".join(f.quote.split()),
            ]
            for f in scan.flags
        ],
        empty="No risk statements found.",
    )
    if not scan.screened:
        reason = why_no_screen(ctx.loaded.settings)
        ctx.note(f"{reason}: only the listed risk phrases were read.")
    return 0


def _words(ctx: CliContext, args: argparse.Namespace) -> int:
    path = args.check or words_file(ctx.paths)
    installed = args.check is not None or path.exists()
    entries = check_risk_words(path) if installed else None  # RiskWordsError: exit 1
    on = ctx.loaded.settings.risk.second_screen
    encoder = find_encoder(ctx.paths) if on else None
    if args.json:
        print_json({"file": path, "phrases": entries, "second_screen": encoder})
        return 0
    if entries is None:
        print(f"No clinic risk words: {path} does not exist (see schemas/risk_words.schema.json).")
    else:
        print(f"{path}: valid, {entries} phrase{'s' if entries != 1 else ''}.")
    reason = why_no_screen(ctx.loaded.settings)
    print(f"Second screen: {encoder}" if encoder else f"{reason[0].upper()}{reason[1:]}.")
    return 0
