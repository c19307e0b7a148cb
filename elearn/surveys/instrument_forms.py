"""Forms of the instrument pages (admin) and of a course's survey settings (instructors).

The question rows are a plain server-side list: blank rows are ignored, "Add a row" posts the
form back with one more, the order is the number typed in each row. The rules on the questions
themselves live in instruments.check_questions (shared with any other caller)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from ..models import SurveyAudience, SurveyLevel, SurveyQuestionKind
from .instruments import (
    AUDIENCE_LABELS,
    KIND_LABELS,
    LEVEL_LABELS,
    QUESTIONS_MAX,
)

REQUIRED = _l("This field is required.")
BLANK_ROWS = 2  # empty rows offered below the questions


def _strip(value):
    return (value or "").strip()


def _listed(field):
    if field.data not in {str(c.value) for c in field.choices}:
        raise ValidationError(_l("Choose one of the listed options."))


class QuestionRow(Form):
    """One question (a plain Form: the page's form carries the CSRF token)."""

    position = IntegerField(
        _l("Order"),
        validators=[Optional(), NumberRange(min=1, max=999)],
        render_kw={"inputmode": "numeric", "min": 1, "max": 999},
    )
    code = StringField(
        _l("Code"),
        filters=[_strip],
        render_kw={
            "maxlength": 40,
            "autocomplete": "off",
            "spellcheck": "false",
            "autocapitalize": "none",
        },
    )
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(k.value, label) for k, label in KIND_LABELS.items()],
        default=SurveyQuestionKind.LIKERT5.value,
        validate_choice=False,  # checked with the other rules, with a readable message
    )
    text = TextAreaField(_l("Question"), filters=[_strip], render_kw={"rows": 2, "maxlength": 500})
    required = BooleanField(_l("Required"), default=True)
    options = TextAreaField(_l("Options, one per line"), render_kw={"rows": 3})
    remove = BooleanField(_l("Remove this question"))

    def is_blank(self):
        return not (self.code.data or self.text.data or _strip(self.options.data))

    def question(self):
        lines = [_strip(line) for line in (self.options.data or "").splitlines()]
        return {
            "code": self.code.data or "",
            "kind": self.kind.data or "",
            "text": self.text.data or "",
            "required": bool(self.required.data),
            "options": [line for line in lines if line],
        }


class InstrumentForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[InputRequired(message=REQUIRED), Length(max=200)],
        filters=[_strip],
        render_kw={"maxlength": 200},
    )
    description = TextAreaField(
        _l("Introduction shown above the questions"),
        validators=[Length(max=2000)],
        filters=[_strip],
        render_kw={"rows": 3, "maxlength": 2000},
    )
    level = SelectField(
        _l("Evaluation level"),
        choices=[SelectChoice(str(int(k)), label) for k, label in LEVEL_LABELS.items()],
        default=str(int(SurveyLevel.REACTION)),
        validate_choice=False,
    )
    audience = SelectField(
        _l("Answered by"),
        choices=[SelectChoice(k.value, label) for k, label in AUDIENCE_LABELS.items()],
        default=SurveyAudience.LEARNER.value,
        validate_choice=False,
    )
    questions = FieldList(FormField(QuestionRow), min_entries=1, max_entries=QUESTIONS_MAX + 10)
    problems = ()  # instrument-wide problems found by instruments.check_questions
    bad_rows = ()

    def validate_level(self, field):
        _listed(field)

    def validate_audience(self, field):
        _listed(field)

    def kept_rows(self):
        """The rows to save, in the order typed: (row entry, question dict)."""
        rows = [
            (entry.position.data or 10_000, i, entry)
            for i, entry in enumerate(e.form for e in self.questions)
            if not entry.remove.data and not entry.is_blank()
        ]
        rows.sort(key=lambda r: (r[0], r[1]))
        return [(entry, entry.question()) for _p, _i, entry in rows]

    def fill(self, questions, blank=BLANK_ROWS):
        """Rows for `questions` (dicts) followed by `blank` empty rows (a GET)."""
        while len(self.questions.entries):
            self.questions.pop_entry()
        for n, q in enumerate(questions, start=1):
            self.questions.append_entry(
                {
                    "position": n,
                    "code": q["code"],
                    "kind": q["kind"],
                    "text": q["text"],
                    "required": q["required"],
                    "options": "\n".join(q.get("options") or []),
                }
            )
        for n in range(blank):
            self.questions.append_entry({"position": len(questions) + n + 1, "required": True})

    def add_row(self):
        if len(self.questions.entries) < self.questions.max_entries:
            self.questions.append_entry(
                {"position": len(self.questions.entries) + 1, "required": True}
            )

    def attach(self, problems, rows):
        """Put the problems of instruments.check_questions beside their fields."""
        self.problems = [str(m) for i, _f, m in problems if i is None]
        self.bad_rows = []
        for index, field, message in problems:
            if index is not None:
                row = rows[index][0]
                target = getattr(row, field)
                target.errors = [*target.errors, str(message)]
                self.bad_rows.append(row)


class CourseSurveySettingsForm(FlaskForm):
    reaction_required = SelectField(
        _l("Reaction survey required for the certificate"), validate_choice=False
    )
    anonymous = BooleanField(_l("Anonymous answers"))
    followup = BooleanField(_l("Follow-up survey on the job (level 3)"))
    reaction_instrument = SelectField(_l("Reaction survey instrument"), validate_choice=False)

    def validate_reaction_required(self, field):
        _listed(field)

    def validate_reaction_instrument(self, field):
        _listed(field)

    def set_choices(self, default_required, instruments, default_instrument):
        self.reaction_required.choices = [
            SelectChoice(
                "",
                _l("Instance default (required)")
                if default_required
                else _l("Instance default (not required)"),
            ),
            SelectChoice("yes", _l("Yes: the certificate waits for the survey")),
            SelectChoice("no", _l("No: the survey is optional")),
        ]
        default_label = (
            _l("Default instrument (%(title)s)", title=default_instrument.title)
            if default_instrument
            else _l("Default instrument")
        )
        self.reaction_instrument.choices = [SelectChoice("", default_label)] + [
            SelectChoice(str(i.id), i.title) for i in instruments
        ]
