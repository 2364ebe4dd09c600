"""recess: Datadog's downtime, status page and maintenance window APIs, self-hosted."""

__version__ = "0.1.0"
