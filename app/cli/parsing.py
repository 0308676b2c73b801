"""Shared argparse pieces so every command has the same options and help style."""

import argparse
from pathlib import Path
from typing import TypeAlias

# The object add_subparsers() returns (argparse exposes no public name for it).
Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def common_options() -> argparse.ArgumentParser:
    """Options every command accepts after its name: ``--data-dir`` and ``--json``."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--data-dir",
        type=Path,
        default=argparse.SUPPRESS,
        metavar="DIR",
        help="keep all data, settings, logs and models under DIR (like AURALIS_HOME)",
    )
    parent.add_argument("--json", action="store_true", help="print the result as JSON")
    return parent


def add_command(commands: Subcommands, name: str, help_text: str) -> argparse.ArgumentParser:
    """A leaf command with the common options."""
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        help=help_text,
        description=help_text[:1].upper() + help_text[1:] + ".",
        parents=[common_options()],
    )
    return parser


def add_group(commands: Subcommands, name: str, help_text: str) -> Subcommands:
    """A command group (``patients``, ``db`` ...) whose actions are added to the result."""
    group = commands.add_parser(
        name, help=help_text, description=help_text[:1].upper() + help_text[1:] + "."
    )
    actions: Subcommands = group.add_subparsers(dest="action", required=True, metavar="ACTION")
    return actions
