"""Accounts as a feature: key checks for everyone, and the admin key pair of the environment."""

from recess.accounts import routes
from recess.accounts.auth import KEY_CACHE, KeyCache
from recess.accounts.store import bootstrap_admin
from recess.core.application import Feature, Services


def _start(services: Services) -> None:
    services.provide(KEY_CACHE, KeyCache())
    with services.db.session() as session:
        bootstrap_admin(session, services.settings.api_key, services.settings.app_key)


feature = Feature("accounts", routers=[routes.router], start=_start)
