"""The admin's editor of activity kinds (thin): each kind's JP rule, caps, part of the 10:20:70
model and SIASN codes. Editing a rule changes the credit of activities saved from then on;
the JP of activities already saved stay as they are (Activity.jp)."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ..auth.decorators import role_required
from ..extensions import db
from ..models import ActivityKind
from . import bp
from .forms import KindForm
from .services import SOURCE_LABELS, ActivityError, all_kinds, create_kind, edit_kind


def _me():
    return current_user._get_current_object()


@bp.app_template_global()
def activity_source_label(source):
    return SOURCE_LABELS.get(source, source or "")


@bp.get("/kinds")
@role_required("admin")
def kinds():
    rows = all_kinds()
    db.session.commit()  # the shipped kinds, loaded on the first visit, are kept
    return render_template(
        "activities/kinds.html", kinds=rows, jp_minutes=int(current_app.config["JP_MINUTES"])
    )


def _page(form, kind=None, status=200):
    return render_template(
        "activities/kind_form.html",
        form=form,
        kind=kind,
        jp_minutes=int(current_app.config["JP_MINUTES"]),
    ), status


def _refused(exc, form, kind):
    db.session.rollback()
    form.show_errors(getattr(exc, "errors", None) or {exc.field or "name": exc.message})
    return _page(form, kind, 400)


@bp.route("/kinds/new", methods=["GET", "POST"])
@role_required("admin")
def kind_new():
    form = KindForm()
    if not form.is_submitted():
        return _page(KindForm(formdata=None))[0]
    if not form.validate_on_submit():
        abort(400)
    try:
        kind = create_kind(_me(), form.to_input())
        db.session.commit()
    except ActivityError as exc:
        return _refused(exc, form, None)
    except IntegrityError:  # the same code added at the same moment
        db.session.rollback()
        form.code.errors = [_("Another kind has this code.")]
        return _page(form, None, 400)
    flash(_("The kind “%(name)s” has been added.", name=kind.name), "success")
    return redirect(url_for(".kinds"))


@bp.route("/kinds/<int:kind_id>", methods=["GET", "POST"])
@role_required("admin")
def kind_edit(kind_id):
    kind = db.session.get(ActivityKind, kind_id)
    if kind is None:
        abort(404)
    form = KindForm()
    if not form.is_submitted():
        form = KindForm(formdata=None)
        form.fill(kind)
        return _page(form, kind)[0]
    if not form.validate_on_submit():
        abort(400)
    form.code.data = kind.code  # fixed once created
    try:
        changes = edit_kind(_me(), kind, form.to_input())
    except ActivityError as exc:
        return _refused(exc, form, kind)
    db.session.commit()
    if changes:
        flash(_("The kind “%(name)s” has been saved.", name=kind.name), "success")
    else:
        flash(_("Nothing changed."), "info")
    return redirect(url_for(".kinds"))
