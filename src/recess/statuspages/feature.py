"""Status pages as a feature: the management API, the public page, and maintenances that start
and end on time."""

from __future__ import annotations

from recess.core.application import Feature, Services
from recess.core.scheduler import Job
from recess.statuspages import public, routes_incidents, routes_pages, routes_templates, store
from recess.statuspages.http import PREFIX


def _jobs(services: Services) -> list[Job]:
    return [Job("maintenances", store.next_maintenance_due, routes_incidents.advance_maintenances)]


feature = Feature(
    "statuspages",
    # Incidents first: /statuspages/degradations must not be taken for a page id.
    routers=[routes_incidents.router, routes_templates.router, routes_pages.router, public.router],
    object_error_prefixes=[PREFIX],  # Status Pages answer JSON:API error objects
    jobs=_jobs,
)
