"""Auralis composition root: settings, paths, logging, wiring, CLI and Qt workers."""

__version__ = "0.1.0"
