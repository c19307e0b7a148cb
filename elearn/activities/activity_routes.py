"""Development activity pages (thin): a person's activities of a year, recording and editing
one (with the JP its kind's rule gives, shown before saving), its page with the evidence,
and the supervisor's decisions. A refused save shows the form again with what was typed and
every problem named; activities outside the viewer's scope are 404."""

import io

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from ..auth.decorators import role_required
from ..authoring.services import size
from ..extensions import db
from ..learn.jp import jp_earned
from ..learn.services import current_year
from ..models import ActivityOrigin, ActivityStatus, DurationUnit
from ..supervision.services import paged, scope_units
from . import bp
from . import evidence as E
from .forms import ActionForm, ActivityForm, DecisionForm, ReviewFilterForm
from .kinds import kind_label
from .services import (
    APPROVE,
    STATUS_CLASSES,
    ActivityError,
    Invalid,
    Overlap,
    StaleActivity,
    activity_for,
    activity_years,
    competency_choices,
    decide,
    deciders_of,
    edit,
    jp_minutes,
    kind_choices,
    kind_rule,
    may_decide,
    number,
    own_activity,
    partner_choices,
    person_activities,
    preview,
    record,
    review_query,
    status_label,
    today_of,
    unit_choices,
    withdraw,
)

REVIEWERS = ("supervisor", "admin")
FORM_ENDPOINTS = ("activities.new", "activities.edit")


def _me():
    return current_user._get_current_object()


# Shown in every page that lists activities (also the person view's partial) -----------------------
@bp.app_template_global()
def activity_status_label(status):
    return status_label(status)


@bp.app_template_global()
def activity_status_class(status):
    return STATUS_CLASSES.get(status, "")


@bp.app_template_global()
def activity_kind_label(kind):
    return kind_label(kind) if kind is not None else ""


@bp.app_template_global()
def activity_kind_rule(kind):
    return "; ".join(str(part) for part in kind_rule(kind))


@bp.app_template_global()
def activity_duration(activity):
    """'2 days', '1,5 hours' (the amount as the interface's language writes numbers)."""
    amount = number(activity.duration_amount)
    if activity.duration_unit == DurationUnit.HOUR:
        return _("1 hour") if amount == "1" else _("%(amount)s hours", amount=amount)
    return _("1 day") if amount == "1" else _("%(amount)s days", amount=amount)


@bp.app_template_global()
def activity_file_size(n):
    return size(n)


def _year(value, years):
    try:
        year = int(value)
    except (TypeError, ValueError):
        return current_year()
    return year if year in years else current_year()


def _page_number():
    value = request.args.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1


def _limits():
    cfg = current_app.config
    return int(cfg["ACTIVITY_EVIDENCE_MAX_FILES"]), int(cfg["ACTIVITY_EVIDENCE_MAX_BYTES"])


# My activities -----------------------------------------------------------------------------------
@bp.get("/")
@login_required
def index():
    me = _me()
    years = activity_years(me, current_year())
    year = _year(request.args.get("year"), years)
    activities = person_activities(me, year)
    return render_template(
        "activities/list.html",
        year=year,
        years=years,
        person_activities=activities,
        jp_total=jp_earned([me.id], year)[me.id],
        jp_target=int(current_app.config["YEARLY_JP_TARGET"]),
        pending_jp=sum(a.jp for a in activities if a.status == ActivityStatus.PENDING),
    )


# Recording and editing ---------------------------------------------------------------------------
def _form_page(form, activity=None, status=200, credit=None, previewed=False, others=(),
               problems=(), files_lost=False):  # fmt: skip
    kinds = kind_choices(activity)
    # The shipped kinds are loaded on the first visit: keep them, so that the ids this page
    # offers are those the save will find.
    db.session.commit()
    evidence = list(activity.evidence) if activity is not None else []
    partners = partner_choices(activity)
    competencies = competency_choices(activity)
    form.set_choices(kinds, unit_choices(), partners, competencies, evidence)
    if activity is not None:
        form.revision.data = activity.revision
    max_files, max_bytes = _limits()
    return render_template(
        "activities/form.html",
        form=form,
        activity=activity,
        kinds=kinds,
        competencies=competencies,
        has_partners=bool(partners),
        credit=credit,
        previewed=previewed,
        others=others,
        problems=[str(p) for p in problems],
        files_lost=files_lost,
        evidence=evidence,
        max_files=max_files,
        max_size=size(max_bytes),
        jp_minutes=jp_minutes(),
        today=today_of().isoformat(),
    ), status


