"""Cases as a feature: the slice of Case Management that maintenance windows quiet, and the
projects cases belong to."""

from recess.cases import routes, routes_projects
from recess.core.application import Feature
from recess.cases.answers import answers

feature = Feature("cases", routers=[routes_projects.router, routes.router], answers=answers)
