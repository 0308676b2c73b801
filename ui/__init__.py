"""Qt widgets, item models and theme: presentation only.

Imports app and core, never the reverse."""
