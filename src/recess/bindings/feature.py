"""Bindings as a feature: the binding API, the maintenance listener that makes and moves
downtimes, and the scheduler's job that opens and resolves automatic degradations.

It sits above status pages, downtimes and monitors, which know nothing of it: status pages
tell it of maintenances through their `MaintenanceListener`, provided here at start.
"""

from __future__ import annotations

from recess.bindings.answers import answers
from recess.bindings import routes, store
from recess.bindings.routes import DOWNTIMES
from recess.bindings.service_automation import Automation
from recess.bindings.service_maintenances import MaintenanceDowntimes
from recess.core.application import Feature, Services
from recess.core.scheduler import Job
from recess.notifications.muter import MUTER
from recess.notifications.service import NOTIFIER
from recess.statuspages.http import PREFIX
from recess.statuspages.listeners import MAINTENANCE_LISTENER


def _start(services: Services) -> None:
    downtimes = MaintenanceDowntimes(services.get(NOTIFIER))
    services.provide(DOWNTIMES, downtimes)
    services.provide(MAINTENANCE_LISTENER, downtimes)


def _jobs(services: Services) -> list[Job]:
    return [Job("auto_degradations", store.next_join_due, Automation(services.get(MUTER)).run)]


feature = Feature("bindings", routers=[routes.router], object_error_prefixes=[PREFIX], start=_start, jobs=_jobs, answers=answers)
