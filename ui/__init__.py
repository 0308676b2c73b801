"""Qt widgets, item models and theme: presentation only (imports app and core, never the reverse)."""
