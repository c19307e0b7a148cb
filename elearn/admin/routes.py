"""Admin pages: people, units, CSV import, audit log.

Thin: parse the form, call a service, commit once, redirect (post/redirect/get).
"""

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..auth.decorators import role_required
from ..auth.services import make_setup_token
from ..exports import csv_response
from ..extensions import db
from ..forms import EmptyForm
from ..models import AuditLog, Certificate, Competency, PositionKind, SetupBatch, Unit, User
from ..tabular import import_upload
from ..urls import public_url
from . import api_tokens, bp  # noqa: F401 (api_tokens: its pages)
from .forms import ImportForm, SetupLinksForm, UnitForm, UserFilterForm, UserForm
from .importer import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, import_users
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
    not_activated_condition,
    send_password_setup,
    set_active,
    unit_choices,
    unit_rows,
    unit_usage,
    update_unit,
    update_user,
    user_list_query,
)
from .setup_links import (
    batch_progress,
    batches_query,
    cancel_pending,
    create_not_activated_batch,
    import_batch,
    not_activated_counts,
    problem_invitations,
    progress_by_batch,
    resend_not_activated,
    retry_failed,
    send_setup_links,
    still_not_activated,
)

# Certificates listed on a person's page; the rest are one link away in the certificate admin.
PERSON_CERTIFICATES = 10


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


# The admin's entry page -------------------------------------------------------------------------
@bp.route("/")
@role_required("admin")
def index():
    """Every admin area on one page, with the figure an admin looks at first in each."""
    figures = db.session.execute(
        select(
            select(func.count(User.id)).where(User.active.is_(True)).scalar_subquery(),
            select(func.count(User.id)).where(not_activated_condition()).scalar_subquery(),
            select(func.count(Unit.id)).scalar_subquery(),
            select(func.count(Competency.id)).where(Competency.active.is_(True)).scalar_subquery(),
            select(func.count(Certificate.id)).scalar_subquery(),
        )
    ).one()
    people, not_activated, units, competencies, certificates = figures
    return render_template(
        "admin/index.html",
        people=people,
        not_activated=not_activated,
        units=units,
        competencies=competencies,
        certificates=certificates,
    )


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
        not_activated=status == "not_activated",
    )
    waiting, never_sent = not_activated_counts()
    return render_template(
        "admin/users.html",
        page=_paginate(stmt),
        filters=filters,
        not_activated=waiting,
        never_sent=never_sent,
    )


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
                return _render_user(form, user)
            if changes:
                flash(_("The changes to %(name)s have been saved.", name=user.full_name), "success")
            else:
                flash(_("Nothing was changed."), "info")
            return redirect(url_for(".user_edit", user_id=user.id))
    return _render_user(form, user)


def _render_user(form, user):
    """The person's page: the form, the account box and their certificates (newest first)."""
    certs = db.session.scalars(
        select(Certificate)
        .where(Certificate.user_id == user.id)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        .limit(PERSON_CERTIFICATES + 1)
    ).all()
    return render_template(
        "admin/user_form.html",
        form=form,
        user=user,
        button=EmptyForm(),
        certificates=certs[:PERSON_CERTIFICATES],
        more_certificates=len(certs) > PERSON_CERTIFICATES,
    )


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
        link = public_url("auth.reset_password", token=make_setup_token(user))
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
        result, saved = import_upload(
            form.file.data,
            lambda data, name: import_users(data, actor=_me(), filename=name),
            conflict=_conflict(),
        )
        if saved:
            return redirect(url_for(".users_import_result", entry_id=result.audit_entry.id))
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
    batch = import_batch(entry.id)
    return render_template(
        "admin/import_result.html",
        entry=entry,
        detail=entry.detail or {},
        batch=batch,
        progress=batch_progress(batch) if batch else None,
    )


@bp.route("/users/import/template.csv")
@role_required("admin")
def users_import_template():
    first = db.session.scalar(db.select(Unit.code).order_by(Unit.path).limit(1)) or "KODE-UNIT"
    kind = db.session.get(PositionKind, "fungsional_ahli_pertama")  # only when loaded
    example = [
        "198609262015051001", "Contoh Pegawai, S.Kom.", "contoh.pegawai@instansi.go.id", first,
        "Pranata Komputer Ahli Pertama", "III/a", "peserta", "PNS", "",
        kind.code if kind else "",
    ]  # fmt: skip
    return csv_response("import-pengguna", [*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS], [example])


