"""Forms of the assessment and needs-analysis pages. The rules (scope, levels) live in the
services; forms check shape. The assessment's per-competency fields are read by
needs.parse_levels (their number follows the dictionary)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SearchField, SelectField

from ..supervision.forms import _choices, _GetForm, unit_labels
from .needs import STATUS_NONE, STATUS_SELF, STATUS_SUPERVISOR

STATUS_LABELS = {
    STATUS_SUPERVISOR: _l("Assessed by the supervisor"),
    STATUS_SELF: _l("Self-assessed only"),
    STATUS_NONE: _l("Not assessed"),
}


class AssessForm(FlaskForm):
    """The CSRF token and the revision the page was made from (a second tab's save is refused)."""

    revision = HiddenField()

    def posted_revision(self):
        value = (self.revision.data or "").strip()
        return int(value) if value.isdigit() and len(value) < 10 else -1


class _YearMixin:
    def _years(self, years):
        self.year.choices = _choices([(y, str(y)) for y in years])
        self.year.default = years[0]
        if self.year.data not in years:
            self.year.data = years[0]


class YearForm(_GetForm, _YearMixin):
    year = SelectField(_l("Year"), coerce=int, default=0)

    def __init__(self, formdata, years):
        super().__init__(formdata)
        self._years(years)


class StatusFilterForm(_GetForm, _YearMixin):
    q = SearchField(
        _l("Search"), render_kw={"placeholder": _l("Name or NIP"), "autocomplete": "off"}
    )
    unit = SelectField(_l("Unit (with sub-units)"), coerce=int, default=0)
    status = SelectField(_l("Assessment"), default="")
    year = SelectField(_l("Year"), coerce=int, default=0)

    def __init__(self, formdata, units, years):
        super().__init__(formdata)
        self.unit.choices = _choices([(0, _l("All units")), *unit_labels(units)])
        self.status.choices = _choices([("", _l("Everyone")), *STATUS_LABELS.items()])
        self._years(years)


class HeatFilterForm(_GetForm, _YearMixin):
    unit = SelectField(_l("Unit (with sub-units)"), coerce=int, default=0)
    kind = SelectField(_l("Position kind"), default="")
    year = SelectField(_l("Year"), coerce=int, default=0)

    def __init__(self, formdata, units, kinds, years):
        super().__init__(formdata)
        self.unit.choices = _choices([(0, _l("All units")), *unit_labels(units)])
        self.kind.choices = _choices([("", _l("All position kinds")), *kinds])
        self._years(years)
