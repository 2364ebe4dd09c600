"""The `recess` command: serve, migrate, and manage keys."""

from __future__ import annotations

import logging
import os
from typing import NoReturn

import typer
from pydantic import ValidationError
from sqlalchemy.engine import make_url

from recess import __version__
from recess.accounts.cli import keys_app
from recess.core.serving import HttpProtocol
from recess.settings import Settings, get_settings

# httptools parses ~3 times the requests h11 does on one core. It sends header names in lower
# case, as Datadog's recorded answers have them (`content-type`, shared/reference 5.4); the
# official clients look the rate-limit headers up without regard to case. core.serving says
# how its writes are gathered.
HTTP = HttpProtocol

app = typer.Typer(
    help="recess: Datadog's downtime and status page APIs, self-hosted.", no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals hold settings: keys and database passwords
)
app.add_typer(keys_app, name="keys")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"recess {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """recess: Datadog's downtime and status page APIs, self-hosted."""


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(f"recess {__version__}")


def _fail(message: str) -> NoReturn:
    typer.echo(f"recess: {message}", err=True)
    raise typer.Exit(1)


def _settings() -> Settings:
    try:
        return get_settings()
    except ValidationError as exc:
        problem = exc.errors()[0]
        name = "RECESS_" + "_".join(str(p) for p in problem["loc"]).upper()
        _fail(f"invalid setting {name}: {problem['msg']}")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8080, help="Port to listen on."),
    log_level: str = typer.Option("info", help="debug, info, warning or error; debug also shows tracebacks of start-up errors."),
    access_log: bool = typer.Option(False, "--access-log", help="Log one line per request (also RECESS_ACCESS_LOG=1)."),
    workers: int = typer.Option(1, min=1, max=64, help="Processes serving requests (uvicorn's own workers); one runs the "
                                "scheduler and deliveries on SQLite, all share them on PostgreSQL."),
) -> None:
    """Start the API server (migrating the database first)."""
    import uvicorn

    from recess.core import logs
    from recess.core.startup import StartupError, check_port, open_database

    settings = _settings()
    password = make_url(settings.database_url).password if "://" in settings.database_url else None
    logs.configure(log_level, settings.log_format, secrets=[settings.api_key or "", settings.app_key or "", password or ""])
    try:
        check_port(host, port)
        db = open_database(settings.database_url)
    except StartupError as exc:
        if log_level.lower() == "debug":
            logging.getLogger("recess").exception("start-up failed")
        _fail(f"cannot start: {exc}")
    where = db.describe()
    db.dispose()
    if access_log:
        os.environ["RECESS_ACCESS_LOG"] = "1"  # the app reads its settings from the environment
        get_settings.cache_clear()
    logging.getLogger("recess").info(
        "recess %s starting: database %s, listening on http://%s:%d", __version__, where, host, port)
    if workers > 1:
        # uvicorn starts each worker afresh: it sets up its logging from these (see create_app).
        os.environ["RECESS_WORKER_LOG_LEVEL"] = log_level
    uvicorn.run("recess.app:create_app", factory=True, host=host, port=port, log_level=log_level.lower(), http=HTTP,
                access_log=False, log_config=None, workers=workers, server_header=False)  # say nothing of the software


@app.command()
def migrate() -> None:
    """Apply database migrations (the server also does this at start)."""
    from recess.core.startup import StartupError, open_database

    try:
        open_database(_settings().database_url).dispose()
    except StartupError as exc:
        _fail(str(exc))
    typer.echo("database is up to date")


def main() -> None:
    app()
