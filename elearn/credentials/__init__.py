"""Certificates as Open Badges 3.0 credentials."""


def init_credentials(app):
    """Register this part with the app."""
    from .routes import bp

    app.register_blueprint(bp)
