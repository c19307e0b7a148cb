"""Forms of the certificate pages. The look-up and filter forms are GET forms without CSRF."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length


class VerifyForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: it changes nothing

    number = StringField(
        _l("Certificate number"),
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
                   "maxlength": 60, "placeholder": "ELN-2026-7K3Q-9XPM-H4TD"},
    )  # fmt: skip


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField(
        _l("Search"), render_kw={"maxlength": 100, "autocomplete": "off", "spellcheck": "false"}
    )
    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice("", _l("All")),
            SelectChoice("valid", _l("Valid")),
            SelectChoice("revoked", _l("Revoked")),
        ],
        default="",
        validate_choice=False,
    )

    def value(self, name):
        return (getattr(self, name).data or "").strip()


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(message=_l("Give the reason for revoking the certificate.")),
            Length(max=500, message=_l("At most %(max)d characters.")),
        ],
        render_kw={"maxlength": 500, "rows": 3},
    )
