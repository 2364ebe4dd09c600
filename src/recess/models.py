"""Every table, imported in one place so Alembic and the app see the whole schema."""

from recess.accounts.model import ApiKey, AppKey, Org, User
from recess.downtimes.model import Downtime

__all__ = ["ApiKey", "AppKey", "Downtime", "Org", "User"]
