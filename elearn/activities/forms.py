"""Forms of the activity pages and of the kinds editor. Values are parsed here, leniently (a
date that is not one is empty, 1,5 is one and a half); the rules and their messages live in
services.py, so that a refused value is named in the user's language."""

from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice

from ..forms import FilterForm
from ..models import ActivitySource, ActivityStatus, DurationUnit
from .evidence import ACCEPT
from .kinds import kind_label
from .services import (
    NAME_MAX,
    NOTE_MAX,
    ORGANISER_NAME,
    ORGANISER_PARTNER,
    ORGANISER_UNIT,
    REFLECTION_MAX,
    SOURCE_LABELS,
    STATUS_LABELS,
    TITLE_MAX,
    ActivityInput,
    KindInput,
)

NOT_A_NUMBER = -1  # refused by the services like a negative number


def _int(value):
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _clip(limit):
    """Keep at most `limit` characters of a posted text: longer is refused by the service
    with a message, and a page shown again must not echo a megabyte back."""

    def clip(value):
        return value[:limit] if isinstance(value, str) else value

    return clip


def parse_date(text):
    """An ISO date (what <input type=date> sends), else None."""
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def parse_amount(text):
    """A duration as typed: "2", "1,5" or "1.5" -> Decimal; empty -> None; anything else a
    negative Decimal (refused as "not a number greater than 0")."""
    text = (text or "").strip().replace(" ", "")
    if not text:
        return None
    if "," in text and "." in text:  # 1.234,5 (Indonesian) or 1,234.5 (English)
        text = (
            text.replace(".", "").replace(",", ".")
            if text.rfind(",") > text.rfind(".")
            else (text.replace(",", ""))
        )
    else:
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return Decimal(NOT_A_NUMBER)
    return value if value.is_finite() else Decimal(NOT_A_NUMBER)


def parse_number(text):
    """A whole number as typed; empty -> None; anything else -1."""
    text = (text or "").strip()
    if not text:
        return None
    value = _int(text)
    return NOT_A_NUMBER if value is None else value


