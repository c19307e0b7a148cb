"""Forms of the sign-in and password pages."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

# WTForms ships no Indonesian messages: give every validator ours.
REQUIRED = DataRequired(message=_l("Fill in this field."))
TOO_LONG = Length(max=254, message=_l("This is too long."))
VALID_EMAIL = Email(check_deliverability=False, message=_l("Enter a valid email address."))


class LoginForm(FlaskForm):
    identifier = StringField(
        _l("NIP or email"), validators=[REQUIRED, TOO_LONG],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )  # fmt: skip
    password = PasswordField(
        _l("Password"), validators=[REQUIRED],
        render_kw={"autocomplete": "current-password"},
    )  # fmt: skip
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


def _long_enough(_form, field):
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(field.data or "") < minimum:
        raise ValidationError(_l("Use at least %(n)d characters.", n=minimum))


class NewPasswordMixin:
    new_password = PasswordField(
        _l("New password"), validators=[REQUIRED, _long_enough, TOO_LONG],
        render_kw={"autocomplete": "new-password"},
    )  # fmt: skip
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[REQUIRED, EqualTo("new_password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[REQUIRED],
        render_kw={"autocomplete": "current-password"},
    )  # fmt: skip


class ResetRequestForm(FlaskForm):
    email = EmailField(
        _l("Email"), validators=[REQUIRED, VALID_EMAIL],
        render_kw={"autocomplete": "email"},
    )  # fmt: skip


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    pass
