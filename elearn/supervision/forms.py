"""Forms of the team pages. The rules (scope, dates) live in the services; forms check shape."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    SearchField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from .services import JP_FILTERS, SORTS, STATUS_LABELS, STATUSES


def _choices(pairs):
    return [SelectChoice(value, label) for value, label in pairs]


def unit_labels(units):
    """(id, indented name) for [(unit, depth)]."""
    return [(u.id, "\u00a0\u00a0\u00a0" * depth + u.name) for u, depth in units]


class _GetForm(FlaskForm):
    """Filters in the query string (GET: no CSRF, nothing changes)."""

    class Meta:
        csrf = False

    def value(self, name):
        """The field's value if it is one of its choices, else its empty default: a value
        from outside the choices (another unit, a made-up id) is ignored, never obeyed."""
        f = getattr(self, name)
        if f.process_errors or f.data is None:
            return f.default
        if hasattr(f, "choices") and f.data not in {c.value for c in f.choices}:
            return f.default
        return f.data


class TeamFilterForm(_GetForm):
    q = SearchField(
        _l("Search"), render_kw={"placeholder": _l("Name or NIP"), "autocomplete": "off"}
    )
    unit = SelectField(_l("Unit (with sub-units)"), coerce=int, default=0)
    course = SelectField(_l("Course"), coerce=int, default=0)
    status = SelectField(_l("Status of assigned courses"), default="")
    jp = SelectField(_l("Learning hours (JP)"), default="")
    year = SelectField(_l("Year"), coerce=int, default=0)
    sort = SelectField(_l("Sort by"), default="name")

    def __init__(self, formdata, units, courses, years):
        super().__init__(formdata)
        self.unit.choices = _choices([(0, _l("All units")), *unit_labels(units)])
        self.course.choices = _choices([(0, _l("All assigned courses")), *courses])
        self.status.choices = _choices(
            [("", _l("Any status")), *((s, STATUS_LABELS[s]) for s in STATUSES)]
        )
        self.jp.choices = _choices([("", _l("Everyone")), *JP_FILTERS.items()])
        self.year.choices = _choices([(y, str(y)) for y in years])
        self.year.default = years[0]
        if self.year.data not in years:
            self.year.data = years[0]
        self.sort.choices = _choices(SORTS.items())


class AssignForm(FlaskForm):
    course_id = SelectField(_l("Course"), coerce=int, default=0, validate_choice=False)
    unit_ids = SelectMultipleField(
        _l("Units (with their sub-units)"),
        coerce=int,
        default=[],
        validate_choice=False,
        render_kw={"size": 8},
    )
    people = TextAreaField(
        _l("People (NIP or email, one per line)"),
        render_kw={"rows": 4, "spellcheck": "false", "autocomplete": "off"},
    )
    due_date = DateField(_l("Due date"), validators=[Optional()])
    include_future_members = BooleanField(
        _l("Also people who join these units later (until the due date)"), default=True
    )

    def __init__(self, *args, units=(), courses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.course_id.choices = _choices([(0, _l("— choose a course —")), *courses])
        self.unit_ids.choices = _choices(unit_labels(units))

    def add_errors(self, errors):
        for name, message in errors.items():
            getattr(self, name).errors.append(message)


# Reports cover what this product can have recorded: a date outside is a typing slip.
FIRST_REPORT_DATE = date(2000, 1, 1)
LAST_REPORT_DATE = date(2099, 12, 31)


def _sane_date(_form, field):
    if field.data is not None and not FIRST_REPORT_DATE <= field.data <= LAST_REPORT_DATE:
        raise ValidationError(
            _l(
                "Choose a date between %(first)s and %(last)s.",
                first=FIRST_REPORT_DATE.strftime("%d-%m-%Y"),
                last=LAST_REPORT_DATE.strftime("%d-%m-%Y"),
            )
        )


class ReportForm(_GetForm):
    date_from = DateField(_l("From"), validators=[Optional(), _sane_date])
    date_to = DateField(_l("To (inclusive)"), validators=[Optional(), _sane_date])
    unit = SelectField(_l("Unit (with sub-units)"), coerce=int, default=0)
    course = SelectField(_l("Course"), coerce=int, default=0)
    layout = SelectField(
        _l("Layout"),
        choices=_choices(
            [("list", _l("List of completions")), ("siasn", _l("SIASN course records"))]
        ),
        default="list",
    )
    sep = SelectField(
        _l("CSV separator"),
        choices=_choices([(";", _l("Semicolon (Excel, Indonesian settings)")), (",", _l("Comma"))]),
        default=";",
    )

    def __init__(self, formdata, units, courses):
        super().__init__(formdata)
        self.unit.choices = _choices([(0, _l("All units")), *unit_labels(units)])
        self.course.choices = _choices([(0, _l("All courses")), *courses])