class ActivityForm(FlaskForm):
    revision = HiddenField()
    action = HiddenField()  # the pressed button's value comes with the same name
    kind_id = SelectField(_l("Kind of activity"), coerce=_int, validate_choice=False, choices=[])
    title = StringField(
        _l("Title"),
        filters=[_clip(1000)],
        render_kw={"maxlength": TITLE_MAX, "autocomplete": "off"},
    )
    organiser = RadioField(
        _l("Organised by"),
        choices=[
            SelectChoice(ORGANISER_UNIT, _l("A unit of the agency")),
            SelectChoice(ORGANISER_PARTNER, _l("A partner organisation")),
            SelectChoice(ORGANISER_NAME, _l("Another organiser")),
        ],
        validate_choice=False,
    )
    organiser_unit_id = SelectField(_l("Unit"), coerce=_int, validate_choice=False, choices=[])
    partner_id = SelectField(_l("Partner"), coerce=_int, validate_choice=False, choices=[])
    organiser_name = StringField(
        _l("Name of the organiser"),
        filters=[_clip(1000)],
        render_kw={"maxlength": NAME_MAX, "autocomplete": "off"},
    )
    start_date = StringField(_l("First day"), render_kw={"type": "date"})
    end_date = StringField(_l("Last day"), render_kw={"type": "date"})
    duration_amount = StringField(
        _l("Duration"),
        filters=[_clip(20)],
        render_kw={"inputmode": "decimal", "autocomplete": "off", "maxlength": 8},
    )
    duration_unit = RadioField(
        _l("Counted in"),
        choices=[
            SelectChoice(DurationUnit.DAY.value, _l("days")),
            SelectChoice(DurationUnit.HOUR.value, _l("hours")),
        ],
        default=DurationUnit.DAY.value,
        validate_choice=False,
    )
    competency_ids = SelectMultipleField(
        _l("Competencies exercised (optional, at most 5)"),
        coerce=_int,
        validate_choice=False,
        choices=[],
    )
    reflection = TextAreaField(
        _l("Reflection"),
        filters=[_clip(REFLECTION_MAX * 3)],
        render_kw={"rows": 5, "maxlength": REFLECTION_MAX},
    )
    evidence = MultipleFileField(
        _l("Files: certificate, letter, photos (optional)"),
        render_kw={"multiple": True, "accept": ACCEPT},
    )
    remove_evidence = SelectMultipleField(
        _l("Remove files"), coerce=_int, validate_choice=False, choices=[]
    )
    save_anyway = BooleanField(_l("Save anyway: this is another activity"))

    def revision_value(self):
        value = _int(self.revision.data)
        return -1 if value is None else value

    def set_choices(self, kinds, units, partners, competencies, evidence=()):
        self.kind_id.choices = [SelectChoice("", _l("Choose the kind"))] + [
            SelectChoice(k.id, kind_label(k)) for k in kinds
        ]
        self.organiser_unit_id.choices = [SelectChoice("", _l("Choose a unit"))] + [
            SelectChoice(u.id, "\u00a0\u00a0\u00a0" * depth + u.name) for u, depth in units
        ]
        self.partner_id.choices = [SelectChoice("", _l("Choose a partner"))] + [
            SelectChoice(p.id, p.name) for p in partners
        ]
        self.competency_ids.choices = [SelectChoice(cid, name) for cid, name, _kind in competencies]
        self.remove_evidence.choices = [SelectChoice(e.id, e.filename) for e in evidence]

    def fill(self, activity):
        """Show a stored activity in the form (its edit page)."""
        self.revision.data = activity.revision
        self.kind_id.data = activity.kind_id
        self.title.data = activity.title
        if activity.partner_id is not None:
            self.organiser.data = ORGANISER_PARTNER
        elif activity.organiser_unit_id is not None:
            self.organiser.data = ORGANISER_UNIT
        else:
            self.organiser.data = ORGANISER_NAME
        self.organiser_unit_id.data = activity.organiser_unit_id
        self.partner_id.data = activity.partner_id
        self.organiser_name.data = activity.organiser_name
        self.start_date.data = activity.start_date.isoformat()
        self.end_date.data = activity.end_date.isoformat()
        amount = Decimal(activity.duration_amount).normalize()
        self.duration_amount.data = format(amount, "f").replace(".", ",")
        self.duration_unit.data = activity.duration_unit
        self.competency_ids.data = [c.id for c in activity.competencies]
        self.reflection.data = activity.reflection

    def to_input(self):
        return ActivityInput(
            kind_id=self.kind_id.data,
            title=self.title.data or "",
            organiser=self.organiser.data or "",
            organiser_unit_id=self.organiser_unit_id.data,
            partner_id=self.partner_id.data,
            organiser_name=self.organiser_name.data or "",
            start_date=parse_date(self.start_date.data),
            end_date=parse_date(self.end_date.data),
            amount=parse_amount(self.duration_amount.data),
            unit=self.duration_unit.data or "",
            reflection=self.reflection.data or "",
            competency_ids=[i for i in self.competency_ids.data or () if i],
            save_anyway=bool(self.save_anyway.data),
            remove_evidence=[i for i in self.remove_evidence.data or () if i],
        )

    def show_errors(self, errors):
        """Put the services' {field: message} on the fields; the rest are returned."""
        rest = []
        for name, message in errors.items():
            f = getattr(self, name, None)
            if f is not None and name != "save_anyway":
                f.errors = [*list(f.errors or []), str(message)]
            else:
                rest.append(message)
        return rest


class ActionForm(FlaskForm):
    """A bare button on an activity (withdraw): CSRF and the revision."""

    revision = HiddenField()

    def revision_value(self):
        value = _int(self.revision.data)
        return -1 if value is None else value


