"""The `recess` command: serve, migrate, and manage keys."""

from __future__ import annotations

import typer

from recess.accounts.cli import keys_app
from recess.settings import get_settings

app = typer.Typer(help="recess: Datadog's downtime and status page APIs, self-hosted.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8080, help="Port to listen on."),
    log_level: str = typer.Option("info", help="uvicorn log level."),
) -> None:
    """Start the API server (migrating the database first)."""
    import uvicorn

    uvicorn.run("recess.app:create_app", factory=True, host=host, port=port, log_level=log_level, access_log=False)


@app.command()
def migrate() -> None:
    """Apply database migrations (the server also does this at start)."""
    from recess.core.db import Database

    Database(get_settings().database_url).migrate()
    typer.echo("database is up to date")


def main() -> None:
    app()
