"""Mentoring and coaching pages (thin): the pairs (a supervisor's in scope, everyone's own),
setting a pair up, the pair's page with its sessions, logging, confirming and deleting a
session. A pair the viewer may not open is 404."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.decorators import role_required
from ..extensions import db
from ..forms import EmptyForm
from ..supervision.services import paged
from ..supervision.services import today as local_today
from . import bp
from .mentoring import (
    KIND_LABELS,
    MAX_MINUTES,
    MIN_MINUTES,
    AlreadyConfirmed,
    MentoringError,
    can_manage_pair,
    confirm_session,
    create_pair,
    delete_session,
    end_pair,
    is_manager,
    log_session,
    mentor_label,
    other_side,
    pair_for,
    pair_rows,
    pairs_query,
    session_for,
    session_rows,
    sessions_query,
    side_of,
)
from .mentoring_forms import PairFilterForm, PairForm, SessionForm

ROLES = ("supervisor", "admin")


def _me():
    return current_user._get_current_object()


def _page_number(name="page"):
    value = request.args.get(name, "1")
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1


@bp.app_template_global()
def mentoring_kind_label(kind):
    return KIND_LABELS.get(kind, kind or "")


def _show_errors(form, exc):
    """Put the refusal under its field, or at the top of the page."""
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None:
        field.errors = [str(exc.message)]
    else:
        flash(str(exc.message), "error")


# Lists -------------------------------------------------------------------------------------------
@bp.get("/mentoring")
@login_required
def mentoring():
    me = _me()
    per_page = current_app.config["PER_PAGE"]
    filters = scope = None
    if is_manager(me):
        filters = PairFilterForm(request.args)
        stmt = pairs_query(
            me, status=filters.value("status"), kind=filters.value("kind"),
            search=(filters.value("q") or "")[:100],
        )  # fmt: skip
        scope = paged(stmt, _page_number(), per_page)
        scope.items = pair_rows(scope.items)
    mine = paged(pairs_query(me, mine=True), _page_number("mine"), per_page)
    mine.items = pair_rows(mine.items)
    return render_template("mentoring/index.html", scope=scope, filters=filters, mine=mine)


# A pair ------------------------------------------------------------------------------------------
def _pair_form_page(form, status=200):
    return render_template("mentoring/pair_form.html", form=form), status


@bp.route("/mentoring/new", methods=["GET", "POST"])
@role_required(*ROLES)
def pair_new():
    if request.method == "GET":
        form = PairForm(formdata=None, mentee=request.args.get("mentee", "")[:254])
        return _pair_form_page(form)[0]
    form = PairForm(request.form)
    if not form.validate_on_submit():  # a date that does not parse
        return _pair_form_page(form, 400)
    try:
        pair = create_pair(
            _me(), form.mentor.data, form.mentee.data, form.kind.data, form.goals.data,
            form.starts_on.data, form.ends_on.data,
        )  # fmt: skip
    except MentoringError as exc:
        db.session.rollback()
        _show_errors(form, exc)
        return _pair_form_page(form, 400)
    mentor, mentee = pair.mentor.full_name, pair.mentee.full_name
    db.session.commit()
    flash(
        _("%(mentor)s and %(mentee)s are paired.", mentor=mentor, mentee=mentee),
        "success",
    )
    return redirect(url_for(".pair", pair_id=pair.id), 303)


def _pair_page(pair, log_form=None, status=200):
    me = _me()
    side = side_of(me, pair)
    can_log = side is not None and pair.active
    if log_form is None and can_log:
        log_form = SessionForm(formdata=None)
    if log_form is not None:
        day = local_today()
        last = min(pair.ends_on, day)
        log_form.held_on.render_kw = {"min": pair.starts_on.isoformat(), "max": last.isoformat()}
    sessions = paged(sessions_query(pair), _page_number(), current_app.config["PER_PAGE"])
    sessions.items = session_rows(sessions.items)
    return render_template(
        "mentoring/pair.html",
        pair=pair,
        side=side,
        can_log=can_log,
        manage=can_manage_pair(me, pair),
        log_form=log_form if can_log else None,
        button=EmptyForm(formdata=None),
        sessions=sessions,
        mentor_name=mentor_label(pair.mentor),
        other_side=other_side,
        jp_minutes=int(current_app.config["JP_MINUTES"]),
        min_minutes=MIN_MINUTES,
        max_minutes=MAX_MINUTES,
    ), status


def _pair_or_404(pair_id):
    pair = pair_for(_me(), pair_id)
    if pair is None:
        abort(404)
    return pair


@bp.get("/mentoring/<int:pair_id>")
@login_required
def pair(pair_id):
    return _pair_page(_pair_or_404(pair_id))[0]


@bp.post("/mentoring/<int:pair_id>/end")
@role_required(*ROLES)
def pair_end(pair_id):
    pair = _pair_or_404(pair_id)
    if not EmptyForm(request.form).validate_on_submit():
        abort(400)
    try:
        ended = end_pair(_me(), pair)
    except MentoringError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return _pair_page(_pair_or_404(pair_id), status=403)
    db.session.commit()
    if ended:
        flash(_("The pair has ended: no new sessions can be logged."), "success")
    else:
        flash(_("The pair had already ended."), "info")
    return redirect(url_for(".pair", pair_id=pair_id), 303)


# Sessions ----------------------------------------------------------------------------------------
@bp.post("/mentoring/<int:pair_id>/sessions")
@login_required
def session_log(pair_id):
    me = _me()
    pair = _pair_or_404(pair_id)
    if side_of(me, pair) is None:
        abort(403)
    form = SessionForm(request.form)
    if not form.validate_on_submit():  # a date that does not parse
        return _pair_page(pair, form, 400)
    try:
        log_session(
            me, pair, form.held_on.data, form.minutes.data, form.topic.data, form.next_step.data
        )
    except MentoringError as exc:
        db.session.rollback()
        _show_errors(form, exc)
        return _pair_page(_pair_or_404(pair_id), form, 400)
    other = other_side(pair, me.id).full_name
    db.session.commit()
    flash(_("The session has been logged: %(name)s is asked to confirm it.", name=other), "success")
    return redirect(url_for(".pair", pair_id=pair_id), 303)


def _session_or_404(session_id):
    session, pair = session_for(_me(), session_id)
    if session is None:
        abort(404)
    return session, pair


@bp.post("/mentoring/sessions/<int:session_id>/confirm")
@login_required
def session_confirm(session_id):
    session, pair = _session_or_404(session_id)
    pair_id, mentee = pair.id, pair.mentee.full_name
    if not EmptyForm(request.form).validate_on_submit():
        abort(400)
    try:
        activity = confirm_session(_me(), session)
    except AlreadyConfirmed as exc:
        db.session.rollback()
        flash(str(exc.message), "info")
        return redirect(url_for(".pair", pair_id=pair_id), 303)
    except MentoringError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return _pair_page(_pair_or_404(pair_id), status=403)
    jp = activity.jp
    db.session.commit()
    flash(
        _("The session is confirmed: it counts %(jp)d JP for %(name)s.", jp=jp, name=mentee),
        "success",
    )
    return redirect(url_for(".pair", pair_id=pair_id), 303)


@bp.post("/mentoring/sessions/<int:session_id>/delete")
@login_required
def session_delete(session_id):
    session, pair = _session_or_404(session_id)
    pair_id = pair.id
    if not EmptyForm(request.form).validate_on_submit():
        abort(400)
    try:
        delete_session(_me(), session)
    except MentoringError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return _pair_page(_pair_or_404(pair_id), status=403)
    db.session.commit()
    flash(_("The session has been deleted."), "success")
    return redirect(url_for(".pair", pair_id=pair_id), 303)
