"""Home, language switch, health check."""

from flask import redirect, session, url_for
from flask_login import current_user, login_required
from wtforms import HiddenField, SelectField
from wtforms.fields.choices import SelectChoice

from ..auth.services import is_safe_next
from ..extensions import db
from ..forms import EmptyForm
from ..learn.routes import my_learning_page
from . import bp

# The languages of the switch in the base layout, each named in its own language.
LANGUAGE_CHOICES = (("id", "Bahasa Indonesia"), ("en", "English"))


class LanguageForm(EmptyForm):
    """What the base layout's language switch posts (a plain form there: no form object is
    built for every page, only here when it is sent)."""

    lang = SelectField(choices=[SelectChoice(value, label) for value, label in LANGUAGE_CHOICES])
    next = HiddenField()


@bp.route("/")
@login_required
def home():
    # The signed-in home page is My learning (elearn/learn).
    return my_learning_page()


@bp.post("/language")
def set_language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["lang"] = form.lang.data
        if current_user.is_authenticated:
            current_user.locale = form.lang.data
            db.session.commit()
    target = form.next.data
    return redirect(target if is_safe_next(target) else url_for("main.home"))


@bp.record_once
def _language_choices(state):
    state.app.jinja_env.globals["LANGUAGE_CHOICES"] = LANGUAGE_CHOICES
