"""Survey instruments (admin): list, new, edit (a new version), history, on/off, default.

Thin: parse the form, call instruments.*, commit once, redirect."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..auth.decorators import role_required
from ..extensions import db
from ..forms import EmptyForm
from ..models import SurveyInstrument, SurveyInstrumentVersion
from . import bp
from .instrument_forms import InstrumentForm
from .instruments import (
    AUDIENCE_LABELS,
    KIND_LABELS,
    LEVEL_LABELS,
    InstrumentError,
    Refused,
    answer_counts,
    create_instrument,
    edit_instrument,
    ensure_standard_instruments,
    instrument_list,
    make_default,
    questions_of,
    set_active,
    version_answer_counts,
)


def _me():
    return current_user._get_current_object()


def _instrument(instrument_id):
    instrument = db.session.get(SurveyInstrument, instrument_id)
    if instrument is None:
        abort(404)
    return instrument


@bp.app_template_global()
def survey_kind_label(kind):
    return KIND_LABELS.get(kind, kind)


@bp.app_template_global()
def survey_level_label(level):
    return LEVEL_LABELS.get(level, level)


@bp.app_template_global()
def survey_audience_label(audience):
    return AUDIENCE_LABELS.get(audience, audience)


@bp.route("/instruments")
@role_required("admin")
def instrument_index():
    if ensure_standard_instruments():  # a fresh install lists the shipped ones at once
        db.session.commit()
    page = db.paginate(
        instrument_list(),
        per_page=current_app.config["PER_PAGE"],
        max_per_page=100,
        error_out=False,
    )
    return render_template(
        "surveys/instrument_list.html",
        page=page,
        answers=answer_counts([i.id for i in page.items]),
        button=EmptyForm(),
    )


def _editor(form, instrument=None):
    return render_template("surveys/instrument_form.html", form=form, instrument=instrument)


def _save(form, instrument):
    """Validate and save; None when saved (the caller redirects), else the page again."""
    if request.form.get("action") == "add":
        form.add_row()
        return _editor(form, instrument)
    if not form.validate():
        return _editor(form, instrument)
    rows = form.kept_rows()
    questions = [q for _entry, q in rows]
    try:
        if instrument is None:
            instrument = create_instrument(
                form.title.data,
                form.description.data,
                int(form.level.data),
                form.audience.data,
                questions,
                _me(),
            )
            version, changed = instrument.current_version, True
        else:
            version, changed = edit_instrument(
                instrument, form.title.data, form.description.data, questions, _me()
            )
    except InstrumentError as error:
        db.session.rollback()
        form.attach(error.problems, rows)
        return _editor(form, instrument)
    db.session.commit()
    if version is not None:
        flash(
            _(
                "Saved as version %(number)d of %(title)s. Answers already given keep the "
                "questions they were given on.",
                number=version.number,
                title=instrument.title,
            ),
            "success",
        )
    elif changed:
        flash(_("The changes to %(title)s have been saved.", title=instrument.title), "success")
    else:
        flash(_("Nothing was changed."), "info")
    return None


@bp.route("/instruments/new", methods=["GET", "POST"])
@role_required("admin")
def instrument_new():
    form = InstrumentForm()
    if request.method == "GET":
        form.fill([], blank=3)
        return _editor(form)
    page = _save(form, None)
    return page or redirect(url_for(".instrument_index"))


@bp.route("/instruments/<int:instrument_id>", methods=["GET", "POST"])
@role_required("admin")
def instrument_edit(instrument_id):
    instrument = _instrument(instrument_id)
    form = InstrumentForm(obj=None if request.method == "POST" else instrument)
    # Level and audience are the instrument's identity: fixed once it exists.
    del form.level
    del form.audience
    if request.method == "GET":
        form.fill(questions_of(instrument.current_version))
        return _editor(form, instrument)
    page = _save(form, instrument)
    return page or redirect(url_for(".instrument_versions", instrument_id=instrument.id))


@bp.route("/instruments/<int:instrument_id>/versions")
@role_required("admin")
def instrument_versions(instrument_id):
    instrument = _instrument(instrument_id)
    page = db.paginate(
        select(SurveyInstrumentVersion)
        .where(SurveyInstrumentVersion.instrument_id == instrument.id)
        .options(selectinload(SurveyInstrumentVersion.questions))
        .order_by(SurveyInstrumentVersion.number.desc()),
        per_page=10,
        max_per_page=50,
        error_out=False,
    )
    return render_template(
        "surveys/instrument_versions.html",
        instrument=instrument,
        page=page,
        answers=version_answer_counts(instrument.id),
    )


@bp.route("/instruments/<int:instrument_id>/active", methods=["POST"])
@role_required("admin")
def instrument_active(instrument_id):
    instrument = _instrument(instrument_id)
    if EmptyForm().validate_on_submit():
        want = request.form.get("active") == "1"
        try:
            changed = set_active(instrument, want, _me())
        except Refused as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
        else:
            db.session.commit()
            if changed:
                flash(
                    _("%(title)s is active.", title=instrument.title)
                    if want
                    else _(
                        "%(title)s is deactivated: no new survey is asked on it.",
                        title=instrument.title,
                    ),
                    "success",
                )
    return redirect(url_for(".instrument_index"))


@bp.route("/instruments/<int:instrument_id>/default", methods=["POST"])
@role_required("admin")
def instrument_default(instrument_id):
    instrument = _instrument(instrument_id)
    if EmptyForm().validate_on_submit():
        try:
            changed = make_default(instrument, _me())
        except Refused as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
        else:
            db.session.commit()
            if changed:
                flash(
                    _(
                        "%(title)s is now the default instrument of its level.",
                        title=instrument.title,
                    ),
                    "success",
                )
    return redirect(url_for(".instrument_index"))
