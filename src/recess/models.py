"""Every table, imported in one place so Alembic and the app see the whole schema."""

from recess.accounts.model import ApiKey, AppKey, Org, User
from recess.bindings.model import AutomaticDegradation, BoundGroup, MaintenanceDowntime, MonitorBinding
from recess.core.changes import ChangeCounter
from recess.downtimes.model import Downtime, Occurrence, V1Id
from recess.monitors.model import CheckRun, GroupTransition, Monitor, MonitorGroup
from recess.notifications.model import Delivery, Notification, Webhook
from recess.cases.model import Case, Project
from recess.maintenance_windows.model import MaintenanceWindow
from recess.statuspages.model import Component, Degradation, Maintenance, StatusPage, Template, Update

__all__ = [
    "ApiKey", "AppKey", "CheckRun", "Downtime", "GroupTransition", "Monitor", "MonitorGroup", "Occurrence", "Org", "User",
    "V1Id", "Delivery", "Notification", "Webhook", "Component", "Degradation", "Maintenance", "StatusPage",
    "Template", "Update", "Case", "Project", "MaintenanceWindow", "ChangeCounter",
    "MonitorBinding", "MaintenanceDowntime", "AutomaticDegradation", "BoundGroup",
]
