"""Running Kinfolk on several servers: health checks, metrics, structured logs, shared cache."""
