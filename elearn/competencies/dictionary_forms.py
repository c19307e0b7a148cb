"""Forms of the admin's dictionary and standards pages (the rules live in the services)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SearchField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from ..forms import FilterForm
from ..tabular import upload_field
from .dictionary_import import DICTIONARY, KIND_LABELS, LEVELS, STANDARDS
from .dictionary_services import KINDS, CompetencyData


def _kind_choices(first=None):
    out = [SelectChoice("", first)] if first is not None else []
    return out + [SelectChoice(k.value, KIND_LABELS[k]) for k in KINDS]


class CompetencyForm(FlaskForm):
    code = StringField(
        _l("Code"),
        render_kw={"autocomplete": "off", "spellcheck": "false", "maxlength": 40},
    )
    name = StringField(_l("Name"), render_kw={"required": True, "maxlength": 150})
    kind = SelectField(_l("Kind"), choices=_kind_choices(), validate_choice=False)
    sector = StringField(
        _l("Sector (technical competencies)"), render_kw={"maxlength": 120, "list": "sectors"}
    )
    description = TextAreaField(_l("Definition"), render_kw={"rows": 3, "maxlength": 4000})
    level_1 = TextAreaField(_l("Level 1"), render_kw={"rows": 3, "maxlength": 4000})
    level_2 = TextAreaField(_l("Level 2"), render_kw={"rows": 3, "maxlength": 4000})
    level_3 = TextAreaField(_l("Level 3"), render_kw={"rows": 3, "maxlength": 4000})
    level_4 = TextAreaField(_l("Level 4"), render_kw={"rows": 3, "maxlength": 4000})
    level_5 = TextAreaField(_l("Level 5"), render_kw={"rows": 3, "maxlength": 4000})
    stamp = HiddenField()

    def __init__(self, *args, competency=None, stamp="0", **kwargs):
        if competency is not None:
            levels = {lv.level: lv.indicator for lv in competency.levels}
            for n in LEVELS:
                kwargs.setdefault(f"level_{n}", levels.get(n, ""))
            kwargs.setdefault("obj", competency)
            kwargs.setdefault("stamp", stamp)
        super().__init__(*args, **kwargs)

    def level_fields(self):
        return [getattr(self, f"level_{n}") for n in LEVELS]

    def to_data(self):
        return CompetencyData(
            name=self.name.data or "",
            kind=self.kind.data or "",
            code=self.code.data or "",
            sector=self.sector.data or "",
            description=self.description.data or "",
            indicators={n: getattr(self, f"level_{n}").data or "" for n in LEVELS},
        )

    def add_errors(self, errors):
        for name, message in errors.items():
            getattr(self, name).errors.append(message)


class DictionaryFilterForm(FilterForm):
    q = SearchField(
        _l("Search"),
        render_kw={"placeholder": _l("Name, code or definition"), "autocomplete": "off"},
    )
    kind = SelectField(_l("Kind"), default="")
    sector = SelectField(_l("Sector"), default="")
    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice("", _l("All")),
            SelectChoice("active", _l("Active")),
            SelectChoice("inactive", _l("Deactivated")),
        ],
        default="",
    )

    def __init__(self, formdata, sectors):
        super().__init__(formdata)
        self.kind.choices = _kind_choices(_l("All kinds"))
        self.sector.choices = [SelectChoice("", _l("All sectors"))] + [
            SelectChoice(s, s) for s in sectors
        ]


class MatrixFilterForm(FilterForm):
    kind = SelectField(_l("Competencies"), default="")

    def __init__(self, formdata):
        super().__init__(formdata)
        self.kind.choices = [SelectChoice("", _l("Managerial and socio-cultural"))] + [
            SelectChoice(k.value, KIND_LABELS[k]) for k in KINDS
        ]


class PositionFilterForm(FilterForm):
    q = SearchField(
        _l("Search"), render_kw={"placeholder": _l("Position or competency"), "autocomplete": "off"}
    )


class PositionStandardForm(FlaskForm):
    position = StringField(
        _l("Position (jabatan)"), render_kw={"required": True, "maxlength": 200, "list": "jobs"}
    )
    competency_id = SelectField(_l("Competency"), coerce=int, default=0, validate_choice=False)
    level = SelectField(
        _l("Required level"),
        coerce=int,
        choices=[SelectChoice(n, str(n)) for n in LEVELS],
        default=3,
        validate_choice=False,
    )

    def __init__(self, *args, competencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.competency_id.choices = [SelectChoice(0, _l("— choose —"))] + [
            SelectChoice(cid, label) for cid, label in competencies
        ]


class ImportForm(FlaskForm):
    what = RadioField(
        _l("The file holds"),
        choices=[
            SelectChoice(DICTIONARY, _l("Competencies (the dictionary)")),
            SelectChoice(STANDARDS, _l("Position standards")),
        ],
        default=DICTIONARY,
    )
    file = upload_field(
        _l("CSV or Excel file"),
        _l("Choose a CSV or Excel file."),
        ["csv", "txt", "xlsx"],
        _l("Choose a file ending in .csv or .xlsx."),
        accept=".csv,.xlsx,text/csv,"
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
