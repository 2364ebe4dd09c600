"""`recess keys`: create, list and revoke API and application keys (operators, on the database)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import typer

from recess.accounts.permissions import ADMIN, ALL
from recess.settings import get_settings

if TYPE_CHECKING:
    from recess.accounts.store import KeyInfo
    from recess.core.db import Database

keys_app = typer.Typer(help="API and application keys.", no_args_is_help=True)


def _database() -> Database:
    from pydantic import ValidationError

    from recess.core.db import Database

    try:
        settings = get_settings()
    except ValidationError as exc:  # one line, as `recess serve` says it: never the value (it may be a key)
        problem = exc.errors()[0]
        raise _fail(f"invalid setting RECESS_{'_'.join(str(p) for p in problem['loc']).upper()}: {problem['msg']}") from None
    db = Database(settings.database_url)
    db.migrate()
    return db


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


def _when(moment: datetime | None) -> str:
    return "never" if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _describe(key: KeyInfo) -> str:
    """A key in one line, without more of it than its last 4 characters."""
    owner = f"org {key.org}" + (f", user {key.email}" if key.email else "")
    state = f", revoked {_when(key.revoked_at)}" if key.revoked_at else ""
    return f"{key.kind} key ...{key.last4} '{key.name}' ({owner}, created {_when(key.created_at)}{state})"


@keys_app.command("create")
def create(
    org: str = typer.Option("default", help="Organisation name; created when new."),
    email: str = typer.Option("admin@recess.local", help="User the application key belongs to; created when new."),
    permission: list[str] = typer.Option(
        [], "--permission", "-p", help="The user's permissions (repeatable); an existing user's are replaced."
    ),
    admin: bool = typer.Option(False, help="Give the user every permission (an existing user's are replaced)."),
    api_key: str | None = typer.Option(None, help="Use this API key value instead of a random one."),
    app_key: str | None = typer.Option(None, help="Use this application key value instead of a random one."),
) -> None:
    """Create an API key for ORG and an application key for EMAIL, printed as DD_API_KEY / DD_APP_KEY.

    The user gets exactly the permissions given, also when it exists already (said on stderr).
    """
    from recess.accounts import store

    unknown = sorted(set(permission) - ALL)
    if unknown:
        raise typer.BadParameter(f"unknown permission {unknown[0]!r}; known: {', '.join(sorted(ALL))}")
    if not admin and not permission:
        raise typer.BadParameter("give --admin or at least one --permission")
    wanted = [ADMIN] if admin else sorted(set(permission))
    for option, given in (("--api-key", api_key), ("--app-key", app_key)):
        problem = store.key_too_short(given) if given is not None else None
        if problem:
            raise _fail(f"the given {option} is refused: {problem}")
    api_value, app_value = api_key or store.new_api_key(), app_key or store.new_app_key()
    notes: list[str] = []
    db = _database()
    # One transaction: a refused key leaves no new org, user or permission change behind.
    with db.session() as session:
        for known in store.keys_with_value(session, api_value) if api_key else []:
            if known.kind != "api" or known.org != org:
                raise _fail(f"the given --api-key is already the {_describe(known)}; it is not reused for org {org}")
            if known.revoked_at:
                raise _fail(f"the given --api-key is the revoked {_describe(known)}; revoked keys are not reused")
        for known in store.keys_with_value(session, app_value) if app_key else []:
            if known.kind != "app" or known.org != org or known.email != email:
                raise _fail(
                    f"the given --app-key is already the {_describe(known)}; it is not reused for {email} in org {org}"
                )
            if known.revoked_at:
                raise _fail(f"the given --app-key is the revoked {_describe(known)}; revoked keys are not reused")
        if api_key and app_key and api_value == app_value:
            raise _fail("--api-key and --app-key must differ")
        organisation = store.get_or_create_org(session, org)
        user = store.find_user(session, organisation, email)
        if user is None:
            user = store.get_or_create_user(session, organisation, email, wanted)
        else:
            before = store.set_permissions(session, user, wanted)
            if sorted(set(before)) != wanted:
                notes.append(
                    f"user {email} of org {org} existed: its permissions were changed from {_names(before)} to "
                    f"{_names(wanted)}, for all its application keys (running servers within 5 s)"
                )
            else:
                notes.append(f"user {email} of org {org} existed: its permissions stay {_names(wanted)}")
        store.add_api_key(session, organisation, api_value, name="cli")
        store.add_app_key(session, user, app_value, name="cli")
    for note in notes:
        typer.echo(note, err=True)
    typer.echo(f"DD_API_KEY={api_value}")
    typer.echo(f"DD_APP_KEY={app_value}")


def _names(permissions: list[str]) -> str:
    return ", ".join(sorted(set(permissions))) or "(none)"


@keys_app.command("list")
def list_keys() -> None:
    """Every API and application key: kind, org, user, name, last 4 characters, created, last used, status."""
    from recess.accounts import store

    db = _database()
    with db.read() as session:
        keys = store.list_keys(session)
    if not keys:
        typer.echo("no keys")
        return
    rows = [("KIND", "ORG", "USER", "NAME", "LAST4", "CREATED", "LAST USED", "STATUS")]
    rows += [
        (
            k.kind, k.org, k.email or "-", k.name, k.last4, _when(k.created_at), _when(k.last_used_at),
            "revoked" if k.revoked_at else "active",
        )
        for k in keys
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        typer.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


@keys_app.command("revoke")
def revoke(
    keys: list[str] = typer.Argument(..., metavar="KEY_OR_LAST4...", help="A whole key, or its last 4 characters."),
) -> None:
    """Revoke keys, each given whole or by its last 4 characters (when those name exactly one active key).

    Running servers refuse a revoked key within 5 s. An argument that matches no key, or whose last 4
    characters match several active keys, is refused and makes the exit status 1; the others are revoked.
    """
    from recess.accounts import store

    failed = False
    db = _database()
    for given in keys:
        shown = f"...{given[-4:]}"
        with db.session() as session:
            matches = store.keys_with_value(session, given)
            if not matches and len(given) == 4:
                ending = store.keys_ending_in(session, given)
                active = [k for k in ending if k.revoked_at is None]
                if len(active) > 1:
                    lines = "\n".join(f"  {_describe(k)}" for k in active)
                    typer.echo(
                        f"error: the last 4 characters {given!r} match {len(active)} active keys; "
                        f"nothing revoked for them, give the whole key:\n"
                        f"{lines}",
                        err=True,
                    )
                    failed = True
                    continue
                matches = active or ending
            if not matches:
                what = f"no key ends in {given!r}" if len(given) == 4 else f"no key is {shown} (whole keys, or their last 4 characters)"
                typer.echo(f"error: {what}; nothing revoked for it", err=True)
                failed = True
                continue
            for key in matches:
                if store.revoke(session, key):
                    typer.echo(f"revoked the {_describe(key)}")
                    if key.name in (store.API_KEY_VAR, store.APP_KEY_VAR):
                        typer.echo(
                            f"note: this key is the value of {key.name}: a server started again with that value "
                            "reactivates it; change or unset the variable",
                            err=True,
                        )
                else:
                    typer.echo(f"already revoked: the {_describe(key)}")
    if failed:
        raise typer.Exit(1)
