"""The JSON API under /api/v1: not built yet (the package is registered)."""


def init_api(app):
    """Register this part with the app."""
