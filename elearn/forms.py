"""Forms shared across features."""

from flask_wtf import FlaskForm


class EmptyForm(FlaskForm):
    """A bare button that still carries a CSRF token (every POST is a form)."""


class FilterForm(FlaskForm):
    """Filters above a list, in the query string (GET: no CSRF, nothing changes)."""

    class Meta:
        csrf = False

    def value(self, name):
        """The field's value if it is one of the choices, else its empty default."""
        f = getattr(self, name)
        if f.process_errors or f.data is None:
            return f.default
        if hasattr(f, "choices") and f.data not in {c.value for c in f.choices}:
            return f.default
        return f.data
