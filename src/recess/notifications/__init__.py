"""Alert notifications: what a transition says, whether a downtime mutes it, and its delivery."""
