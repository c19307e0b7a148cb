"""Admin pages."""

from flask import render_template
from sqlalchemy import select

from ..auth.decorators import role_required
from ..extensions import db
from ..models import AuditLog, Unit, User
from . import bp


@bp.route("/users")
@role_required("admin")
def users():
    page = db.paginate(select(User).order_by(User.full_name))
    return render_template("admin/users.html", page=page)


@bp.route("/units")
@role_required("admin")
def units():
    return render_template("admin/units.html", tree=Unit.tree())


@bp.route("/audit")
@role_required("admin")
def audit_log():
    page = db.paginate(select(AuditLog).order_by(AuditLog.id.desc()))
    return render_template("admin/audit.html", page=page)