# Password setup links in batches ------------------------------------------------------------------
def _wants_json():
    return request.accept_mimetypes.best == "application/json"


def _progress_message(progress):
    return _(
        "%(done)d of %(total)d processed: %(sent)d sent, %(failed)d failed, "
        "%(waiting)d still waiting.",
        done=progress.processed,
        total=progress.total,
        sent=progress.sent,
        failed=progress.failed,
        waiting=progress.pending + progress.sending,
    )


@bp.route("/users/setup-links")
@role_required("admin")
def setup_links():
    page = _paginate(batches_query())
    progress = progress_by_batch([b.id for b in page.items])
    waiting, never_sent = not_activated_counts()
    return render_template(
        "admin/setup_links.html",
        page=page,
        progress=progress,
        not_activated=waiting,
        never_sent=never_sent,
        form=SetupLinksForm(),
    )


@bp.post("/users/setup-links/new")
@role_required("admin")
def setup_links_new():
    form = SetupLinksForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        batch = create_not_activated_batch(_me(), resend=form.resend.data)
    except Refused as exc:
        db.session.rollback()
        flash(str(exc.message), "info")
        return redirect(url_for(".setup_links"))
    db.session.commit()
    return redirect(url_for(".setup_links_batch", batch_id=batch.id))


@bp.route("/users/setup-links/<int:batch_id>")
@role_required("admin")
def setup_links_batch(batch_id):
    batch = db.get_or_404(SetupBatch, batch_id)
    progress = batch_progress(batch)
    return render_template(
        "admin/setup_batch.html",
        batch=batch,
        progress=progress,
        message=_progress_message(progress),
        problems=problem_invitations(batch),
        not_activated=still_not_activated(batch),
        per_round=current_app.config["SETUP_LINKS_PER_ROUND"],
        button=EmptyForm(),
    )


@bp.post("/users/setup-links/<int:batch_id>/send")
@role_required("admin")
def setup_links_send(batch_id):
    batch = db.get_or_404(SetupBatch, batch_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    progress = send_setup_links(
        batch.id, current_app.config["SETUP_LINKS_PER_ROUND"], actor=_me()
    )  # commits after each person
    message = _progress_message(progress)
    if _wants_json():
        return jsonify(message=message, **progress.as_dict())
    flash(message, "error" if progress.failed else "success")
    return redirect(url_for(".setup_links_batch", batch_id=batch.id))


def _batch_action(batch_id, action, message):
    """A button of the batch page: `action(actor, batch)` changes some people, `message(n)`
    says how many. Pressed twice, the second time finds nobody left and says so."""
    batch = db.get_or_404(SetupBatch, batch_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    count = action(_me(), batch)
    db.session.commit()
    flash(message(count), "success" if count else "info")
    return redirect(url_for(".setup_links_batch", batch_id=batch.id))


@bp.post("/users/setup-links/<int:batch_id>/retry")
@role_required("admin")
def setup_links_retry(batch_id):
    return _batch_action(
        batch_id,
        retry_failed,
        lambda n: ngettext(
            "%(num)d person is waiting again for a link.",
            "%(num)d people are waiting again for a link.",
            n,
        ),
    )


@bp.post("/users/setup-links/<int:batch_id>/resend")
@role_required("admin")
def setup_links_resend(batch_id):
    return _batch_action(
        batch_id,
        resend_not_activated,
        lambda n: ngettext(
            "%(num)d person who has not activated yet will receive a new link.",
            "%(num)d people who have not activated yet will receive a new link.",
            n,
        ),
    )


@bp.post("/users/setup-links/<int:batch_id>/cancel")
@role_required("admin")
def setup_links_cancel(batch_id):
    return _batch_action(
        batch_id,
        cancel_pending,
        lambda n: ngettext("%(num)d link will not be sent.", "%(num)d links will not be sent.", n),
    )


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
