"""Admin pages of the API tokens: the list, issuing one (its secret shown once), revoking.

The services (issue, revoke, audit) live in elearn/api/tokens.py; these views parse the form,
call them and commit. The secret is never stored, flashed or put in the session: the page that
answers the form shows it once and is not cached.
"""

from flask import current_app, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from ..api.tokens import issue_token, revoke_token
from ..auth.decorators import role_required
from ..auth.services import find_account
from ..extensions import db
from ..forms import EmptyForm
from ..models.api_token import SCOPES, ApiToken
from ..timeutil import as_utc, utcnow
from . import bp
from .forms import CheckboxesField

SCOPE_LABELS = {
    "reports:read": _l("Read reports"),
    "people:sync": _l("Synchronise people"),
}
VALIDITY_DAYS = (30, 90, 180, 365)


def scope_label(scope):
    return SCOPE_LABELS.get(scope, scope)


def token_state(token, now):
    """'revoked', 'expired' or 'active'."""
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and as_utc(token.expires_at) <= now:
        return "expired"
    return "active"


class ApiTokenForm(FlaskForm):
    """A new token: for a person (found by NIP or email) or for a named service."""

    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(message=_l("Fill in this field.")),
            Length(max=100, message=_l("At most %(max)d characters.")),
        ],
        render_kw={"maxlength": 100, "autocomplete": "off"},
    )
    kind = RadioField(
        _l("The token is for"),
        choices=[
            SelectChoice("personal", _l("A person (sees what that person sees)")),
            SelectChoice("service", _l("A service (another application)")),
        ],
        default="personal",
    )
    owner = StringField(
        _l("The person's NIP or email"),
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none",
                   "maxlength": 254},
    )  # fmt: skip
    service_name = StringField(
        _l("Service name"),
        validators=[Length(max=100, message=_l("At most %(max)d characters."))],
        render_kw={"autocomplete": "off", "maxlength": 100},
    )
    scopes = CheckboxesField(
        _l("What the token may do"),
        choices=[SelectChoice(scope, SCOPE_LABELS[scope]) for scope in SCOPES],
        default=[],
    )
    days = SelectField(
        _l("Valid for"),
        coerce=int,
        choices=[SelectChoice(days, _l("%(num)d days", num=days)) for days in VALIDITY_DAYS],
        default=90,
    )

    person = None  # the owner found by validate_owner

    def validate_owner(self, field):
        if self.kind.data != "personal":
            return
        value = (field.data or "").strip()
        if not value:
            raise ValidationError(_l("Give the NIP or the email of the person."))
        user = find_account(value)
        if user is None or not user.active:
            raise ValidationError(_l("No active person has this NIP or email."))
        self.person = user

    def validate_service_name(self, field):
        if self.kind.data == "service" and not (field.data or "").strip():
            raise ValidationError(_l("Give the name of the service."))

    def validate_scopes(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one permission."))


def _me():
    return current_user._get_current_object()


@bp.route("/api-tokens")
@role_required("admin")
def api_tokens():
    stmt = (
        select(ApiToken)
        .options(selectinload(ApiToken.owner), selectinload(ApiToken.created_by))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    page = db.paginate(
        stmt, per_page=current_app.config["PER_PAGE"], max_per_page=100, error_out=False
    )
    now = utcnow()
    return render_template(
        "admin/api_tokens.html",
        page=page,
        rows=[(token, token_state(token, now)) for token in page.items],
        scope_label=scope_label,
        button=EmptyForm(),
    )


@bp.route("/api-tokens/new", methods=["GET", "POST"])
@role_required("admin")
def api_token_new():
    form = ApiTokenForm()
    if form.validate_on_submit():
        personal = form.kind.data == "personal"
        try:
            token, secret = issue_token(
                _me(),
                form.name.data.strip(),
                list(form.scopes.data),
                owner=form.person if personal else None,
                service_name="" if personal else form.service_name.data.strip(),
                days=form.days.data,
            )
        except ValueError:
            db.session.rollback()
            form.form_errors.append(_("The token could not be created. Check the form."))
        else:
            db.session.commit()
            response = make_response(
                render_template(
                    "admin/api_token_created.html",
                    token=token,
                    secret=secret,
                    scope_label=scope_label,
                )
            )
            response.headers["Cache-Control"] = "no-store"
            return response
    return render_template("admin/api_token_form.html", form=form)


@bp.post("/api-tokens/<int:token_id>/revoke")
@role_required("admin")
def api_token_revoke(token_id):
    token = db.get_or_404(ApiToken, token_id)
    if EmptyForm().validate_on_submit():
        if token.revoked_at is not None:
            flash(_("The token %(name)s was already revoked.", name=token.name), "info")
        else:
            revoke_token(_me(), token)
            db.session.commit()
            flash(
                _("The token %(name)s has been revoked: it no longer works.", name=token.name),
                "success",
            )
    return redirect(url_for(".api_tokens"))
