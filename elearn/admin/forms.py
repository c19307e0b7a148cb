"""Forms of the admin pages. The rules live in services.py; forms check shape only."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import FilterForm
from ..models import EmployeeType, Role
from ..tabular import upload_field
from .services import (
    EMPLOYEE_TYPE_LABELS,
    ROLE_LABELS,
    UserData,
    position_kind_choices,
    supervisor_choices,
    unit_choices,
)


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes (rendered by admin/_fields.html:checkbox_group)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _choices(pairs):
    return [SelectChoice(value, label) for value, label in pairs]


def _role_choices():
    return _choices((role.value, ROLE_LABELS[role]) for role in Role)


class UserForm(FlaskForm):
    # No validators here: services.py checks every field at once (so that an admin sees all
    # problems in one go, NIP and email included) and the CSV import applies the same rules.
    nip = StringField(
        _l("NIP"),
        render_kw={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false",
                   "maxlength": 30},
    )  # fmt: skip
    full_name = StringField(
        _l("Full name"), render_kw={"autocomplete": "off", "required": True, "maxlength": 200}
    )
    email = EmailField(
        _l("Email"),
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false",
                   "required": True, "maxlength": 254},
    )  # fmt: skip
    employee_type = SelectField(
        _l("Employee type"),
        choices=_choices((t.value, EMPLOYEE_TYPE_LABELS[t]) for t in EmployeeType),
        default=EmployeeType.PNS.value,
    )
    unit_id = SelectField(_l("Unit"), coerce=int, default=0, validate_choice=False)
    position = StringField(_l("Position (jabatan)"), render_kw={"maxlength": 200})
    position_kind = SelectField(_l("Position kind"), default="", validate_choice=False)
    grade = StringField(
        _l("Grade (golongan)"),
        render_kw={"autocomplete": "off", "spellcheck": "false", "maxlength": 10},
    )
    supervisor_id = SelectField(
        _l("Direct supervisor (atasan langsung)"), coerce=int, default=0, validate_choice=False
    )
    supervisor_nip = StringField(
        _l("…or the NIP of the direct supervisor"),
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 30},
    )
    roles = CheckboxesField(_l("Roles"), choices=_role_choices, default=[Role.LEARNER.value])
    supervised_ids = SelectMultipleField(
        _l("Supervised units"), coerce=int, default=[], validate_choice=False
    )
    active = BooleanField(_l("Active account (may sign in)"), default=True)

    def __init__(self, *args, user=None, **kwargs):
        if user is not None:
            kwargs.setdefault("obj", user)
            kwargs.setdefault("supervised_ids", [u.id for u in user.supervised])
        super().__init__(*args, **kwargs)
        units = unit_choices()
        self.unit_id.choices = _choices([(0, _l("— no unit —")), *units])
        self.supervised_ids.choices = _choices(units)
        self.position_kind.choices = _choices([("", _l("— not set —")), *position_kind_choices()])
        supervisors = supervisor_choices(include_id=user.supervisor_id if user else None)
        self.supervisor_id.choices = _choices([(0, _l("— none —")), *supervisors])

    def to_data(self):
        return UserData(
            nip=self.nip.data or "",
            full_name=self.full_name.data or "",
            email=self.email.data or "",
            employee_type=self.employee_type.data,
            unit_id=self.unit_id.data or None,
            position=self.position.data or "",
            position_kind=self.position_kind.data or "",
            grade=self.grade.data or "",
            supervisor_id=self.supervisor_id.data or None,
            supervisor_nip=self.supervisor_nip.data or "",
            roles=list(self.roles.data or []),
            supervised_ids=list(self.supervised_ids.data or []),
            active=bool(self.active.data),
        )

    def add_errors(self, errors):
        for name, message in errors.items():
            getattr(self, name).errors.append(message)


class UserFilterForm(FilterForm):
    """The filters above the list of people."""

    q = SearchField(
        _l("Search"),
        render_kw={"placeholder": _l("Name, NIP or email"), "autocomplete": "off"},
    )
    unit = SelectField(_l("Unit (with sub-units)"), coerce=int, default=0)
    role = SelectField(_l("Role"), default="")
    status = SelectField(
        _l("Status"),
        choices=_choices(
            [
                ("", _l("All")),
                ("active", _l("Active")),
                ("not_activated", _l("Not activated yet")),
                ("inactive", _l("Deactivated")),
            ]
        ),
        default="",
    )

    def __init__(self, formdata, units):
        super().__init__(formdata)
        self.unit.choices = _choices([(0, _l("All units")), *units])
        self.role.choices = [SelectChoice("", _l("All roles")), *_role_choices()]


class UnitForm(FlaskForm):
    # Checked by services.py, like the user form.
    name = StringField(_l("Name"), render_kw={"required": True, "maxlength": 200})
    code = StringField(
        _l("Code"),
        render_kw={"autocapitalize": "characters", "spellcheck": "false", "autocomplete": "off",
                   "required": True, "maxlength": 50},
    )  # fmt: skip
    parent_id = SelectField(_l("Parent unit"), coerce=int, default=0, validate_choice=False)

    def __init__(self, *args, unit=None, **kwargs):
        if unit is not None:
            kwargs.setdefault("obj", unit)
        super().__init__(*args, **kwargs)
        # A unit cannot go under itself or its own sub-units: leave those out of the list.
        self.parent_id.choices = _choices([(0, _l("— top level —")), *unit_choices(exclude=unit)])

    def add_errors(self, errors):
        for name, message in errors.items():
            getattr(self, name).errors.append(message)


class ImportForm(FlaskForm):
    file = upload_field(
        _l("CSV file"),
        _l("Choose a CSV file."),
        ["csv", "txt"],
        _l("Choose a file ending in .csv."),
        accept=".csv,text/csv",
    )


class SetupLinksForm(FlaskForm):
    """Prepare setup links for everyone who has not activated their account yet."""

    resend = BooleanField(
        _l("Also people who already received a link"),
        description=_l("Their earlier link may have expired: they receive a new one."),
    )
