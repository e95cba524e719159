"""CLI commands for levers and their comparison (`brink policies`, `brink compare`, `brink brief`)."""

import typer


def register(app: typer.Typer) -> None:
    """Attach the policy commands to the main app."""
