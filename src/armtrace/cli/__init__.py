"""The `armtrace` command (Typer, with Rich output)."""
