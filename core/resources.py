"""Finding the program's own data files (schemas, built-in definitions), from a source
checkout and from a PyInstaller bundle alike."""

import json
import sys
from functools import cache
from pathlib import Path
from typing import Any


def resource_root() -> Path:
    """The folder that holds ``schemas/``: the source tree, or the bundle's data folder."""
    bundled = getattr(sys, "_MEIPASS", None)
    if bundled:
        return Path(bundled)
    return Path(__file__).resolve().parent.parent


@cache
def load_schema(name: str) -> dict[str, Any]:
    """A JSON Schema from ``schemas/`` by file name, read once."""
    data = json.loads((resource_root() / "schemas" / name).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"schemas/{name} is not a JSON object")
    return data
