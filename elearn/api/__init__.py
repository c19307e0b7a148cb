"""The JSON API under /api/v1 (issue 17)."""


def init_api(app):
    """Register this part with the app."""
