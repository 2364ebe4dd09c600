"""Cases as a feature: the slice of Case Management that maintenance windows quiet."""

from recess.cases import routes
from recess.core.application import Feature
from recess.cases.answers import answers

feature = Feature("cases", routers=[routes.router], answers=answers)
