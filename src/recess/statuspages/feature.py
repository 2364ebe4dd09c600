"""Status pages as a feature: the management API, the public page, maintenances moved on time."""

from __future__ import annotations

from recess.core.application import Feature, Services
from recess.core.scheduler import Job
from recess.statuspages import public, routes_degradations, routes_maintenances, routes_pages, routes_templates, store
from recess.statuspages.service_maintenances import advance_maintenances
from recess.statuspages.http import PREFIX
from recess.statuspages.answers import answers


def _jobs(services: Services) -> list[Job]:
    return [Job("maintenances", store.next_maintenance_due, advance_maintenances)]


feature = Feature(
    "statuspages",
    # Incidents first: /statuspages/degradations and /statuspages/maintenances must not be taken
    # for a page id.
    routers=[routes_degradations.router, routes_maintenances.router, routes_templates.router, routes_pages.router,
             public.router],
    object_error_prefixes=[PREFIX],  # Status Pages answer JSON:API error objects
    jobs=_jobs,
    answers=answers,
)
