"""Forms of the authoring pages. They check shape; the package validator checks the course."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from ..forms import EmptyForm
from . import sourcefmt as fmt

REQUIRED = _l("This field is required.")


def _choices(pairs):
    return [SelectChoice(value, label) for value, label in pairs]


LEVEL_CHOICES = [
    ("", _l("Not stated")),
    ("dasar", _l("Basic")),
    ("menengah", _l("Intermediate")),
    ("lanjut", _l("Advanced")),
]
KIND_CHOICES = [
    ("teknis", _l("Technical")),
    ("manajerial", _l("Managerial")),
    ("sosial_kultural", _l("Socio-cultural")),
]
COMPETENCY_LEVELS = [("", _l("No target level"))] + [(str(n), str(n)) for n in range(1, 6)]
LANGUAGE_CHOICES = [("id", "Bahasa Indonesia"), ("en", "English")]
QUESTION_TYPE_LABELS = {
    "single": _l("Single choice"),
    "multiple": _l("Multiple answers"),
    "true_false": _l("True or false"),
    "short": _l("Short answer"),
    "numeric": _l("Numeric answer"),
}
SHOW_ANSWERS_CHOICES = [
    ("after_submit", _l("After each submission")),
    ("after_pass", _l("After passing")),
    ("after_last_attempt", _l("After passing or the last attempt")),
    ("never", _l("Never show them")),
]
SCORING_CHOICES = [
    ("all_or_nothing", _l("All or nothing")),
    ("partial", _l("Partial credit on multiple-answer questions")),
]


def _int(label, low, high, default=None, required=True):
    validators = [InputRequired(message=REQUIRED)] if required else [Optional()]
    validators.append(
        NumberRange(
            low,
            high,
            message=_l("Enter a whole number from %(low)d to %(high)d.", low=low, high=high),
        )
    )
    return IntegerField(
        label,
        validators=validators,
        default=default,
        render_kw={"inputmode": "numeric", "min": low, "max": high},
    )


def _text(label, max_len, required=True, **render_kw):
    validators = [InputRequired(message=REQUIRED)] if required else [Optional()]
    validators.append(Length(max=max_len, message=_l("At most %(max)d characters.", max=max_len)))
    return StringField(label, validators=validators, render_kw={"maxlength": max_len, **render_kw})


def _slug_check(_form, field):
    if field.data and not fmt.valid_slug(field.data):
        raise ValidationError(_l("Use lower-case letters, digits and hyphens, e.g. etika-asn."))


def _slug(label):
    return StringField(
        label,
        validators=[Optional(), Length(max=100), _slug_check],
        filters=[lambda v: (v or "").strip()],
        render_kw={
            "maxlength": 100,
            "autocomplete": "off",
            "spellcheck": "false",
            "autocapitalize": "none",
        },
    )


class EditForm(FlaskForm):
    """An edit form remembers what it was loaded with, to notice changes made meanwhile."""

    revision = HiddenField()
    fingerprint = HiddenField()

    def expected(self):
        try:
            return int(self.revision.data or 0), self.fingerprint.data or ""
        except ValueError:
            return 0, ""


# Courses -----------------------------------------------------------------------------------------
class CompetencyForm(Form):
    name = _text(_l("Competency"), 150, required=False)
    kind = SelectField(_l("Kind"), choices=_choices(KIND_CHOICES), default="teknis")
    level = SelectField(_l("Target level"), choices=_choices(COMPETENCY_LEVELS), default="")


def competency_rows(form, extra=2, minimum=3):
    while len(form.competencies.entries) < max(minimum, _filled(form.competencies) + extra):
        form.competencies.append_entry()


def _filled(field_list):
    return sum(1 for e in field_list.entries if (e.form.name.data or "").strip())


def competencies_data(form):
    out = []
    for entry in form.competencies.entries:
        name = fmt.one_line(entry.form.name.data)
        if name:
            level = entry.form.level.data
            out.append(
                {"name": name, "kind": entry.form.kind.data, "level": int(level) if level else None}
            )
    return out


class NewCourseForm(FlaskForm):
    slug = StringField(
        _l("Course address (optional)"),
        validators=[Optional(), Length(max=100), _slug_check],
        filters=[lambda v: (v or "").strip()],
        render_kw={
            "maxlength": 100,
            "autocomplete": "off",
            "spellcheck": "false",
            "autocapitalize": "none",
        },
    )
    title = _text(_l("Title"), 200)
    summary = TextAreaField(
        _l("Summary"),
        validators=[InputRequired(message=REQUIRED), Length(max=1000)],
        render_kw={"rows": 2, "maxlength": 1000},
    )
    jp = _int(_l("Learning hours (JP)"), 1, 1000, default=2)
    level = SelectField(_l("Level"), choices=_choices(LEVEL_CHOICES), default="")
    category = _text(_l("Category"), 100, required=False)
    competencies = FieldList(FormField(CompetencyForm), min_entries=3, max_entries=30)

    def data_for_package(self):
        return {
            "slug": self.slug.data,
            "title": self.title.data,
            "summary": self.summary.data,
            "jp": self.jp.data,
            "level": self.level.data,
            "language": "id",
            "category": self.category.data or "",
            "competencies": competencies_data(self),
        }


class CourseSettingsForm(EditForm):
    title = _text(_l("Title"), 200)
    summary = TextAreaField(
        _l("Summary"),
        validators=[InputRequired(message=REQUIRED), Length(max=1000)],
        render_kw={"rows": 2, "maxlength": 1000},
    )
    description = TextAreaField(_l("Description (Markdown)"), render_kw={"rows": 8})
    jp = _int(_l("Learning hours (JP)"), 1, 1000)
    level = SelectField(_l("Level"), choices=_choices(LEVEL_CHOICES), default="")
    language = SelectField(_l("Language"), choices=_choices(LANGUAGE_CHOICES), default="id")
    version = _text(_l("Version label"), 50, required=False)
    category = _text(_l("Category"), 100, required=False)
    authors = TextAreaField(_l("Authors"), render_kw={"rows": 3})
    competencies = FieldList(FormField(CompetencyForm), min_entries=1, max_entries=30)

    @classmethod
    def from_data(cls, data, **kwargs):
        form = cls(
            data={
                **{
                    k: data.get(k)
                    for k in (
                        "title",
                        "summary",
                        "description",
                        "jp",
                        "level",
                        "language",
                        "version",
                        "category",
                    )
                },
                "authors": "\n".join(data.get("authors") or []),
                "competencies": [
                    {
                        "name": c["name"],
                        "kind": c["kind"],
                        "level": str(c["level"]) if c.get("level") else "",
                    }
                    for c in data.get("competencies") or []
                ],
            },
            **kwargs,
        )
        return form

    def data_for_package(self):
        return {
            "title": self.title.data,
            "summary": self.summary.data,
            "description": self.description.data or "",
            "jp": self.jp.data,
            "level": self.level.data,
            "language": self.language.data,
            "version": self.version.data or "",
            "category": self.category.data or "",
            "authors": [a.strip() for a in (self.authors.data or "").splitlines() if a.strip()],
            "competencies": competencies_data(self),
        }


# Modules, lessons, quizzes -----------------------------------------------------------------------
class ModuleForm(EditForm):
    title = _text(_l("Title"), 200)
    slug = _slug(_l("Short address"))
    summary = TextAreaField(_l("Summary"), render_kw={"rows": 3})


class LessonForm(EditForm):
    title = _text(_l("Title"), 200)
    slug = _slug(_l("Short address"))
    duration = _int(_l("Study time (minutes)"), 1, 24 * 60, default=10)
    required = BooleanField(_l("Required for completion"), default=True)
    body = TextAreaField(_l("Text (Markdown)"), render_kw={"rows": 18, "spellcheck": "true"})

    def values(self):
        return {
            "title": self.title.data,
            "slug": self.slug.data,
            "duration": self.duration.data,
            "required": self.required.data,
            "body": self.body.data or "",
        }


class QuizForm(EditForm):
    title = _text(_l("Title"), 200)
    slug = _slug(_l("Short address"))
    pass_mark = _int(_l("Pass mark (percent)"), 0, 100, default=70)
    attempts = _int(_l("Attempts allowed (0 = unlimited)"), 0, 1000, default=0)
    time_limit = _int(_l("Time limit in minutes (0 = none)"), 0, 24 * 60, default=0)
    draw = _int(_l("Questions drawn per attempt (0 = all)"), 0, 10_000, default=0)
    shuffle_questions = BooleanField(_l("Shuffle the questions"))
    shuffle_options = BooleanField(_l("Shuffle the options"))
    show_answers = SelectField(
        _l("Show the correct answers"),
        choices=_choices(SHOW_ANSWERS_CHOICES),
        default="after_submit",
    )
    scoring = SelectField(
        _l("Scoring"), choices=_choices(SCORING_CHOICES), default="all_or_nothing"
    )
    required = BooleanField(_l("Required for completion"), default=True)
    intro = TextAreaField(_l("Introduction (Markdown)"), render_kw={"rows": 4})

    def values(self):
        keys = (
            "title",
            "pass_mark",
            "attempts",
            "time_limit",
            "draw",
            "shuffle_questions",
            "shuffle_options",
            "show_answers",
            "scoring",
            "required",
        )
        out = {k: getattr(self, k).data for k in keys}
        out["intro"] = self.intro.data or ""
        return out


class OptionForm(Form):
    text = StringField(_l("Option"), render_kw={"maxlength": 1000})
    correct = BooleanField(_l("Correct"))


class QuestionForm(EditForm):
    text = StringField(
        _l("Question"),
        validators=[InputRequired(message=REQUIRED), Length(max=1000)],
        render_kw={"maxlength": 1000},
    )
    key = StringField(
        _l("Question id"),
        validators=[Optional(), Length(max=100)],
        filters=[lambda v: (v or "").strip()],
        render_kw={"maxlength": 100, "autocomplete": "off", "spellcheck": "false"},
    )
    type = SelectField(
        _l("Type"), choices=_choices(list(QUESTION_TYPE_LABELS.items())), default="single"
    )
    points = _int(_l("Points"), 1, 1000, default=1)
    body = TextAreaField(
        _l("More text, images or a table (Markdown, optional)"), render_kw={"rows": 3}
    )
    options = FieldList(FormField(OptionForm), min_entries=4, max_entries=50)
    tf_answer = RadioField(
        _l("The statement is"),
        choices=_choices([("true", _l("True")), ("false", _l("False"))]),
        validate_choice=False,
    )
    accepted = TextAreaField(_l("Accepted answers, one per line"), render_kw={"rows": 3})
    value = StringField(_l("Correct number"), render_kw={"inputmode": "decimal", "maxlength": 40})
    tolerance = StringField(
        _l("Tolerance (±, optional)"), render_kw={"inputmode": "decimal", "maxlength": 40}
    )
    explanation = TextAreaField(
        _l("Explanation shown after submission (Markdown, optional)"), render_kw={"rows": 3}
    )

    def add_blank_options(self, extra=2, minimum=4):
        filled = sum(1 for e in self.options.entries if (e.form.text.data or "").strip())
        while len(self.options.entries) < max(minimum, filled + extra):
            self.options.append_entry()

    def values(self):
        return {
            "text": self.text.data,
            "key": self.key.data,
            "type": self.type.data,
            "points": self.points.data,
            "body": self.body.data or "",
            "options": [
                {"text": e.form.text.data or "", "correct": e.form.correct.data}
                for e in self.options.entries
            ],
            "tf_answer": self.tf_answer.data or "",
            "accepted": self.accepted.data or "",
            "value": self.value.data or "",
            "tolerance": self.tolerance.data or "",
            "explanation": self.explanation.data or "",
        }


class NewQuestionForm(FlaskForm):
    """Choose the type of a new question (GET: nothing changes)."""

    class Meta:
        csrf = False

    type = SelectField(
        _l("Type of the new question"), choices=_choices(list(QUESTION_TYPE_LABELS.items()))
    )


class PreviewForm(FlaskForm):
    text = TextAreaField()
    base = HiddenField()


# Files, owners, packages -------------------------------------------------------------------------
class UploadForm(FlaskForm):
    file = FileField(_l("Image or attachment"), validators=[FileRequired(message=REQUIRED)])
    folder = SelectField(_l("Folder"), validate_choice=True)
    next = HiddenField()


class PathForm(EmptyForm):
    path = HiddenField()


class MoveForm(EmptyForm):
    direction = StringField()

    def value(self):
        return self.direction.data if self.direction.data in ("up", "down") else None


class OwnerForm(FlaskForm):
    who = _text(_l("NIP or email of the instructor"), 254, autocomplete="off")


class ImportForm(FlaskForm):
    file = FileField(
        _l("Course package, Markdown folder (.zip) or Word document (.docx)"),
        validators=[FileRequired(message=REQUIRED)],
    )
    action = StringField()


class ExamForm(EmptyForm):
    role = StringField()


class SiasnTypeForm(FlaskForm):
    """The course's SIASN course type (jenisDiklatId), or the instance's default (0)."""

    siasn_type_id = SelectField(_l("SIASN course type"), coerce=int, default=0)

    def set_choices(self, types, default_label):
        self.siasn_type_id.choices = _choices(
            [(0, _l("Instance default: %(type)s", type=default_label)), *types]
        )


class CoOrganiserForm(FlaskForm):
    """The partner co-organising a course, or none (0)."""

    # Only the offered choices are accepted (an id typed by hand is "Not a valid choice").
    partner_id = SelectField(_l("Co-organiser"), coerce=int, default=0)

    def set_choices(self, partners):
        self.partner_id.choices = _choices(
            [(0, _l("None: the agency organises it alone")), *partners]
        )
