"""Certificates as Open Badges 3.0 credentials (issue 17)."""


def init_credentials(app):
    """Register this part with the app."""
