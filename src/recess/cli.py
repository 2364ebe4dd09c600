"""The `recess` command: serve, migrate, and manage keys."""

from __future__ import annotations

import typer

from recess.accounts.permissions import ADMIN, ALL
from recess.settings import get_settings

app = typer.Typer(help="recess: Datadog's downtime and status page APIs, self-hosted.", no_args_is_help=True)
keys_app = typer.Typer(help="API and application keys.", no_args_is_help=True)
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


@keys_app.command("create")
def create_keys(
    org: str = typer.Option("default", help="Organisation name; created when new."),
    email: str = typer.Option("admin@recess.local", help="User the application key belongs to; created when new."),
    permission: list[str] = typer.Option([], "--permission", "-p", help="Permission for a new user (repeatable)."),
    admin: bool = typer.Option(False, help="Give a new user every permission."),
    api_key: str | None = typer.Option(None, help="Use this API key value instead of a random one."),
    app_key: str | None = typer.Option(None, help="Use this application key value instead of a random one."),
) -> None:
    """Create an API key for ORG and an application key for EMAIL, printed as DD_API_KEY / DD_APP_KEY."""
    from recess.accounts import store
    from recess.core.db import Database

    unknown = sorted(set(permission) - ALL)
    if unknown:
        raise typer.BadParameter(f"unknown permission {unknown[0]!r}; known: {', '.join(sorted(ALL))}")
    if not admin and not permission:
        raise typer.BadParameter("give --admin or at least one --permission")
    db = Database(get_settings().database_url)
    db.migrate()
    api_value, app_value = api_key or store.new_api_key(), app_key or store.new_app_key()
    with db.session() as session:
        organisation = store.get_or_create_org(session, org)
        user = store.get_or_create_user(session, organisation, email, [ADMIN] if admin else permission)
        store.add_api_key(session, organisation, api_value, name="cli")
        store.add_app_key(session, user, app_value, name="cli")
    typer.echo(f"DD_API_KEY={api_value}")
    typer.echo(f"DD_APP_KEY={app_value}")


def main() -> None:
    app()
