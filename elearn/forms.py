"""Forms shared across features."""

from flask_wtf import FlaskForm


class EmptyForm(FlaskForm):
    """A bare button that still carries a CSRF token (every POST is a form)."""
