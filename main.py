"""Auralis entry point: ``python main.py`` (or ``auralis``) with CLI subcommands."""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
