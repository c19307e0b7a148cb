"""Forms of the strategic project pages. The fields parse only; the rules (scope, period,
hours, competencies) live in projects.py, which names a problem in the user's language."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from ..forms import FilterForm
from ..supervision.forms import DayField
from .mentoring_forms import clip
from .projects import DESCRIPTION_MAX, MAX_COMPETENCIES, NAME_MAX, ROLE_MAX


def _int(value):
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


class ProjectForm(FlaskForm):
    name = StringField(
        _l("Name of the project"), filters=[clip(NAME_MAX + 500)], render_kw={"maxlength": NAME_MAX}
    )
    unit_id = SelectField(_l("Unit"), coerce=_int, validate_choice=False, choices=[])
    starts_on = DayField(_l("From"), validators=[Optional()])
    ends_on = DayField(_l("Until"), validators=[Optional()])
    description = TextAreaField(
        _l("Description"),
        filters=[clip(DESCRIPTION_MAX + 1000)],
        render_kw={"rows": 5, "maxlength": DESCRIPTION_MAX},
    )

    def set_units(self, units):
        self.unit_id.choices = [SelectChoice("", _l("Choose a unit"))] + [
            SelectChoice(u.id, "\u00a0\u00a0\u00a0" * depth + u.name) for u, depth in units
        ]


class MemberEditForm(FlaskForm):
    """A member's role, hours and competencies (the person stays)."""

    role = StringField(
        _l("Role in the project"),
        filters=[clip(ROLE_MAX + 200)],
        render_kw={"maxlength": ROLE_MAX, "placeholder": _l("e.g. Ketua tim")},
    )
    hours = StringField(
        _l("Hours of involvement"),
        filters=[clip(20)],
        render_kw={"inputmode": "decimal", "autocomplete": "off", "maxlength": 9},
    )
    competency_ids = SelectMultipleField(
        _l("Competencies exercised (optional)"), coerce=_int, validate_choice=False, choices=[]
    )

    def set_competencies(self, competencies):
        self.competency_ids.choices = [SelectChoice(cid, name) for cid, name in competencies]
        self.competency_ids.render_kw = {"size": min(8, max(3, len(competencies)))}

    def competency_values(self):
        values = [v for v in (self.competency_ids.data or []) if v is not None]
        return values[: MAX_COMPETENCIES + 1]  # more is refused by the service


class MemberForm(MemberEditForm):
    who = StringField(
        _l("Member (NIP or email)"),
        filters=[clip(300)],
        render_kw={"autocomplete": "off", "maxlength": 254, "spellcheck": "false"},
    )


class ProjectFilterForm(FilterForm):
    q = SearchField(
        _l("Name of the project or unit"),
        filters=[clip(100)],
        validators=[Optional()],
        render_kw={"maxlength": 100},
    )
