"""Maintenance windows (`/api/v2/maintenance_windows`) as a feature."""

from recess.core.application import Feature
from recess.maintenance_windows import routes
from recess.maintenance_windows.answers import answers

feature = Feature("maintenance_windows", routers=[routes.router], answers=answers)
