"""Forms of the team pages. The rules (scope, dates) live in the services; forms check shape."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    Field,
    HiddenField,
    RadioField,
    SearchField,
    SelectField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from ..i18n import local_date
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


def _int_or_zero(value):
    """A select's value as an int; anything else is "nothing chosen" (the service then names
    the problem in the user's language, not WTForms' English)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class IdListField(Field):
    """Ids of chosen items, from checkboxes or hidden inputs of one name (rendered by the
    template). Values that are not ids are an error in the user's language."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, default=list, **kwargs)

    def process_formdata(self, valuelist):
        ids, bad = [], False
        for value in valuelist:
            value = (value or "").strip()
            if value.isdigit() and 0 < int(value) < 2**31:
                ids.append(int(value))
            elif value:
                bad = True
        self.data = list(dict.fromkeys(ids))
        if bad:
            raise ValueError(_l("Choose from the list."))


# Dates this product can have recorded: a date outside is a typing slip.
FIRST_DATE = date(2000, 1, 1)
LAST_DATE = date(2099, 12, 31)


class DayField(DateField):
    """A date input whose errors are in the user's language: one that does not parse, or one
    outside FIRST_DATE..LAST_DATE (then `data` is None, as for one that does not parse)."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(_l("Enter a date such as 31-12-2026.")) from None
        if self.data is not None and not FIRST_DATE <= self.data <= LAST_DATE:
            self.data = None
            raise ValueError(
                _l(
                    "Choose a date between %(first)s and %(last)s.",
                    first=local_date(FIRST_DATE),
                    last=local_date(LAST_DATE),
                )
            )


def _page(value):
    return int(value) if str(value or "").isdigit() and 0 < int(value) <= 1000 else 1


class AssignForm(FlaskForm):
    """The choice of course, units, people and due date. Sent by GET (nothing changes: it
    searches the picker or opens the preview), so without a CSRF token; `ConfirmForm`
    carries the same fields with one, by POST."""

    class Meta:
        csrf = False

    course_id = SelectField(_l("Course"), coerce=_int_or_zero, default=0, validate_choice=False)
    unit_ids = IdListField(_l("Units (with their sub-units)"))
    user_ids = IdListField(_l("People"))
    due_date = DayField(_l("Due date"), validators=[Optional()])
    include_future_members = BooleanField(
        _l("Also people who join these units later (until the due date)"), default=True
    )
    unit_q = SearchField(
        _l("Search units"),
        render_kw={"autocomplete": "off", "maxlength": 100, "spellcheck": "false"},
    )
    people_q = SearchField(
        _l("Search people"),
        render_kw={"autocomplete": "off", "maxlength": 100, "spellcheck": "false"},
    )

    def __init__(self, formdata=None, courses=(), **kwargs):
        super().__init__(formdata, **kwargs)
        self.course_id.choices = _choices([(0, _l("— choose a course —")), *courses])
        args = formdata or {}
        self.unit_page = _page(args.get("unit_page"))
        self.people_page = _page(args.get("people_page"))

    def add_errors(self, errors):
        for name, message in errors.items():
            name = "user_ids" if name == "people" else name
            getattr(self, name).errors.append(message)

    def selection(self):
        """The arguments of plan_assignment / create_assignments."""
        return {
            "course_id": self.course_id.data,
            "unit_ids": self.unit_ids.data or [],
            "user_ids": self.user_ids.data or [],
            "due_date": self.due_date.data,
            "include_future_members": bool(self.include_future_members.data),
        }


KEEP_DUE, UPDATE_DUE = "keep", "update"


class ConfirmForm(AssignForm):
    """The preview's confirmation: the choice again (hidden inputs), the fingerprint of the
    preview, and what to do with the due date of existing assignments. POST, with CSRF."""

    class Meta:
        csrf = True

    fingerprint = HiddenField()
    due_policy = RadioField(
        _l("Due date of the existing assignments"),
        choices=_choices(
            [
                (KEEP_DUE, _l("Keep their due date")),
                (UPDATE_DUE, _l("Change it to the new due date")),
            ]
        ),
        default=KEEP_DUE,
        validate_choice=False,
    )

    @property
    def update_due_date(self):
        return self.due_policy.data == UPDATE_DUE


class ReportForm(_GetForm):
    date_from = DayField(_l("From"), validators=[Optional()])
    date_to = DayField(_l("To (inclusive)"), validators=[Optional()])
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
