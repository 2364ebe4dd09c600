"""What operators query: health, readiness and Prometheus metrics.

Operations sits beside `recess.app`, above the features: it reads their tables for gauges.
"""

from recess.core.application import Feature, Services
from recess.downtimes.live import INDEX
from recess.operations import health, metrics
from recess.operations.answers import answers


def _start(services: Services) -> None:
    services.metrics.registry.register(metrics.StoreCollector(services.db, services.get(INDEX)))


feature = Feature("operations", routers=[health.router, metrics.router], start=_start, answers=answers)
