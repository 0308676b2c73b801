"""``auralis paths`` and ``auralis settings show``: where things are and how they are set."""

import argparse

from app.cli.context import CliContext
from app.cli.output import print_fields, print_json
from app.cli.parsing import Subcommands, add_command, add_group


def register(commands: Subcommands) -> None:
    paths = add_command(commands, "paths", "show where data, settings, logs and models live")
    paths.set_defaults(handler=_paths)

    actions = add_group(commands, "settings", "show the settings in effect")
    show = add_command(actions, "show", "show every setting in effect and the settings file")
    show.set_defaults(handler=_settings_show)


def _paths(ctx: CliContext, args: argparse.Namespace) -> int:
    p = ctx.paths
    places = {
        "database": p.database,
        "backups": p.backup_dir,
        "settings_file": p.settings_file,
        "logs": p.log_dir,
        "models": p.models_dir,
        "bundled_models": p.bundled_models_dir,
        "cache": p.cache_dir,
    }
    if args.json:
        print_json(places)
    else:
        print_fields(places, width=16)
    return 0


def _settings_show(ctx: CliContext, args: argparse.Namespace) -> int:
    values = ctx.loaded.settings.model_dump(mode="json")
    if values["inference"].get("remote_api_key"):
        values["inference"]["remote_api_key"] = "(set, not shown)"
    if args.json:
        print_json({"file": ctx.loaded.file, "settings": values, "problems": ctx.loaded.problems})
        return 0
    print(f"# settings file: {ctx.loaded.file}")
    for section, content in values.items():
        if isinstance(content, dict):
            print(f"[{section}]")
            for key, value in content.items():
                print(f"  {key} = {value}")
        else:
            print(f"{section} = {content}")
    return 0
