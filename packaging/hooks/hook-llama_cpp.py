"""PyInstaller hook for llama-cpp-python.

llama_cpp opens its native libraries with ctypes from ``llama_cpp/lib`` next to its own
modules, which PyInstaller's import analysis cannot see: without this hook the bundle
fails with "Shared library with base name 'llama' not found". The libraries are collected
into ``llama_cpp/lib`` inside the bundle, where the loader and their ``$ORIGIN`` run paths
expect them.

On Linux a wheel holds each library three times (``libllama.so``, ``libllama.so.0`` and
``libllama.so.0.5.0``; wheels cannot hold symbolic links). The loader opens the plain name
and the libraries ask for each other by the one-number name, so the fully versioned copy
is left out.
"""

import re
from pathlib import Path

from PyInstaller.utils.hooks import get_package_paths

_, package_dir = get_package_paths("llama_cpp")
lib_dir = Path(package_dir) / "lib"
FULLY_VERSIONED = re.compile(r"\.so\.\d+\.\d+")
NATIVE_SUFFIXES = (".so", ".dylib", ".dll")

binaries = [
    (str(path), "llama_cpp/lib")
    for path in sorted(lib_dir.iterdir())
    if path.is_file()
    and (path.suffix in NATIVE_SUFFIXES or ".so." in path.name)
    and not FULLY_VERSIONED.search(path.name)
]
if not any(Path(source).name.startswith(("libllama", "llama")) for source, _ in binaries):
    raise SystemExit(f"hook-llama_cpp: no llama library in {lib_dir}; is llama-cpp-python built?")

# The bundled app talks to a remote server over HTTP (httpx) but never runs one.
excludedimports = ["llama_cpp.server"]
