"""Forms of the development plan pages. Every form carries the plan's revision (hidden), so a
save from an older page is refused by the service; the rules themselves live there."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from .plan_services import STATUS_LABELS


def _int(value):
    """A posted number as an int, anything else None (the service names the problem in the
    user's language, not WTForms' English)."""
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _clip(limit):
    """Keep at most `limit` characters of a posted text: longer is refused by the service with
    a message, and a page shown again must not echo a megabyte back."""

    def clip(value):
        return value[:limit] if isinstance(value, str) else value

    return clip


class _PlanForm(FlaskForm):
    revision = HiddenField()
    year = HiddenField()
    id_prefix = ""  # two forms on one page: their fields need ids of their own

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.id_prefix:
            for f in self:
                f.id = f"{self.id_prefix}-{f.name}"
                f.label.field_id = f.id

    def revision_value(self):
        value = _int(self.revision.data)
        return -1 if value is None else value

    def year_value(self):
        return _int(self.year.data)

    def typed(self):
        """[(label, text)] of what was typed in the visible fields (shown back when the save
        was refused and the form itself is no longer offered)."""
        out = []
        for f in self:
            if f.type in ("HiddenField", "CSRFTokenField"):
                continue
            value = f.data
            if hasattr(f, "choices"):
                value = next((c.label for c in f.choices if c.value == f.data and c.value), "")
            value = str(value or "").strip()
            if value:
                out.append((f.label.text, value))
        return out


class _JPField(StringField):
    """Planned JP as typed: kept as text so that a wrong value is shown back as typed."""

    def number(self):
        text = (self.data or "").strip()
        if not text:
            return None
        value = _int(text)
        return -1 if value is None else value  # not a number: refused like a negative one


class CourseItemForm(_PlanForm):
    id_prefix = "course"
    course_id = SelectField(_l("Course"), coerce=_int, validate_choice=False, choices=[])
    planned_jp = _JPField(
        _l("Planned JP"),
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 4},
    )
    competency_id = SelectField(
        _l("Competency (optional)"), coerce=_int, validate_choice=False, choices=[]
    )

    def set_choices(self, courses, competencies):
        self.course_id.choices = [SelectChoice("", _l("Choose a course"))] + [
            SelectChoice(cid, f"{title} ({jp} JP)") for cid, title, jp in courses
        ]
        self.competency_id.choices = _competency_choices(competencies)


class ActivityItemForm(_PlanForm):
    id_prefix = "activity"
    title = StringField(
        _l("Activity"), filters=[_clip(1000)], render_kw={"maxlength": 200, "autocomplete": "off"}
    )
    planned_jp = _JPField(
        _l("Planned JP"),
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 4},
    )
    competency_id = SelectField(
        _l("Competency (optional)"), coerce=_int, validate_choice=False, choices=[]
    )

    def set_choices(self, competencies):
        self.competency_id.choices = _competency_choices(competencies)


def _competency_choices(competencies):
    return [SelectChoice("", _l("None"))] + [SelectChoice(cid, name) for cid, name in competencies]


class PlanActionForm(_PlanForm):
    """A bare button on the plan (remove, move, submit, withdraw): CSRF and the revision."""


class DecisionForm(FlaskForm):
    revision = HiddenField()
    action = HiddenField()
    note = TextAreaField(
        _l("Note to the person"), filters=[_clip(5000)], render_kw={"rows": 3, "maxlength": 2000}
    )

    def revision_value(self):
        value = _int(self.revision.data)
        return -1 if value is None else value


class PlanFilterForm(FlaskForm):
    """The supervisor's list filters (GET: no CSRF, nothing changes)."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), default="", validators=[Optional()])
    unit = SelectField(_l("Unit (with sub-units)"), coerce=_int, default=0, validators=[Optional()])
    year = SelectField(_l("Year"), coerce=_int, validators=[Optional()])

    def __init__(self, formdata, units, years):
        super().__init__(formdata)
        self.status.choices = [SelectChoice("", _l("Any status"))] + [
            SelectChoice(k, v) for k, v in STATUS_LABELS.items()
        ]
        self.unit.choices = [SelectChoice(0, _l("All units"))] + [
            SelectChoice(u.id, "\u00a0\u00a0\u00a0" * depth + u.name) for u, depth in units
        ]
        self.year.choices = [SelectChoice(y, str(y)) for y in years]

    def value(self, name, default):
        f = getattr(self, name)
        if f.data is None or f.data not in {c.value for c in f.choices}:
            return default
        return f.data
