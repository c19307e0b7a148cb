"""The filters of a course's survey report (GET: no CSRF, nothing changes)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField
from wtforms.fields.choices import SelectChoice


def _choices(pairs):
    return [SelectChoice(value, label) for value, label in pairs]


class ReportFilterForm(FlaskForm):
    class Meta:
        csrf = False

    version = SelectField(_l("Course version"), coerce=int, default=0)
    year = SelectField(_l("Year"), coerce=int, default=0)
    unit = SelectField(_l("Unit (with sub-units)"), coerce=int, default=0)
    q = SearchField(
        _l("Search the comments"), render_kw={"placeholder": _l("A word"), "autocomplete": "off"}
    )

    def __init__(self, formdata, versions, years, units):
        super().__init__(formdata)
        self.version.choices = _choices(
            [
                (0, _l("All versions")),
                *((vid, _l("Version %(n)d: %(title)s", n=n, title=t)) for vid, n, t in versions),
            ]
        )
        self.year.choices = _choices([(0, _l("All years")), *((y, str(y)) for y in years)])
        self.unit.choices = _choices(
            [(0, _l("All units")), *((u.id, "\u00a0\u00a0\u00a0" * d + u.name) for u, d in units)]
        )

    def value(self, name):
        """The chosen value, the default when none; None when the value is not one of the
        choices (another course's version, a unit outside the scope): the route refuses it."""
        f = getattr(self, name)
        if f.process_errors:
            return None
        if f.data in (None, 0, ""):
            return f.default
        if f.data not in {c.value for c in f.choices}:
            return None
        return f.data
