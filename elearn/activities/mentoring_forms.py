"""Forms of the mentoring pages. The fields parse only; the rules (scope, period, lengths) live
in mentoring.py, which names a problem in the user's language."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from ..forms import FilterForm
from ..models import MentoringKind
from ..supervision.forms import DayField
from .mentoring import (
    GOALS_MAX,
    KIND_LABELS,
    NEXT_STEP_MAX,
    PAIR_STATUSES,
    TOPIC_MAX,
)


def clip(limit):
    """Keep at most `limit` characters of a posted text: longer is refused by the service with
    a message, and a page shown again must not echo a megabyte back."""

    def run(value):
        return value[:limit] if isinstance(value, str) else value

    return run


def _person_field(label):
    return StringField(
        label,
        filters=[clip(300)],
        render_kw={"autocomplete": "off", "maxlength": 254, "spellcheck": "false"},
    )


class PairForm(FlaskForm):
    mentee = _person_field(_l("Mentee (NIP or email)"))
    mentor = _person_field(_l("Mentor or coach (NIP or email)"))
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(str(k), v) for k, v in KIND_LABELS.items()],
        default=str(MentoringKind.MENTORING),
        validate_choice=False,
    )
    goals = TextAreaField(
        _l("Goals"), filters=[clip(GOALS_MAX + 1000)], render_kw={"rows": 4, "maxlength": GOALS_MAX}
    )
    starts_on = DayField(_l("From"), validators=[Optional()])
    ends_on = DayField(_l("Until"), validators=[Optional()])


class SessionForm(FlaskForm):
    held_on = DayField(_l("Day of the session"), validators=[Optional()])
    minutes = StringField(
        _l("Length (minutes)"),
        filters=[clip(20)],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 3},
    )
    topic = StringField(
        _l("Topic"), filters=[clip(TOPIC_MAX + 500)], render_kw={"maxlength": TOPIC_MAX}
    )
    next_step = TextAreaField(
        _l("Agreed next step"),
        filters=[clip(NEXT_STEP_MAX + 1000)],
        render_kw={"rows": 3, "maxlength": NEXT_STEP_MAX},
    )


class PairFilterForm(FilterForm):
    """The filters above the supervisor's list of pairs (GET)."""

    status = SelectField(_l("Status"), default="", validators=[Optional()])
    kind = SelectField(_l("Kind"), default="", validators=[Optional()])
    q = SearchField(
        _l("Name of the mentor or mentee"),
        filters=[clip(100)],
        validators=[Optional()],
        render_kw={"maxlength": 100},
    )

    def __init__(self, formdata):
        super().__init__(formdata)
        self.status.choices = [SelectChoice("", _l("Running and ended"))] + [
            SelectChoice(k, v) for k, v in PAIR_STATUSES.items()
        ]
        self.kind.choices = [SelectChoice("", _l("Mentoring and coaching"))] + [
            SelectChoice(str(k), v) for k, v in KIND_LABELS.items()
        ]
