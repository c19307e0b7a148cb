"""xAPI statements to a Learning Record Store (issue 17)."""


def init_xapi(app):
    """Register this part with the app."""
