"""The ``auralis`` command line: argparse, one module per command group.

Every command that prints data has ``--json``. Errors print one line on stderr,
``auralis: error: ...``, and exit 1 (usage errors exit 2, as argparse does).
"""

import argparse
import logging
import sys
import time
from pathlib import Path

from app import __version__
from app.cli import audit, db, info, lab, llm, notes, orroom, patients, risk, sessions, templates
from app.cli.context import CliContext
from app.cli.key_options import add_key_options, key_options
from app.cli.output import guarded_output
from app.hardening import harden
from app.logging_setup import setup_logging
from app.paths import AppPaths
from app.settings import load_settings
from app.usecases.errors import DatabaseError, StoreError
from core.lab.errors import LabError
from core.llm.types import EngineError
from core.logs import log_event
from core.notes.risk_words import RiskWordsError
from core.notes.templates import TemplateError
from core.notes.transcript import TranscriptError
from core.speech.errors import AudioFileError, MicrophoneError, SpeechModelError

logger = logging.getLogger(__name__)

SAFETY_NOTICE = (
    "Auralis drafts clinical documentation for review by a qualified clinician. "
    "It is a drafting aid, not clinical advice."
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="auralis",
        description="Auralis: offline drafting of clinical notes and operating-room state.",
        epilog=SAFETY_NOTICE,
    )
    parser.add_argument("--version", action="version", version=f"Auralis {__version__}")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="keep all data, settings, logs and models under DIR (like AURALIS_HOME)",
    )
    add_key_options(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (patients, sessions, notes, risk, templates, orroom, db, audit, llm, lab, info):
        module.register(commands)
    return parser


def is_command_line(argv: list[str]) -> bool:
    """Whether these arguments ask for the command line (a command, --help, --version)
    rather than the window (no arguments, or only the window's options and --data-dir)."""
    commands: set[str] = set()
    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            commands.update(action.choices)
    takes_value = {"--data-dir", "--screenshot", "--workspace", "--size", "--db-key-file"}
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in ("-h", "--help", "--version"):
            return True
        elif arg in takes_value:
            skip = True
        elif not arg.startswith("-"):
            return arg in commands  # the first word decides
    return False


def _fail(message: str) -> int:
    print(f"auralis: error: {message}", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the process exit status. Everything it prints, argparse's
    own messages included, has its control characters escaped (``guarded_output``)."""
    with guarded_output():
        return _run(argv)


def _run(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        build_parser().print_help()
        return 0
    paths = AppPaths.resolve(args.data_dir)
    hardening = harden(paths)  # before anything is read: no core files, umask 077
    loaded = load_settings(paths.settings_file)
    if warning := hardening.warning():
        CliContext.warn(warning)
    for problem in loaded.problems:
        CliContext.warn(problem)
    try:
        log_file = setup_logging(paths.log_dir, loaded.settings.log_level)
    except OSError as exc:
        return _fail(f"cannot write logs to {paths.log_dir} ({exc.strerror}).")
    ctx = CliContext(paths, loaded, key_options(args))
    command = " ".join(part for part in (args.command, getattr(args, "action", None)) if part)
    started = time.perf_counter()
    try:
        code: int = args.handler(ctx, args)
    except (
        StoreError,
        TranscriptError,
        TemplateError,
        EngineError,
        RiskWordsError,
        LabError,
        AudioFileError,
        SpeechModelError,
        MicrophoneError,
    ) as exc:
        code = _fail(str(exc))
    except DatabaseError as exc:  # a write or read the store did not expect to fail
        logger.exception("cli.database_error")
        code = _fail(
            f"the database could not be read or written ({exc}); nothing was half-saved. "
            "If the disk is full, free some space and try again; else run `auralis db check`."
        )
    except KeyboardInterrupt:
        code = 130
    except Exception as exc:
        logger.exception("cli.unexpected_error")
        code = _fail(
            f"unexpected {type(exc).__name__}. Details (without patient data) are in {log_file}."
        )
    finally:
        ctx.close()
    log_event(
        logger,
        "cli.command",
        command=command,
        exit_code=code,
        ms=round((time.perf_counter() - started) * 1000, 1),
    )
    return code
