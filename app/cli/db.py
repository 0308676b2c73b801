"""``auralis db backup|check|restore``."""

import argparse
from pathlib import Path

from app.cli.context import CliContext
from app.cli.output import print_json
from app.cli.parsing import Subcommands, add_command, add_group
from core.store import audit
from core.store.backup import (
    backup_database,
    integrity_problems,
    list_backups,
    newest_good_backup,
    restore_backup,
)
from core.store.errors import CorruptDatabaseError, StoreError


def register(commands: Subcommands) -> None:
    actions = add_group(commands, "db", "back up, check and restore the database")

    backup = add_command(actions, "backup", "write a backup now (older ones are rotated out)")
    backup.set_defaults(handler=_backup)

    check = add_command(actions, "check", "run SQLite's integrity check on the database")
    check.set_defaults(handler=_check)

    restore = add_command(
        actions, "restore", "replace the database with a backup (the current file is kept aside)"
    )
    restore.add_argument("backup", type=Path, help="a backup file, e.g. from `db check`")
    restore.add_argument("--yes", action="store_true", help="confirm the replacement")
    restore.set_defaults(handler=_restore)


def _backup(ctx: CliContext, args: argparse.Namespace) -> int:
    path = backup_database(ctx.db, ctx.paths.backup_dir, keep=ctx.loaded.settings.backup.keep)
    audit.record(ctx.db, "backup", "database")
    if args.json:
        print_json({"backup": path, "bytes": path.stat().st_size})
    else:
        print(f"Backup written: {path}")
    return 0


def _check(ctx: CliContext, args: argparse.Namespace) -> int:
    database = ctx.paths.database
    if not database.exists():
        raise StoreError(f"There is no database at {database} yet.")
    problems = integrity_problems(database)
    if problems:
        raise CorruptDatabaseError(database, problems, newest_good_backup(ctx.paths.backup_dir))
    backups = list_backups(ctx.paths.backup_dir)
    report = {
        "database": database,
        "ok": True,
        "bytes": database.stat().st_size,
        "backups": len(backups),
        "newest_backup": backups[0] if backups else None,
    }
    if args.json:
        print_json(report)
    else:
        print(f"ok: {database} passed the integrity check ({report['bytes']} bytes).")
        print(f"Backups: {len(backups)}" + (f", newest {backups[0]}" if backups else ""))
    return 0


def _restore(ctx: CliContext, args: argparse.Namespace) -> int:
    if not args.yes:
        raise StoreError(
            f"Restoring replaces {ctx.paths.database} with {args.backup}; "
            "run again with --yes to confirm (the current file is kept aside)."
        )
    ctx.close()  # no connection may be open while the file is swapped
    moved = restore_backup(args.backup, ctx.paths.database)
    audit.record(ctx.db, "restore", "database")
    if args.json:
        print_json({"restored_from": args.backup, "previous_file": moved})
    else:
        print(f"Restored {ctx.paths.database} from {args.backup}.")
        if moved is not None:
            print(f"The previous file was kept as {moved}.")
    return 0
