"""The recess application: the features it is made of, in the order they start.

Order matters only where one feature uses what another provides at start (the downtime index
before those that read it); routers are mounted and scheduler jobs run in this order.
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from recess.accounts.feature import feature as accounts
from recess.bindings.feature import feature as bindings
from recess.cases.feature import feature as cases
from recess.core.application import Feature, build
from recess.downtimes.feature import feature as downtimes
from recess.maintenance_windows.feature import feature as maintenance_windows
from recess.monitors.feature import feature as monitors
from recess.notifications.feature import feature as notifications
from recess.operations.feature import feature as operations
from recess.settings import Settings, get_settings
from recess.statuspages.feature import feature as statuspages

FEATURES: list[Feature] = [
    accounts, downtimes, monitors, notifications, statuspages, bindings, maintenance_windows, cases, operations,
]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    worker_log_level = os.environ.get("RECESS_WORKER_LOG_LEVEL")
    if worker_log_level:  # a process of `recess serve --workers N`: log as the command would
        from recess.core import logs

        logs.configure(worker_log_level, settings.log_format, secrets=[settings.api_key or "", settings.app_key or ""])
    features = list(FEATURES)
    if settings.test_clock:
        from recess.testing import feature as testing

        features.append(testing)
    return build(settings, features, description="Datadog's downtime, status page and maintenance window APIs, self-hosted.")