class DecisionForm(ActionForm):
    action = HiddenField()
    note = TextAreaField(
        _l("Reason or note to the person"),
        filters=[_clip(NOTE_MAX * 3)],
        render_kw={"rows": 3, "maxlength": NOTE_MAX},
    )


class ReviewFilterForm(FilterForm):
    status = SelectField(_l("Status"), default=ActivityStatus.PENDING.value)
    unit = SelectField(_l("Unit (with sub-units)"), coerce=_int, default=0)
    decider = SelectField(
        _l("Who decides"),
        default="",
        choices=[
            SelectChoice("", _l("Anyone: every activity in my scope")),
            SelectChoice("me", _l("Me: only the activities I decide")),
        ],
    )

    def __init__(self, formdata, units):
        super().__init__(formdata)
        self.status.choices = [SelectChoice(k.value, v) for k, v in STATUS_LABELS.items()]
        self.unit.choices = [SelectChoice(0, _l("All units"))] + [
            SelectChoice(u.id, "\u00a0\u00a0\u00a0" * depth + u.name) for u, depth in units
        ]


class _NumberField(StringField):
    """A whole number kept as typed, so that a wrong value is shown back as typed."""

    def number(self):
        return parse_number(self.data)


def _number(label):
    return _NumberField(
        label,
        filters=[_clip(12)],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 5},
    )


class KindForm(FlaskForm):
    code = StringField(
        _l("Code"),
        filters=[_clip(100)],
        render_kw={
            "maxlength": 40,
            "autocomplete": "off",
            "spellcheck": "false",
            "autocapitalize": "none",
        },
    )
    name = StringField(_l("Name (Indonesian)"), filters=[_clip(400)], render_kw={"maxlength": 120})
    name_en = StringField(
        _l("Name in English (optional)"), filters=[_clip(400)], render_kw={"maxlength": 120}
    )
    source = SelectField(
        _l("Part of the 10:20:70 model"),
        choices=[SelectChoice(k.value, v) for k, v in SOURCE_LABELS.items()],
        default=ActivitySource.FORMAL.value,
        validate_choice=False,
    )
    jp_per_day = _number(_l("JP per day"))
    cap_per_activity = _number(_l("At most, JP per activity"))
    cap_per_year = _number(_l("At most, JP per person and year"))
    siasn_type_id = _number(_l("SIASN course-type id (jenisDiklatId)"))
    siasn_certificate_kind = StringField(
        _l("SIASN certificate kind (jenisKursusSertipikat)"),
        filters=[_clip(40)],
        render_kw={"maxlength": 4, "autocomplete": "off"},
    )
    position = _number(_l("Order in the list"))
    active = BooleanField(_l("Offered to people recording an activity"), default=True)

    def fill(self, kind):
        self.code.data = kind.code
        self.name.data = kind.name
        self.name_en.data = kind.name_en
        self.source.data = kind.source
        for name in ("jp_per_day", "cap_per_activity", "cap_per_year", "siasn_type_id"):
            value = getattr(kind, name)
            getattr(self, name).data = "" if value is None else str(value)
        self.position.data = str(kind.position)
        self.siasn_certificate_kind.data = kind.siasn_certificate_kind
        self.active.data = kind.active

    def to_input(self):
        return KindInput(
            code=self.code.data or "",
            name=self.name.data or "",
            name_en=self.name_en.data or "",
            source=self.source.data or "",
            jp_per_day=self.jp_per_day.number(),
            cap_per_activity=self.cap_per_activity.number(),
            cap_per_year=self.cap_per_year.number(),
            siasn_type_id=self.siasn_type_id.number(),
            siasn_certificate_kind=self.siasn_certificate_kind.data or "",
            position=self.position.number(),
            active=bool(self.active.data),
        )

    def show_errors(self, errors):
        for name, message in errors.items():
            f = getattr(self, name, None)
            if f is not None:
                f.errors = [str(message)]
