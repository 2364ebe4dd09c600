"""What operators use to watch recess: health, readiness and Prometheus metrics."""
