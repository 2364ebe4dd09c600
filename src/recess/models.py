"""Every table, imported in one place so Alembic and the app see the whole schema."""

from recess.accounts.model import ApiKey, AppKey, Org, User
from recess.downtimes.model import Downtime, Occurrence, V1Id

__all__ = ["ApiKey", "AppKey", "Downtime", "Occurrence", "Org", "User", "V1Id"]
