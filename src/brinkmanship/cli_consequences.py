"""CLI commands for consequences and intelligence (`brink effects`, `brink intel ...`)."""

import typer


def register(app: typer.Typer) -> None:
    """Attach the consequences and intelligence commands to the main app."""
