"""Answering a survey (thin): the respondent only; the rules live in taking.py."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import db
from ..supervision.services import today
from . import bp, taking
from .instruments import SCALE_LABELS
from .taking_forms import AnswerForm, SkipForm


def _messages():
    return {
        "already": _("This survey has already been sent. Thank you."),
        "closed": _("This survey is closed: it was skipped."),
        "not_open": _("This survey is not open yet."),
        "required": _("This survey is required: the certificate is issued when you send it."),
    }


@bp.app_template_global()
def reaction_survey_of(completion):
    """The reaction survey of a completion, for the completion block (learn/_completion)."""
    return taking.reaction_invitation(getattr(completion, "id", None))


def _after(invitation):
    if invitation.level == 1:
        return url_for("catalog.course", slug=invitation.course.slug)
    return url_for("main.home")


@bp.route("/<int:invitation_id>", methods=["GET", "POST"])
@login_required
def take(invitation_id):
    user = current_user._get_current_object()
    invitation = taking.invitation_of(user, invitation_id)
    if invitation is None:
        abort(404)
    form, skip_form = AnswerForm(), SkipForm()
    values, errors = {}, {}
    if form.validate_on_submit():
        outcome = taking.submit(invitation, request.form, user)
        if outcome.status == "sent":
            db.session.commit()
            flash(_("Thank you: your answers have been sent."), "success")
            if outcome.certificate is not None:
                flash(
                    _("Your certificate has been issued: %(number)s.",
                      number=outcome.certificate.number),
                    "success",
                )  # fmt: skip
            return redirect(_after(invitation))
        db.session.rollback()
        if outcome.status == "invalid":
            values, errors = outcome.values, outcome.errors
            flash(_("Some answers need your attention: see the marked questions."), "error")
        else:
            flash(_messages().get(outcome.status, _("This survey cannot be answered.")), "error")
            return redirect(url_for("surveys.take", invitation_id=invitation.id))
    refused = taking.refusal(invitation, today())
    status = 422 if errors else 200
    return (
        render_template(
            "surveys/take.html",
            invitation=invitation,
            title=taking.course_title(invitation),
            questions=invitation.instrument_version.questions,
            instrument=invitation.instrument_version.instrument,
            values=values,
            errors=errors,
            form=form,
            skip_form=skip_form,
            refused=_messages().get(refused) if refused else None,
            scale_labels=SCALE_LABELS,
            field_name=taking.field_name,
            limits=taking.TEXT_LIMITS,
        ),
        status,
    )


@bp.route("/<int:invitation_id>/skip", methods=["POST"])
@login_required
def skip(invitation_id):
    user = current_user._get_current_object()
    invitation = taking.invitation_of(user, invitation_id)
    if invitation is None:
        abort(404)
    if not SkipForm().validate_on_submit():
        abort(400)
    result = taking.skip(invitation, user)
    if result == "skipped":
        db.session.commit()
        flash(_("The survey was skipped."), "success")
        return redirect(_after(invitation))
    db.session.rollback()
    flash(_messages().get(result, _("This survey cannot be answered.")), "error")
    return redirect(url_for("surveys.take", invitation_id=invitation.id))
