"""Home, language switch, health check."""

from flask import current_app, jsonify, redirect, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import text
from wtforms import HiddenField, SelectField
from wtforms.fields.choices import SelectChoice

from ..auth.services import is_safe_next
from ..extensions import db
from ..forms import EmptyForm
from ..learn.routes import my_learning_page
from . import bp


class LanguageForm(EmptyForm):
    lang = SelectField(
        choices=[SelectChoice("id", "Bahasa Indonesia"), SelectChoice("en", "English")]
    )
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


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # any database failure means "not ready"
        current_app.logger.error("health check failed: %s", exc)
        db.session.rollback()
        return jsonify(status="error", database="unavailable"), 503
    return jsonify(status="ok", database="ok")


@bp.app_context_processor
def _language_form():
    form = LanguageForm(formdata=None)
    form.next.data = request.full_path.rstrip("?") if request else "/"
    return {"language_form": form}
