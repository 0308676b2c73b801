"""``--db-key-file`` and ``--no-encryption``, shared by the command line and the window."""

import argparse
from pathlib import Path

from app.db_key import KEY_ENV, KeyOptions


def add_key_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db-key-file",
        type=Path,
        metavar="FILE",
        help=f"read the database passphrase from the first line of FILE (or set {KEY_ENV})",
    )
    parser.add_argument(
        "--no-encryption",
        action="store_true",
        help="create the database unencrypted (only if you must; the status bar says so)",
    )


def key_options(args: argparse.Namespace) -> KeyOptions:
    return KeyOptions(key_file=args.db_key_file, no_encryption=args.no_encryption)