def _posted_form():
    form = ActivityForm()
    if not form.validate_on_submit():
        abort(400)
    return form


def _preview(form, activity):
    me = _me()
    credit, errors = preview(me, form.to_input(), today_of(), activity)
    form.show_errors(errors)
    chose_files = any(getattr(f, "filename", "") for f in form.evidence.data or ())
    return _form_page(form, activity, 200, credit=credit, previewed=True, files_lost=chose_files)


def _refused(exc, form, activity):
    db.session.rollback()
    if activity is not None:
        db.session.refresh(activity)
    chose_files = any(getattr(f, "filename", "") for f in form.evidence.data or ())
    if isinstance(exc, Overlap):
        form.save_anyway.data = False
        return _form_page(form, activity, 200, others=exc.others, files_lost=chose_files)
    if isinstance(exc, Invalid):
        problems = form.show_errors(exc.errors)
        return _form_page(form, activity, 400, problems=problems, files_lost=chose_files)
    if exc.field and hasattr(form, exc.field):
        form.show_errors({exc.field: exc.message})
        return _form_page(form, activity, 400, files_lost=chose_files)
    status = 409 if isinstance(exc, StaleActivity) else 400
    return _form_page(form, activity, status, problems=[exc.message], files_lost=chose_files)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if request.method == "GET":
        return _form_page(ActivityForm(formdata=None))[0]
    form = _posted_form()
    if form.action.data == "preview":
        return _preview(form, None)
    me = _me()
    uploads = E.read_uploads(form.evidence.data, _limits()[1])
    try:
        activity = record(me, form.to_input(), uploads)
    except ActivityError as exc:
        return _refused(exc, form, None)
    db.session.commit()
    flash(
        _("The activity has been recorded and sent for approval. It counts toward your JP "
          "once approved."),
        "success",
    )  # fmt: skip
    return redirect(url_for(".detail", activity_id=activity.id))


def _editable(activity_id):
    """The viewer's own activity recorded by them (not one a mentoring session or a project
    made), else 404 / back to its page."""
    activity = own_activity(_me(), activity_id)
    if activity is None:
        abort(404)
    return activity


@bp.route("/<int:activity_id>/edit", methods=["GET", "POST"], endpoint="edit")
@login_required
def edit_activity(activity_id):
    activity = _editable(activity_id)
    if activity.origin != ActivityOrigin.SELF:
        flash(
            _("This activity comes from a mentoring session or a project: it is changed "
              "there, not here."),
            "error",
        )  # fmt: skip
        return redirect(url_for(".detail", activity_id=activity.id))
    if request.method == "GET":
        form = ActivityForm(formdata=None)
        form.fill(activity)
        return _form_page(form, activity)[0]
    form = _posted_form()
    if form.action.data == "preview":
        return _preview(form, activity)
    uploads = E.read_uploads(form.evidence.data, _limits()[1])
    was = activity.status
    try:
        edit(_me(), activity, form.to_input(), form.revision_value(), uploads)
    except ActivityError as exc:
        return _refused(exc, form, activity)
    db.session.commit()
    if was == ActivityStatus.PENDING:
        flash(_("The activity has been saved."), "success")
    else:
        flash(
            _("The activity has been saved and sent for approval again. It counts toward "
              "your JP once approved."),
            "success",
        )  # fmt: skip
    return redirect(url_for(".detail", activity_id=activity.id))


