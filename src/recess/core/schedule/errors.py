class ScheduleError(ValueError):
    """A schedule that cannot be used; the message is fit to show the user."""
