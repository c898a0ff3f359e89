"""The command-line app (Typer): one module per command group, all sharing ``main.app``."""
