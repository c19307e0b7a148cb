"""Strategic project pages (thin): the projects the viewer may see, recording and changing a
project, its page with the members, adding and removing a member. A project the viewer may
not open is 404; one they see without managing it is read-only."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from ..auth.decorators import role_required
from ..extensions import db
from ..forms import EmptyForm
from ..supervision.services import paged
from ..supervision.services import today as local_today
from . import bp
from .project_forms import MemberEditForm, MemberForm, ProjectFilterForm, ProjectForm
from .projects import (
    MAX_COMPETENCIES,
    ProjectError,
    activity_period,
    add_member,
    can_manage,
    competency_choices,
    create_project,
    hours_text,
    is_manager,
    kind_name,
    max_hours,
    member_of,
    member_rows,
    members_query,
    project_for,
    project_rows,
    project_units,
    projects_query,
    remove_member,
    update_member,
    update_project,
)

ROLES = ("supervisor", "admin")


def _me():
    return current_user._get_current_object()


def _page_number():
    value = request.args.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1


def _show_errors(form, exc):
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None:
        field.errors = [str(exc.message)]
    else:
        flash(str(exc.message), "error")


@bp.app_template_filter("project_hours")
def project_hours(value):
    return "" if value is None else hours_text(value)


# The list ----------------------------------------------------------------------------------------
@bp.get("/projects")
@login_required
def projects():
    me = _me()
    filters = ProjectFilterForm(request.args)
    search = (filters.value("q") or "")[:100]
    page = paged(projects_query(me, search), _page_number(), current_app.config["PER_PAGE"])
    page.items = project_rows(page.items)
    return render_template(
        "projects/index.html",
        page=page,
        filters=filters,
        manager=is_manager(me),
        today=local_today(),
    )


# A project ---------------------------------------------------------------------------------------
def _form_page(form, project=None, status=200):
    form.set_units(project_units(_me()))
    return render_template("projects/form.html", form=form, project=project), status


def _project_args(form):
    return (
        form.name.data, form.unit_id.data, form.starts_on.data, form.ends_on.data,
        form.description.data,
    )  # fmt: skip


@bp.route("/projects/new", methods=["GET", "POST"])
@role_required(*ROLES)
def project_new():
    if request.method == "GET":
        return _form_page(ProjectForm(formdata=None))[0]
    form = ProjectForm(request.form)
    if not form.validate_on_submit():
        return _form_page(form, status=400)
    try:
        project = create_project(_me(), *_project_args(form))
    except ProjectError as exc:
        db.session.rollback()
        _show_errors(form, exc)
        return _form_page(form, status=400)
    name = project.name
    db.session.commit()
    flash(_("The project “%(name)s” has been recorded: add its members.", name=name), "success")
    return redirect(url_for(".project", project_id=project.id), 303)


def _project_or_404(project_id):
    project = project_for(_me(), project_id)
    if project is None:
        abort(404)
    return project


def _managed_or_404(project_id):
    project = _project_or_404(project_id)
    if not can_manage(_me(), project):
        abort(404)
    return project


@bp.route("/projects/<int:project_id>/edit", methods=["GET", "POST"])
@role_required(*ROLES)
def project_edit(project_id):
    project = _managed_or_404(project_id)
    if request.method == "GET":
        form = ProjectForm(formdata=None, obj=project)
        return _form_page(form, project)[0]
    form = ProjectForm(request.form)
    if not form.validate_on_submit():
        return _form_page(form, project, 400)
    try:
        update_project(_me(), project, *_project_args(form))
    except ProjectError as exc:
        db.session.rollback()
        _show_errors(form, exc)
        return _form_page(form, _project_or_404(project_id), 400)
    db.session.commit()
    flash(_("The project has been saved."), "success")
    return redirect(url_for(".project", project_id=project_id), 303)


def _project_page(project, member_form=None, status=200):
    me = _me()
    manage = can_manage(me, project)
    day = local_today()
    start, end = activity_period(project.starts_on, project.ends_on, day)
    can_add = manage and project.starts_on <= day
    if can_add and member_form is None:
        member_form = MemberForm(formdata=None)
    if can_add:
        member_form.set_competencies(competency_choices())
    kind = kind_name() if can_add else None
    members = paged(
        members_query(me, project, manage), _page_number(), current_app.config["PER_PAGE"]
    )
    members.items = member_rows(members.items)
    return render_template(
        "projects/project.html",
        project=project,
        manage=manage,
        member_form=member_form if can_add else None,
        button=EmptyForm(formdata=None),
        members=members,
        today=day,
        activity_start=start,
        activity_end=end,
        hours_limit=max_hours(start, end) if start <= end else None,
        max_competencies=MAX_COMPETENCIES,
        kind_name=kind,
    ), status


@bp.get("/projects/<int:project_id>")
@login_required
def project(project_id):
    return _project_page(_project_or_404(project_id))[0]


@bp.post("/projects/<int:project_id>/members")
@role_required(*ROLES)
def member_add(project_id):
    project = _managed_or_404(project_id)
    form = MemberForm(request.form)
    if not form.validate_on_submit():
        abort(400)
    try:
        member = add_member(
            _me(), project, form.who.data, form.role.data, form.hours.data,
            form.competency_values(),
        )  # fmt: skip
    except ProjectError as exc:
        db.session.rollback()
        _show_errors(form, exc)
        return _project_page(_project_or_404(project_id), form, 400)
    except IntegrityError:  # added at the same moment in another tab
        db.session.rollback()
        flash(_("This person is already a member of this project."), "error")
        return _project_page(_project_or_404(project_id), form, 409)
    name = member.user.full_name
    db.session.commit()
    flash(
        _(
            "%(name)s has been added. The membership is their activity, waiting for their "
            "supervisor's approval.",
            name=name,
        ),
        "success",
    )
    return redirect(url_for(".project", project_id=project_id), 303)


@bp.post("/projects/<int:project_id>/members/<int:member_id>/remove")
@role_required(*ROLES)
def member_remove(project_id, member_id):
    project = _managed_or_404(project_id)
    member = member_of(project, member_id)
    if member is None:
        abort(404)
    if not EmptyForm(request.form).validate_on_submit():
        abort(400)
    name = member.user.full_name
    try:
        kept = remove_member(_me(), project, member)
    except ProjectError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return _project_page(_project_or_404(project_id), status=403)
    db.session.commit()
    if kept:
        message = _(
            "%(name)s is no longer a member. Their approved activity stays in their record.",
            name=name,
        )
    elif kept is None:
        message = _("%(name)s is no longer a member.", name=name)
    else:
        message = _(
            "%(name)s is no longer a member. Their activity, not approved yet, has been deleted.",
            name=name,
        )
    flash(message, "success")
    return redirect(url_for(".project", project_id=project_id), 303)


def _member_form_page(project, member, form, status=200):
    form.set_competencies(competency_choices())
    day = local_today()
    start, end = activity_period(project.starts_on, project.ends_on, day)
    return render_template(
        "projects/member_form.html",
        project=project,
        member=member,
        form=form,
        activity_start=start,
        activity_end=end,
        hours_limit=max_hours(start, end) if start <= end else None,
        max_competencies=MAX_COMPETENCIES,
    ), status


@bp.route("/projects/<int:project_id>/members/<int:member_id>/edit", methods=["GET", "POST"])
@role_required(*ROLES)
def member_edit(project_id, member_id):
    project = _managed_or_404(project_id)
    member = member_of(project, member_id)
    if member is None:
        abort(404)
    if request.method == "GET":
        activity = member.activity
        form = MemberEditForm(
            formdata=None,
            role=member.role,
            hours=hours_text(activity.duration_amount, grouped=False)
            if activity is not None
            else "",
            competency_ids=[c.id for c in activity.competencies] if activity is not None else [],
        )
        return _member_form_page(project, member, form)[0]
    form = MemberEditForm(request.form)
    if not form.validate_on_submit():
        abort(400)
    name = member.user.full_name
    try:
        changed = update_member(
            _me(), project, member, form.role.data, form.hours.data, form.competency_values()
        )
    except ProjectError as exc:
        db.session.rollback()
        _show_errors(form, exc)
        project = _project_or_404(project_id)
        return _member_form_page(project, member_of(project, member_id), form, 400)
    db.session.commit()
    if changed:
        flash(
            _(
                "The membership of %(name)s has been saved: the activity waits for their "
                "supervisor's approval again.",
                name=name,
            ),
            "success",
        )
    else:
        flash(_("Nothing was changed."), "info")
    return redirect(url_for(".project", project_id=project_id), 303)
