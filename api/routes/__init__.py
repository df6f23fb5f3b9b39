"""One router per resource, aggregated in `api.main`."""
