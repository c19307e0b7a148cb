"""Forms of the partner pages. The rules live in partners.py; forms check shape only, so that
an admin sees every problem at once."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SearchField, SelectField, StringField, TelField
from wtforms.fields.choices import SelectChoice

from ..admin.forms import CheckboxesField
from ..admin.services import ROLE_LABELS
from ..forms import FilterForm
from ..models import PartnerKind
from .partners import KIND_LABELS, PERSON_ROLES, PartnerData, PersonData


def _kind_choices(first=None):
    out = [SelectChoice("", first)] if first is not None else []
    return out + [SelectChoice(k.value, KIND_LABELS[k]) for k in PartnerKind]


class _Errors:
    def add_errors(self, errors):
        for name, message in errors.items():
            target = getattr(self, name, None) if name else None
            if target is None or not hasattr(target, "errors"):
                self.form_errors.append(message)
            else:
                target.errors = [*target.errors, message]


class PartnerForm(_Errors, FlaskForm):
    name = StringField(
        _l("Name of the organisation"),
        render_kw={"required": True, "maxlength": 200, "autocomplete": "off"},
    )
    kind = SelectField(
        _l("Kind"), choices=_kind_choices(), default=PartnerKind.UNIVERSITY.value,
        validate_choice=False,
    )  # fmt: skip
    contact_name = StringField(_l("Contact person"), render_kw={"maxlength": 200})
    contact_email = EmailField(
        _l("Contact email"),
        render_kw={"maxlength": 254, "autocapitalize": "none", "spellcheck": "false"},
    )
    contact_phone = TelField(_l("Contact phone"), render_kw={"maxlength": 40, "inputmode": "tel"})
    active = BooleanField(
        _l("Active partner (offered for new courses and activities)"), default=True
    )

    def to_data(self):
        return PartnerData(
            name=self.name.data or "",
            kind=self.kind.data or "",
            contact_name=self.contact_name.data or "",
            contact_email=self.contact_email.data or "",
            contact_phone=self.contact_phone.data or "",
            active=bool(self.active.data),
        )


class PartnerFilterForm(FilterForm):
    q = SearchField(
        _l("Search"),
        render_kw={"placeholder": _l("Name or contact"), "autocomplete": "off", "maxlength": 100},
    )
    kind = SelectField(_l("Kind"), choices=_kind_choices(_l("All kinds")), default="")
    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice("", _l("All")),
            SelectChoice("active", _l("Active")),
            SelectChoice("inactive", _l("Deactivated")),
        ],
        default="",
    )


class PartnerPersonForm(_Errors, FlaskForm):
    full_name = StringField(
        _l("Full name"), render_kw={"required": True, "maxlength": 200, "autocomplete": "off"}
    )
    email = EmailField(
        _l("Email"),
        render_kw={"required": True, "maxlength": 254, "autocomplete": "off",
                   "autocapitalize": "none", "spellcheck": "false"},
    )  # fmt: skip
    roles = CheckboxesField(
        _l("Roles"),
        choices=[SelectChoice(r.value, ROLE_LABELS[r]) for r in PERSON_ROLES],
        default=[PERSON_ROLES[0].value],
        validate_choice=False,  # partners.add_person says what is wrong, with the other fields
    )
    send_link = BooleanField(_l("Mail the password setup link now"), default=True)

    def to_data(self):
        return PersonData(
            full_name=self.full_name.data or "",
            email=self.email.data or "",
            roles=list(self.roles.data or []),
        )
