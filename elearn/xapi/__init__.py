"""xAPI statements to a Learning Record Store: not built yet (the package is registered)."""


def init_xapi(app):
    """Register this part with the app."""
