"""Auralis entry point: ``python main.py`` (or ``auralis``) opens the window; a command
(``python main.py notes generate ...``) runs the command line instead."""

import sys

from app.cli import is_command_line
from app.cli import main as cli_main


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if is_command_line(args):
        return cli_main(args)
    from ui.launch import run  # Qt is loaded only for the window

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