@bp.post("/<int:activity_id>/withdraw", endpoint="withdraw")
@login_required
def withdraw_activity(activity_id):
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    activity = _editable(activity_id)
    try:
        withdraw(_me(), activity, form.revision_value())
    except ActivityError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return redirect(url_for(".detail", activity_id=activity_id))
    db.session.commit()
    flash(_("The activity has been withdrawn."), "success")
    return redirect(url_for(".index"))


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_exc):
    """Past MAX_CONTENT_LENGTH the request is refused before the form is read: the activity
    form says so with the limits (what was typed cannot be kept); any other page of this
    blueprint gets the site's error page."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    message = _(
        "The files sent together are larger than %(limit)s. Choose at most %(files)d files "
        "of at most %(size)s each.",
        limit=size(limit),
        files=_limits()[0],
        size=size(_limits()[1]),
    )
    if request.endpoint in FORM_ENDPOINTS and current_user.is_authenticated:
        activity = None
        if request.endpoint == "activities.edit":
            activity = own_activity(_me(), (request.view_args or {}).get("activity_id"))
            if activity is None:
                abort(404)
        form = ActivityForm(formdata=None)
        if activity is not None:
            form.fill(activity)
        form.evidence.errors = [message]
        return _form_page(form, activity, 413)
    return render_template(
        "errors/error.html", status=413, title=_("File too large"), message=message
    ), 413


# An activity's page ------------------------------------------------------------------------------
def _viewable(activity_id):
    activity = activity_for(_me(), activity_id)
    if activity is None:
        abort(404)
    return activity


def _detail_page(activity, decision=None, status=200):
    me = _me()
    is_owner = activity.user_id == me.id
    can_decide = (
        not is_owner
        and activity.status == ActivityStatus.PENDING
        and me.has_role(*REVIEWERS)
        and may_decide(me, activity.user)
    )
    if decision is None:
        decision = DecisionForm(formdata=None)
    decision.revision.data = activity.revision
    return render_template(
        "activities/detail.html",
        activity=activity,
        is_owner=is_owner,
        can_decide=can_decide,
        deciders=[] if can_decide else deciders_of(activity.user),
        decision=decision,
        action=ActionForm(formdata=None, revision=activity.revision),
        editable=is_owner and activity.origin == ActivityOrigin.SELF,
    ), status


@bp.get("/<int:activity_id>")
@login_required
def detail(activity_id):
    return _detail_page(_viewable(activity_id))[0]


@bp.get("/<int:activity_id>/evidence/<int:evidence_id>")
@login_required
def evidence(activity_id, evidence_id):
    """A file of the activity, for whoever may see the activity: always a download, under a
    sandboxing policy, revalidated each time (access may change; the bytes do not)."""
    activity = _viewable(activity_id)
    row = next((e for e in activity.evidence if e.id == evidence_id), None)
    if row is None:
        abort(404)
    if request.if_none_match.contains(row.sha256):
        return _protect(make_response("", 304), row.sha256)
    response = send_file(
        io.BytesIO(E.evidence_bytes(row.sha256)),
        mimetype=row.content_type,
        as_attachment=True,
        download_name=row.filename,
        etag=False,
        max_age=0,
    )
    return _protect(response, row.sha256)


def _protect(response, sha256):
    response.set_etag(sha256)
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# Supervisors -------------------------------------------------------------------------------------
DECIDED = {
    "approve": _l("The activity has been approved: it counts toward the person's JP."),
    "return": _l("The activity has been returned with your reason."),
}


@bp.post("/<int:activity_id>/decide", endpoint="decide")
@role_required(*REVIEWERS)
def decide_activity(activity_id):
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    activity = _viewable(activity_id)
    try:
        decide(_me(), activity, form.action.data, form.note.data, form.revision_value())
    except ActivityError as exc:
        db.session.rollback()
        db.session.refresh(activity)
        if exc.field == "note":
            form.note.errors = [str(exc.message)]
        else:
            flash(str(exc.message), "error")
        status = 409 if isinstance(exc, StaleActivity) else 400
        if not may_decide(_me(), activity.user):
            status = 403
        return _detail_page(activity, form, status)
    db.session.commit()
    flash(str(DECIDED[APPROVE if form.action.data == APPROVE else "return"]), "success")
    return redirect(url_for(".review"))


@bp.get("/review")
@role_required(*REVIEWERS)
def review():
    me = _me()
    units = scope_units(me)
    filters = ReviewFilterForm(request.args, units)
    status = filters.value("status")
    unit_id = filters.value("unit")
    unit = next((u for u, _depth in units if u.id == unit_id), None)
    mine_only = filters.value("decider") == "me"
    stmt = review_query(me, status, unit, mine_only)
    page = paged(stmt, _page_number(), current_app.config["PER_PAGE"])
    return render_template(
        "activities/review.html", page=page, filters=filters, status=status, units=units,
        is_admin=me.has_role("admin"),
    )  # fmt: skip
