"""``auralis db backup|check|restore|encrypt|change-passphrase``."""

import argparse
from pathlib import Path

from app.cli.context import CliContext
from app.cli.key_prompt import ask_new_passphrase, terminal_can_ask
from app.cli.output import print_json
from app.cli.parsing import Subcommands, add_command, add_group
from app.db_key import DatabaseKey, FileState, KeyChoice, file_state, given_key, read_key_file
from app.startup import check_database
from app.usecases.database import back_up, check, restore_file
from app.usecases.errors import StoreError
from app.usecases.keys import change_passphrase, encrypt_existing, record_encryption
from core.passphrase import passphrase_strength


def register(commands: Subcommands) -> None:
    actions = add_group(commands, "db", "back up, check, restore and encrypt the database")

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

    encrypt = add_command(
        actions,
        "encrypt",
        "encrypt an unencrypted database (and its backups) with a new passphrase",
    )
    encrypt.set_defaults(handler=_encrypt)

    change = add_command(
        actions, "change-passphrase", "re-encrypt the database and its backups with a new one"
    )
    change.add_argument(
        "--new-key-file",
        type=Path,
        metavar="FILE",
        help="read the new passphrase from the first line of FILE (else you are asked)",
    )
    change.set_defaults(handler=_change_passphrase)


def _backup(ctx: CliContext, args: argparse.Namespace) -> int:
    ctx.open()  # opened (and checked) as every command opens it, before the copy
    path = back_up(ctx.paths, ctx.key, keep=ctx.loaded.settings.backup.keep)
    if args.json:
        print_json({"backup": path, "bytes": path.stat().st_size, "encrypted": ctx.key is not None})
    else:
        print(f"Backup written: {path}" + ("" if ctx.key else " (not encrypted)"))
    return 0


def _check(ctx: CliContext, args: argparse.Namespace) -> int:
    result = check(ctx.paths, ctx.key)  # raises for a wrong key or a damaged file
    backups = result.backups
    if args.json:
        report = {
            "database": result.database,
            "ok": True,
            "encrypted": result.encrypted,
            "bytes": result.bytes,
            "backups": len(backups),
            "newest_backup": backups[0] if backups else None,
        }
        print_json(report)
    else:
        how = "encrypted" if result.encrypted else "NOT encrypted"
        print(f"ok: {result.database} passed the integrity check ({result.bytes} bytes, {how}).")
        print(f"Backups: {len(backups)}" + (f", newest {backups[0]}" if backups else ""))
    return 0


def _restore(ctx: CliContext, args: argparse.Namespace) -> int:
    if not args.yes:
        raise StoreError(
            f"Restoring replaces {ctx.paths.database} with {args.backup}; "
            "run again with --yes to confirm (the current file is kept aside)."
        )
    key = ctx.key
    ctx.close()  # no connection may be open while the file is swapped
    moved = restore_file(ctx.paths, key, args.backup)
    if args.json:
        print_json({"restored_from": args.backup, "previous_file": moved})
    else:
        print(f"Restored {ctx.paths.database} from {args.backup}.")
        if moved is not None:
            print(f"The previous file was kept as {moved}.")
    return 0


def _new_key(ctx: CliContext, key_file: Path | None) -> DatabaseKey:
    if key_file is not None:
        key = read_key_file(key_file)
        strength = passphrase_strength(key.secret)
        if not strength.acceptable:
            raise StoreError(f"The new passphrase in {key_file} is too short. {strength.hint}")
        return key
    if terminal_can_ask():
        return ask_new_passphrase()
    raise StoreError(
        "Give the new passphrase in a file (--new-key-file FILE), or run this in a terminal."
    )


def _encrypt(ctx: CliContext, args: argparse.Namespace) -> int:
    database = ctx.paths.database
    if file_state(database) is not FileState.PLAINTEXT:
        raise StoreError(f"There is no unencrypted database at {database} to encrypt.")
    check_database(ctx.paths, None)  # never copy a damaged file
    ctx.close()
    key, source = given_key(ctx.key_options)
    if key is None:
        key = _new_key(ctx, None)
        source = "asked"
    change = encrypt_existing(ctx.paths, key)
    ctx.use_key(KeyChoice(key, source))
    record_encryption(ctx.db, change)
    print(f"Encrypted {database} and {change.backups} backup(s).")
    plaintext = change.plaintext
    for kept in plaintext.encrypted:
        print(f"Encrypted the copy a restore kept: {kept}")
    for removed in plaintext.removed:
        print(f"Removed the unencrypted leftover of an interrupted copy: {removed}")
    if plaintext.removed:
        print(
            "(Overwritten, then deleted. On SSDs and journaling file systems the old blocks "
            "may survive an overwrite: the disk itself should be encrypted too.)"
        )
    for backup in change.left:
        ctx.warn(f"the backup {backup} could not be encrypted; it is left unencrypted.")
    for other in plaintext.left:
        if other not in change.left:
            ctx.warn(
                f"{other} could not be encrypted; it is left unencrypted: move it somewhere safe."
            )
    return 0


def _change_passphrase(ctx: CliContext, args: argparse.Namespace) -> int:
    current = ctx.key_choice
    if current.key is None:
        raise StoreError("The database is not encrypted; encrypt it with `auralis db encrypt`.")
    ctx.open()  # opened (and checked) with the current key first
    new = _new_key(ctx, args.new_key_file)
    ctx.close()  # the passphrase is changed on a connection of its own
    change = change_passphrase(ctx.paths, current, new.secret)
    ctx.use_key(change.choice)
    if current.source == "keyring":
        print("The passphrase that unlocks the window was changed (the key stays in the keyring).")
        return 0
    print(f"The passphrase was changed for {ctx.paths.database} and {change.backups} backup(s).")
    for backup in change.left:
        ctx.warn(f"the backup {backup} still opens only with the old passphrase.")
    if current.source in ("environment", "key file"):
        ctx.warn(f"the old passphrase came from the {current.source}: update it there too.")
    return 0
