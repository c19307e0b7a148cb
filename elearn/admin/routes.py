"""Admin pages: people, units, CSV import, audit log.

Thin: parse the form, call a service, commit once, redirect (post/redirect/get).
"""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ..auth.decorators import role_required
from ..auth.services import make_reset_token
from ..exports import csv_response
from ..extensions import db
from ..forms import EmptyForm
from ..models import AuditLog, Unit, User
from ..urls import public_url
from . import bp
from .forms import ImportForm, UnitForm, UserFilterForm, UserForm
from .importer import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, Problem, import_users
from .services import (
    EMPLOYEE_TYPE_LABELS,
    ROLE_LABELS,
    InvalidData,
    Refused,
    audit_query,
    create_unit,
    create_user,
    delete_unit,
    describe_audit,
    send_password_setup,
    set_active,
    unit_choices,
    unit_rows,
    unit_usage,
    update_unit,
    update_user,
    user_list_query,
)


def _me():
    return current_user._get_current_object()


def _commit():
    """Commit; False when another request took the same NIP, email or code in the meantime
    (the checks ran before, but only the database's unique constraints settle a race)."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def _conflict():
    return _("Someone saved the same NIP, email or code at the same moment. Check and try again.")


def _paginate(stmt):
    return db.paginate(
        stmt, per_page=current_app.config["PER_PAGE"], max_per_page=100, error_out=False
    )


@bp.app_template_global()
def role_label(role):
    return ROLE_LABELS.get(role, role)


@bp.app_template_global()
def employee_type_label(value):
    return EMPLOYEE_TYPE_LABELS.get(value, value)


# People -----------------------------------------------------------------------------------------
@bp.route("/users")
@role_required("admin")
def users():
    tree = Unit.tree()
    filters = UserFilterForm(request.args, unit_choices(tree=tree))
    unit_id, status = filters.value("unit"), filters.value("status")
    unit = next((u for u, _depth in tree if u.id == unit_id), None)
    stmt = user_list_query(
        search=filters.value("q") or "",
        unit=unit,
        role=filters.value("role"),
        active={"active": True, "inactive": False}.get(status),
    )
    return render_template("admin/users.html", page=_paginate(stmt), filters=filters)


@bp.route("/users/new", methods=["GET", "POST"])
@role_required("admin")
def user_new():
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = create_user(_me(), form.to_data())
        except InvalidData as exc:
            form.add_errors(exc.errors)
        else:
            if not _commit():
                form.form_errors.append(_conflict())
                return render_template("admin/user_form.html", form=form, user=None)
            flash(
                _(
                    "%(name)s has been added. Send a password setup link so that they can sign in.",
                    name=user.full_name,
                ),
                "success",
            )
            return redirect(url_for(".user_edit", user_id=user.id))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required("admin")
def user_edit(user_id):
    user = db.get_or_404(User, user_id)
    form = UserForm(user=user)
    if form.validate_on_submit():
        try:
            changes = update_user(_me(), user, form.to_data())
        except InvalidData as exc:
            form.add_errors(exc.errors)
        else:
            if not _commit():
                form.form_errors.append(_conflict())
                return render_template(
                    "admin/user_form.html", form=form, user=user, button=EmptyForm()
                )
            if changes:
                flash(_("The changes to %(name)s have been saved.", name=user.full_name), "success")
            else:
                flash(_("Nothing was changed."), "info")
            return redirect(url_for(".user_edit", user_id=user.id))
    return render_template("admin/user_form.html", form=form, user=user, button=EmptyForm())


def _set_active(user_id, active):
    user = db.get_or_404(User, user_id)
    if EmptyForm().validate_on_submit():
        try:
            changed = set_active(_me(), user, active)
        except Refused as exc:
            flash(str(exc.message), "error")
        else:
            db.session.commit()
            if changed and active:
                flash(_("%(name)s can sign in again.", name=user.full_name), "success")
            elif changed:
                flash(
                    _(
                        "%(name)s has been deactivated and can no longer sign in.",
                        name=user.full_name,
                    ),
                    "success",
                )
    return redirect(url_for(".user_edit", user_id=user.id))


@bp.post("/users/<int:user_id>/deactivate")
@role_required("admin")
def user_deactivate(user_id):
    return _set_active(user_id, False)


@bp.post("/users/<int:user_id>/reactivate")
@role_required("admin")
def user_reactivate(user_id):
    return _set_active(user_id, True)


@bp.post("/users/<int:user_id>/password-link")
@role_required("admin")
def user_password_link(user_id):
    user = db.get_or_404(User, user_id)
    if EmptyForm().validate_on_submit():
        link = public_url("auth.reset_password", token=make_reset_token(user))
        try:
            send_password_setup(_me(), user, link)
        except Refused as exc:
            flash(str(exc.message), "error")
        else:
            db.session.commit()
            flash(
                _("A password setup link has been sent to %(email)s.", email=user.email), "success"
            )
    return redirect(url_for(".user_edit", user_id=user.id))


# CSV import -------------------------------------------------------------------------------------
@bp.route("/users/import", methods=["GET", "POST"])
@role_required("admin")
def users_import():
    form = ImportForm()
    result = None
    if form.validate_on_submit():
        upload = form.file.data
        filename = (upload.filename or "")[:200]
        result = import_users(upload.read(), actor=_me(), filename=filename)
        if result.ok:
            if _commit():
                return redirect(url_for(".users_import_result", entry_id=result.audit_entry.id))
            result.problems.append(Problem(None, _conflict()))
        db.session.rollback()
    return render_template(
        "admin/import.html",
        form=form,
        result=result,
        required=REQUIRED_COLUMNS,
        optional=OPTIONAL_COLUMNS,
        max_rows=current_app.config["USERS_IMPORT_MAX_ROWS"],
    )


@bp.route("/users/import/<int:entry_id>")
@role_required("admin")
def users_import_result(entry_id):
    entry = db.get_or_404(AuditLog, entry_id)
    if entry.action != "users.import":
        abort(404)
    return render_template("admin/import_result.html", entry=entry, detail=entry.detail or {})


@bp.route("/users/import/template.csv")
@role_required("admin")
def users_import_template():
    first = db.session.scalar(db.select(Unit.code).order_by(Unit.path).limit(1)) or "KODE-UNIT"
    example = [
        "198609262015051001", "Contoh Pegawai, S.Kom.", "contoh.pegawai@instansi.go.id", first,
        "Pranata Komputer Ahli Pertama", "III/a", "peserta", "PNS", "",
    ]  # fmt: skip
    return csv_response("import-pengguna", [*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS], [example])


# Units ------------------------------------------------------------------------------------------
@bp.route("/units")
@role_required("admin")
def units():
    return render_template("admin/units.html", rows=unit_rows())


@bp.route("/units/new", methods=["GET", "POST"])
@role_required("admin")
def unit_new():
    form = UnitForm()
    if request.method == "GET" and request.args.get("parent", "").isdigit():
        form.parent_id.data = int(request.args["parent"])
    if form.validate_on_submit():
        try:
            unit = create_unit(_me(), form.name.data, form.code.data, form.parent_id.data)
        except InvalidData as exc:
            form.add_errors(exc.errors)
        else:
            if not _commit():
                form.form_errors.append(_conflict())
                return render_template("admin/unit_form.html", form=form, unit=None)
            flash(_("The unit %(name)s has been created.", name=unit.name), "success")
            return redirect(url_for(".units"))
    return render_template("admin/unit_form.html", form=form, unit=None)


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
@role_required("admin")
def unit_edit(unit_id):
    unit = db.get_or_404(Unit, unit_id)
    form = UnitForm(unit=unit)
    if form.validate_on_submit():
        try:
            update_unit(_me(), unit, form.name.data, form.code.data, form.parent_id.data)
        except InvalidData as exc:
            db.session.rollback()
            form.add_errors(exc.errors)
        else:
            if _commit():
                flash(_("The unit %(name)s has been saved.", name=unit.name), "success")
                return redirect(url_for(".units"))
            form.form_errors.append(_conflict())
    children, members, supervisors = unit_usage(unit)
    return render_template(
        "admin/unit_form.html",
        form=form,
        unit=unit,
        children=children,
        members=members,
        supervisors=supervisors,
        button=EmptyForm(),
    )


@bp.post("/units/<int:unit_id>/delete")
@role_required("admin")
def unit_delete(unit_id):
    unit = db.get_or_404(Unit, unit_id)
    if EmptyForm().validate_on_submit():
        name = unit.name
        try:
            delete_unit(_me(), unit)
        except Refused as exc:
            flash(str(exc.message), "error")
            return redirect(url_for(".unit_edit", unit_id=unit.id))
        db.session.commit()
        flash(_("The unit %(name)s has been deleted.", name=name), "success")
    return redirect(url_for(".units"))


# Audit log --------------------------------------------------------------------------------------
@bp.route("/audit")
@role_required("admin")
def audit_log():
    page = _paginate(audit_query())
    entries = [(entry, *describe_audit(entry)) for entry in page.items]
    return render_template("admin/audit.html", page=page, entries=entries)
