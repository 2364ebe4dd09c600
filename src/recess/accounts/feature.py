"""Accounts as a feature: key checks for everyone, and the admin key pair of the environment."""

from recess.accounts import routes
from recess.accounts.auth import KEY_CACHE, CachedGate, KeyCache
from recess.accounts.store import bootstrap_admin
from recess.core.application import Feature, Services
from recess.core.lanes import GATE


def _start(services: Services) -> None:
    cache = KeyCache(db=services.db)  # pairs in use are renewed before they expire
    cache.start()
    services.provide(KEY_CACHE, cache)
    services.provide(GATE, CachedGate(cache))  # who a lane may answer
    with services.db.session() as session:
        bootstrap_admin(session, services.settings.api_key, services.settings.app_key)


def _stop(services: Services) -> None:
    services.get(KEY_CACHE).stop()


feature = Feature("accounts", routers=[routes.router], start=_start, stop=_stop)
