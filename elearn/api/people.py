"""People (list, one, upsert by NIP for the HR database's sync) and units."""

from flask import g
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from ..admin.services import InvalidData, UserData, create_user, update_user
from ..extensions import db
from ..models import Role, Unit, User
from ..models.user import audit
from ..supervision.services import is_admin, scope_condition, unit_scope_condition
from ..urls import public_url
from . import schemas as s
from .auth import ServiceViewer, requires, viewer
from .blueprint import api_blueprint
from .filters import in_unit, invalid, person_of
from .pagination import keyset, page_body
from .problems import ApiProblem

blp = api_blueprint("api_people", "People and units.")

Boss = aliased(User, name="boss")


def person_out(user, unit, supervisor_nip):
    return {
        "nip": user.nip,
        "full_name": user.full_name,
        "email": user.email,
        "employee_type": user.employee_type,
        "unit": unit.code if unit is not None else None,
        "unit_name": unit.name if unit is not None else None,
        "position": user.position or "",
        "position_kind": user.position_kind or "",
        "grade": user.grade or "",
        "supervisor_nip": supervisor_nip,
        "active": bool(user.active),
    }


@blp.route("/people")
@blp.arguments(s.UnitArgs, location="query")
@blp.response(200, s.PersonPage)
@requires("reports:read")
def people(args):
    """People the token's owner may see (everyone for a service), by id."""
    stmt = (
        select(User, Unit, Boss.nip)
        .outerjoin(Unit, Unit.id == User.unit_id)
        .outerjoin(Boss, Boss.id == User.supervisor_id)
        .where(scope_condition(viewer()))
    )
    stmt = in_unit(stmt, args["unit"])
    rows, cursor = keyset(stmt, [User.id], args["cursor"], args["limit"], lambda r: [r[0].id])
    return page_body([person_out(*row) for row in rows], cursor)


@blp.route("/people/<string:nip>")
@blp.response(200, s.Person)
@requires("reports:read")
def person(nip):
    return _out(person_of(nip))


def _out(user):
    boss = user.supervisor
    return person_out(user, user.unit, boss.nip if boss is not None else None)


def _may_sync():
    who = viewer()
    return isinstance(who, ServiceViewer) or is_admin(who)


FIELD_NAMES = {"unit_id": "unit", "supervisor_id": "supervisor_nip"}


def _invalid(errors):
    return invalid({FIELD_NAMES.get(k, k): v for k, v in errors.items()})


@blp.route("/people/<string:nip>", methods=["PUT"])
@blp.arguments(s.PersonIn)
@blp.response(200, s.PersonSaved)
@blp.alt_response(201, schema=s.PersonSaved, description="Added")
@requires("people:sync")
def upsert_person(data, nip):
    """Add or update the person with this NIP (the HR database's sync). The same call twice
    changes nothing the second time. Roles, supervised units and passwords are never
    touched here; a new person signs in after an emailed setup link (admin pages)."""
    if not _may_sync():
        raise ApiProblem(
            403, _("Not allowed"), _("Only an administrator's or a service's token syncs people.")
        )
    unit = None
    if data["unit"]:
        unit = db.session.scalar(select(Unit).where(Unit.code == data["unit"]))
        if unit is None:
            raise _invalid({"unit": _("There is no unit %(code)s.", code=data["unit"])})
    existing = db.session.scalar(select(User).where(User.nip == nip))
    fields = {
        "full_name": data["full_name"],
        "email": data["email"],
        "nip": nip,
        "employee_type": data["employee_type"],
        "unit_id": unit.id if unit is not None else None,
        "position": data["position"],
        "position_kind": data["position_kind"],
        "grade": data["grade"],
        "supervisor_nip": data["supervisor_nip"] or "",
        "active": data["active"],
    }
    actor = None if isinstance(viewer(), ServiceViewer) else viewer()
    try:
        if existing is None:
            user = create_user(actor, UserData(**fields, roles=[Role.LEARNER]))
            changed = sorted(FIELD_NAMES.get(k, k) for k in fields if k != "supervisor_nip")
        else:
            roles = sorted(existing.roles) or [Role.LEARNER]
            supervised = [u.id for u in existing.supervised]
            data_ = UserData(**fields, roles=roles, supervised_ids=supervised)
            changed = sorted(update_user(actor, existing, data_))
            user = existing
        if actor is None:
            audit(None, "api.people_sync", user, token=g.api_token.name, changed=changed)
        db.session.commit()
    except InvalidData as exc:
        db.session.rollback()
        raise _invalid(exc.errors) from None
    except IntegrityError:  # the same NIP or email sent twice at once
        db.session.rollback()
        raise ApiProblem(
            409, _("Conflict"), _("This person was changed at the same moment. Send it again.")
        ) from None
    body = _out(user) | {"created": existing is None, "changed": changed}
    if existing is None:
        return body, 201, {"Location": public_url("api_people.person", nip=nip)}
    return body


@blp.route("/units")
@blp.arguments(s.PageArgs, location="query")
@blp.response(200, s.UnitPage)
@requires("reports:read")
def units(args):
    """The units the token's owner may filter by (every unit for an admin or a service)."""
    parent = aliased(Unit, name="parent")
    stmt = (
        select(Unit, parent.code)
        .outerjoin(parent, parent.id == Unit.parent_id)
        .where(unit_scope_condition(viewer()))
    )
    rows, cursor = keyset(stmt, [Unit.id], args["cursor"], args["limit"], lambda r: [r[0].id])
    items = [{"code": u.code, "name": u.name, "parent": code} for u, code in rows]
    return page_body(items, cursor)
