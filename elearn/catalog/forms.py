"""The catalog's filter form (GET: no CSRF, nothing changes)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SearchField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from ..models import CompetencyKind, CourseLevel
from .services import KIND_LABELS, LEVEL_LABELS, OWN_AGENCY, CatalogFilters


class CatalogFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField(
        _l("Search"),
        render_kw={"placeholder": _l("Title or summary"), "autocomplete": "off", "maxlength": 100},
    )
    competency = SelectField(_l("Competency"), coerce=int, default=0)
    kind = SelectField(_l("Competency kind"), default="")
    level = SelectField(_l("Level"), default="")
    category = SelectField(_l("Category"), default="")
    jp_min = IntegerField(
        _l("JP from"),
        validators=[Optional(), NumberRange(min=0, max=1000)],
        render_kw={"min": 0, "max": 1000, "inputmode": "numeric"},
    )
    jp_max = IntegerField(
        _l("JP to"),
        validators=[Optional(), NumberRange(min=0, max=1000)],
        render_kw={"min": 0, "max": 1000, "inputmode": "numeric"},
    )

    organiser = SelectField(_l("Organiser"), default="")

    def __init__(self, formdata, competencies, categories, organisers=()):
        super().__init__(formdata)
        self.organiser.choices = [
            SelectChoice("", _l("All organisers")),
            SelectChoice(OWN_AGENCY, _l("Own agency")),
            *(SelectChoice(str(pid), name) for pid, name in organisers),
        ]
        self.competency.choices = [
            SelectChoice(0, _l("All competencies")),
            *(
                SelectChoice(cid, f"{name} ({KIND_LABELS.get(kind, kind)})")
                for cid, name, kind in competencies
            ),
        ]
        self.kind.choices = [
            SelectChoice("", _l("All kinds")),
            *(SelectChoice(k.value, KIND_LABELS[k]) for k in CompetencyKind),
        ]
        self.level.choices = [
            SelectChoice("", _l("All levels")),
            *(SelectChoice(v.value, LEVEL_LABELS[v]) for v in CourseLevel),
        ]
        self.category.choices = [
            SelectChoice("", _l("All categories")),
            *(SelectChoice(c, c) for c in categories),
        ]

    def _value(self, name):
        f = getattr(self, name)
        if f.errors or f.process_errors or f.data in (None, "", 0):
            return None
        if hasattr(f, "choices") and f.data not in {c.value for c in f.choices}:
            return None
        return f.data

    def filters(self, jp_exact=None):
        """The valid filters; `jp_exact` (the ?jp= shorthand) sets both ends of the range.

        Invalid values are ignored (and shown as errors next to their field)."""
        self.validate()
        jp_min, jp_max = self._value("jp_min"), self._value("jp_max")
        if self.jp_min.data == 0 and not self.jp_min.errors:
            jp_min = 0
        if jp_exact is not None:
            jp_min = jp_max = jp_exact
        return CatalogFilters(
            search=(self.q.data or "").strip()[:100],
            competency_id=self._value("competency"),
            kind=self._value("kind"),
            level=self._value("level"),
            category=self._value("category"),
            jp_min=jp_min,
            jp_max=jp_max,
            organiser=self._organiser(),
        )

    def _organiser(self):
        value = self._value("organiser")
        if value is None or value == OWN_AGENCY:
            return value
        return int(value)  # one of the choices: a partner's id
