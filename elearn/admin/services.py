"""Administration logic: people, roles, units and the audit log.

Services flush and never commit, and take the acting user as an argument: the routes, the CLI
and the CSV import (importer.py) share them.
"""

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, true
from sqlalchemy.orm import joinedload, lazyload, selectinload

from ..extensions import db
from ..i18n import local_datetime
from ..mail import send_mail
from ..models import (
    AuditLog,
    EmployeeType,
    PositionKind,
    Role,
    Unit,
    User,
    UserRole,
    audit,
    supervised_units,
)
from ..nip import PNS_GRADES, PPPK_GRADES, NipError, clean_nip, normalize_grade, validate_nip
from ..supervision.assignments import apply_unit_assignments
from ..timeutil import utcnow

log = logging.getLogger(__name__)

ROLE_LABELS = {
    Role.LEARNER: _l("Learner"),
    Role.INSTRUCTOR: _l("Instructor"),
    Role.SUPERVISOR: _l("Supervisor"),
    Role.ADMIN: _l("Administrator"),
}
EMPLOYEE_TYPE_LABELS = {
    EmployeeType.PNS: "PNS",
    EmployeeType.PPPK: "PPPK",
    EmployeeType.NON_ASN: _l("Non-ASN"),
}
# Labels of the recorded fields, for the audit log.
FIELD_LABELS = {
    "nip": _l("NIP"),
    "full_name": _l("Full name"),
    "email": _l("Email"),
    "employee_type": _l("Employee type"),
    "unit": _l("Unit"),
    "position": _l("Position (jabatan)"),
    "position_kind": _l("Position kind"),
    "grade": _l("Grade (golongan)"),
    "supervisor": _l("Direct supervisor"),
    "roles": _l("Roles"),
    "supervised": _l("Supervised units"),
    "active": _l("Active"),
    "name": _l("Name"),
    "code": _l("Code"),
    "parent": _l("Parent unit"),
    "title": _l("Title"),
    "description": _l("Description"),
    "version": _l("Version"),
    "reaction_required": _l("Reaction survey required"),
    "anonymous": _l("Anonymous answers"),
    "followup": _l("Follow-up on the job"),
    "reaction_instrument_id": _l("Reaction survey instrument"),
    "kind": _l("Kind"),
    "contact_name": _l("Contact person"),
    "contact_email": _l("Contact email"),
    "contact_phone": _l("Contact phone"),
    "co_organiser": _l("Co-organiser"),
}
AUDIT_ACTIONS = {
    "user.create": _l("Created a user"),
    "user.update": _l("Changed a user"),
    "user.deactivate": _l("Deactivated a user"),
    "user.reactivate": _l("Reactivated a user"),
    "user.password_link": _l("Sent a password setup link"),
    "users.import": _l("Imported users from CSV"),
    "setup_links.create": _l("Prepared password setup links"),
    "setup_links.start": _l("Started sending password setup links"),
    "setup_links.retry": _l("Retried password setup links"),
    "setup_links.resend": _l("Sent password setup links again"),
    "setup_links.cancel": _l("Cancelled password setup links"),
    "unit.create": _l("Created a unit"),
    "unit.update": _l("Changed a unit"),
    "unit.delete": _l("Deleted a unit"),
    "course.import": _l("Imported a course package"),
    "course.create": _l("Created a course"),
    "course.delete": _l("Deleted an unpublished course"),
    "course.draft_start": _l("Started a course draft"),
    "course.draft_discard": _l("Discarded a course draft"),
    "course.publish": _l("Published a course"),
    "course.owner_add": _l("Added a co-instructor"),
    "course.owner_remove": _l("Removed a co-instructor"),
    "certificate.revoke": _l("Revoked a certificate"),
    "certificate.reissue": _l("Reissued a certificate"),
    "assignment.create": _l("Assigned a course"),
    "assignment.withdraw": _l("Withdrew a course assignment"),
    "competency.create": _l("Added a competency"),
    "competency.update": _l("Changed a competency"),
    "competency.deactivate": _l("Deactivated a competency"),
    "competency.reactivate": _l("Reactivated a competency"),
    "competency.delete": _l("Deleted a competency"),
    "competencies.import": _l("Imported competencies"),
    "competencies.load_defaults": _l("Loaded the default competencies and standards"),
    "standards.import": _l("Imported position standards"),
    "standards.update": _l("Changed the standards of position kinds"),
    "standards.position_set": _l("Set a position's standard"),
    "standards.position_remove": _l("Removed a position's standard"),
    "survey_instrument.create": _l("Created a survey instrument"),
    "survey_instrument.edit": _l("Changed a survey instrument"),
    "survey_instrument.activate": _l("Activated a survey instrument"),
    "survey_instrument.deactivate": _l("Deactivated a survey instrument"),
    "survey_instrument.default": _l("Made a survey instrument the default"),
    "survey_settings.edit": _l("Changed a course's evaluation settings"),
    "activity.approve": _l("Approved a development activity"),
    "activity.edit": _l("Changed an approved development activity (back to waiting)"),
    "activity.return": _l("Returned a development activity"),
    "activity_kind.create": _l("Added a kind of development activity"),
    "activity_kind.edit": _l("Changed a kind of development activity"),
    "mentoring_pair.create": _l("Paired a mentor and a mentee"),
    "mentoring_pair.end": _l("Ended a mentoring pair"),
    "mentoring_session.confirm": _l("Confirmed a mentoring session"),
    "mentoring_session.delete": _l("Deleted an unconfirmed mentoring session"),
    "project.create": _l("Recorded a strategic project"),
    "project.edit": _l("Changed a strategic project"),
    "project.member_add": _l("Added a project member"),
    "project.member_edit": _l("Changed a project member's role or hours"),
    "project.member_remove": _l("Removed a project member"),
    "partner.create": _l("Added a partner organisation"),
    "partner.edit": _l("Changed a partner organisation"),
    "partner.person_create": _l("Added a partner's person"),
    "course.co_organiser": _l("Changed a course's co-organiser"),
    "course.siasn_type": _l("Changed a course's SIASN course type"),
    "competency.assess": _l("Assessed a person's competencies"),
    "api_token.create": _l("Issued an API token"),
    "api_token.revoke": _l("Revoked an API token"),
    "api.people_sync": _l("Synced a person through the API"),
    "plan.submit": _l("Submitted a development plan"),
    "plan.withdraw": _l("Withdrew a development plan"),
    "plan.reopen_request": _l("Asked to reopen a development plan"),
}

NAME_MAX = 200
EMAIL_MAX = 254


class InvalidData(ValueError):
    """Input that breaks a rule: `errors` maps a form field name to a message for the user."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


class Refused(ValueError):
    """An action that is not allowed as asked; the message says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# Field rules shared by the form and the CSV import ---------------------------------------------
def nip_problem(nip, employee_type):
    """Why `nip` (already cleaned) is not acceptable for the employee type, or None."""
    if not nip:
        if employee_type in (EmployeeType.PNS, EmployeeType.PPPK):
            return _l(
                "A NIP is required for PNS and PPPK staff; for other staff choose the type Non-ASN "
                "(in a file: the column jenis, value NON-ASN)."
            )
        return None
    try:
        validate_nip(nip, employee_type)
    except NipError as exc:
        return exc.args[0]
    return None


def grade_problem(grade, employee_type):
    """Why the golongan (already normalized) does not fit the employee type, or None."""
    if not grade:
        return None
    if employee_type == EmployeeType.PNS and grade not in PNS_GRADES:
        return _l("%(grade)s is not a PNS golongan (I/a to IV/e).", grade=grade)
    if employee_type == EmployeeType.PPPK and grade not in PPPK_GRADES:
        return _l("%(grade)s is not a PPPK golongan (I to XVII).", grade=grade)
    if employee_type == EmployeeType.NON_ASN:
        return _l("Non-ASN staff have no golongan: leave it empty.")
    return None


def email_problem(email):
    if not email:
        return _l("An email address is required.")
    if len(email) > EMAIL_MAX:
        return _l("The email address is too long.")
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return _l("%(email)s is not a valid email address.", email=email)
    return None


def clean_text(value):
    """Trim and collapse the runs of spaces that spreadsheets and copy-paste leave."""
    return " ".join((value or "").split())


# People -----------------------------------------------------------------------------------------
@dataclass
class UserData:
    """What an admin enters for a person. Ids refer to units and users."""

    full_name: str
    email: str
    nip: str = ""
    employee_type: str = EmployeeType.PNS
    unit_id: int | None = None
    position: str = ""
    position_kind: str = ""  # a PositionKind.code, or ""
    grade: str = ""
    supervisor_id: int | None = None
    supervisor_nip: str = ""  # typed NIP of the direct supervisor; wins over supervisor_id
    roles: list = field(default_factory=lambda: [Role.LEARNER])
    supervised_ids: list = field(default_factory=list)
    active: bool = True


def not_activated_condition():
    """SQL condition: an account that may sign in but has no password yet ("belum aktif")."""
    return db.and_(User.active.is_(True), User.password_hash.is_(None))


def user_list_query(search="", unit=None, role="", active=None, not_activated=False):
    """People matching the filters, by name; unit includes its sub-units; `not_activated`: only
    accounts that may sign in but have no password yet.

    The page costs a fixed number of queries: units are joined, roles loaded in one IN query.
    """
    stmt = (
        select(User)
        .options(joinedload(User.unit), selectinload(User.role_rows))
        .order_by(func.lower(User.full_name), User.id)
    )
    search = (search or "").strip()
    if search:
        term = search.lower()
        conditions = [
            func.lower(User.full_name).contains(term, autoescape=True),
            func.lower(User.email).contains(term, autoescape=True),
        ]
        digits = clean_nip(search)
        if digits.isdigit():
            conditions.append(User.nip.contains(digits, autoescape=True))
        stmt = stmt.where(db.or_(*conditions))
    if unit is not None:
        stmt = stmt.where(User.unit_id.in_(unit.subtree_ids_select()))
    if role:
        stmt = stmt.where(User.role_rows.any(UserRole.role == role))
    if active is not None:
        stmt = stmt.where(User.active.is_(active))
    if not_activated:
        stmt = stmt.where(not_activated_condition())
    return stmt


def position_kind_choices():
    """(code, name) of the position kinds (JPT Pratama, Administrator...), in their order."""
    stmt = select(PositionKind.code, PositionKind.name).order_by(
        PositionKind.position, PositionKind.name
    )
    return [tuple(row) for row in db.session.execute(stmt)]


def supervisor_choices(include_id=None):
    """Active supervisors as (id, label), plus the current supervisor if not among them."""
    wanted = User.active.is_(True) & User.role_rows.any(UserRole.role == Role.SUPERVISOR)
    if include_id:
        wanted = db.or_(wanted, User.id == include_id)
    stmt = (
        select(User)
        .options(lazyload(User.role_rows))
        .where(wanted)
        .order_by(func.lower(User.full_name), User.id)
    )
    return [
        (p.id, f"{p.full_name} ({p.nip})" if p.nip else p.full_name)
        for p in db.session.scalars(stmt)
    ]


def _snapshot(user):
    """The recorded state of a person, as plain values for the audit log."""
    return {
        "nip": user.nip or "",
        "full_name": user.full_name,
        "email": user.email,
        "employee_type": user.employee_type,
        "unit": user.unit.code if user.unit else "",
        "position": user.position or "",
        "position_kind": user.position_kind or "",
        "grade": user.grade or "",
        "supervisor": (user.supervisor.nip or user.supervisor.full_name) if user.supervisor else "",
        "roles": ", ".join(sorted(user.roles)),
        "supervised": ", ".join(sorted(u.code for u in user.supervised)),
        "active": user.active,
    }


def _reports_to(boss, person):
    """True if walking up the supervision chain from `boss` reaches `person`."""
    seen = set()
    current = boss
    while current is not None and current.id not in seen:
        if current.id == person.id:
            return True
        seen.add(current.id)
        current = current.supervisor
    return False


def _check_user(actor, data, user=None):
    """Validate and normalize `data`; return the values to store or raise InvalidData."""
    errors = {}
    etype = data.employee_type
    if etype not in set(EmployeeType):
        errors["employee_type"] = _l("Choose an employee type.")
    nip = clean_nip(data.nip) or None
    if "employee_type" not in errors and (problem := nip_problem(nip, etype)):
        errors["nip"] = problem
    grade = normalize_grade(data.grade)
    if "employee_type" not in errors and (problem := grade_problem(grade, etype)):
        errors["grade"] = problem
    email = (data.email or "").strip().lower()
    if problem := email_problem(email):
        errors["email"] = problem
    full_name = clean_text(data.full_name)
    if not full_name:
        errors["full_name"] = _l("Enter the full name.")
    elif len(full_name) > NAME_MAX:
        errors["full_name"] = _l("At most %(max)d characters.", max=NAME_MAX)
    position = clean_text(data.position)
    if len(position) > NAME_MAX:
        errors["position"] = _l("At most %(max)d characters.", max=NAME_MAX)
    position_kind = (data.position_kind or "").strip()
    if position_kind and db.session.get(PositionKind, position_kind) is None:
        errors["position_kind"] = _l("Choose a position kind from the list.")

    not_self = true() if user is None or user.id is None else User.id != user.id
    if nip and "nip" not in errors:
        taken = db.session.scalar(select(User.full_name).where(User.nip == nip, not_self))
        if taken is not None:
            errors["nip"] = _l("This NIP already belongs to %(name)s.", name=taken)
    if "email" not in errors:
        taken = db.session.scalar(
            select(User.full_name).where(func.lower(User.email) == email, not_self)
        )
        if taken is not None:
            errors["email"] = _l("This email address is already used by %(name)s.", name=taken)

    unit = None
    if data.unit_id:
        unit = db.session.get(Unit, data.unit_id)
        if unit is None:
            errors["unit_id"] = _l("This unit does not exist.")

    supervisor = None
    supervisor_nip = clean_nip(data.supervisor_nip)
    if supervisor_nip:
        supervisor = db.session.scalar(select(User).where(User.nip == supervisor_nip))
        if supervisor is None:
            errors["supervisor_nip"] = _l("Nobody has the NIP %(nip)s.", nip=supervisor_nip)
    elif data.supervisor_id:
        supervisor = db.session.get(User, data.supervisor_id)
        if supervisor is None:
            errors["supervisor_id"] = _l("This person does not exist.")
    sup_field = "supervisor_nip" if supervisor_nip else "supervisor_id"
    if supervisor is not None and user is not None and user.id is not None:
        if supervisor.id == user.id:
            errors[sup_field] = _l("A person cannot be their own supervisor.")
        elif _reports_to(supervisor, user):
            errors[sup_field] = _l(
                "%(name)s already reports to this person: the chain would loop.",
                name=supervisor.full_name,
            )

    try:
        roles = {Role(r) for r in data.roles}
    except ValueError:
        roles = set()
        errors["roles"] = _l("Unknown role.")
    if not roles and "roles" not in errors:
        errors["roles"] = _l("Choose at least one role.")

    supervised = []
    if data.supervised_ids:
        wanted = set(data.supervised_ids)
        supervised = db.session.scalars(select(Unit).where(Unit.id.in_(wanted))).all()
        if len(supervised) != len(wanted):
            errors["supervised_ids"] = _l("One of the chosen units does not exist.")
        elif Role.SUPERVISOR not in roles:
            errors["supervised_ids"] = _l(
                "Only supervisors oversee units: tick the supervisor role or clear these units."
            )

    if user is not None and actor is not None and user.id == actor.id:
        # An admin who locks themselves out may leave the instance with nobody to run it.
        if not data.active:
            errors["active"] = _l("You cannot deactivate your own account.")
        if Role.ADMIN not in roles and "roles" not in errors:
            errors["roles"] = _l("You cannot remove your own administrator role.")

    if errors:
        raise InvalidData(errors)
    return {
        "nip": nip,
        "full_name": full_name,
        "email": email,
        "employee_type": str(etype),
        "unit": unit,
        "position": position,
        "position_kind": position_kind,
        "grade": grade,
        "supervisor": supervisor,
        "roles": roles,
        "supervised": sorted(supervised, key=lambda u: u.id),
        "active": bool(data.active),
    }


def _apply(user, values):
    for name in ("nip", "full_name", "email", "employee_type", "unit", "position", "position_kind",
                 "grade"):  # fmt: skip
        setattr(user, name, values[name])
    user.supervisor = values["supervisor"]
    user.roles = values["roles"]
    user.supervised = values["supervised"]
    user.active = values["active"]


def create_user(actor, data):
    """Create a person without a usable password (they set it from an emailed link)."""
    values = _check_user(actor, data)
    user = User(password_hash=None)
    _apply(user, values)
    db.session.add(user)
    db.session.flush()
    apply_unit_assignments(user)  # the unit's open course assignments for newcomers
    audit(actor, "user.create", user, name=user.full_name, nip=user.nip or "")
    return user


def update_user(actor, user, data):
    """Change a person; return the changed fields as {field: [old, new]}."""
    values = _check_user(actor, data, user)
    before = _snapshot(user)
    _apply(user, values)
    db.session.flush()
    apply_unit_assignments(user)  # the unit's open course assignments for newcomers
    after = _snapshot(user)
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changes:
        audit(actor, "user.update", user, name=user.full_name, nip=user.nip or "", changes=changes)
    return changes


def set_active(actor, user, active):
    """Deactivate or reactivate an account. A deactivated person's sessions end at once."""
    if not active and actor is not None and user.id == actor.id:
        raise Refused(_l("You cannot deactivate your own account."))
    if user.active == active:
        return False
    user.active = active
    db.session.flush()
    action = "user.reactivate" if active else "user.deactivate"
    audit(actor, action, user, name=user.full_name, nip=user.nip or "")
    return True


def password_setup_mail(user, link):
    """(subject, body) of the mail inviting `user` to choose a password, in their language."""
    cfg = current_app.config
    with force_locale(user.locale or cfg["BABEL_DEFAULT_LOCALE"]):
        subject = _("Set the password of your %(app)s account", app=cfg["INSTANCE_SHORT_NAME"])
        body = _(
            "Hello %(name)s,\n\nAn administrator of %(app)s invites you to set the password of "
            "your account. Open this link before %(deadline)s:\n\n%(link)s\n\n"
            "Afterwards, sign in with your NIP or this email address (%(email)s).",
            name=user.full_name,
            app=cfg["INSTANCE_SHORT_NAME"],
            deadline=local_datetime(utcnow() + timedelta(seconds=cfg["SETUP_LINK_MAX_AGE"])),
            link=link,
            email=user.email,
        )
    return subject, body


def send_password_setup(actor, user, link):
    """Mail `link` (a password reset link) so that the person can choose a password."""
    if not user.active:
        raise Refused(_l("This account is deactivated: reactivate it before sending a link."))
    subject, body = password_setup_mail(user, link)
    try:
        send_mail(user.email, subject, body)
    except (OSError, smtplib.SMTPException) as exc:
        log.error("password setup mail to %s failed: %s", user.email, exc)
        raise Refused(_l("The mail could not be sent. Try again later.")) from exc
    user.setup_link_sent_at = utcnow()
    audit(actor, "user.password_link", user, name=user.full_name, email=user.email)


# Units ------------------------------------------------------------------------------------------
def unit_rows():
    """The tree in display order as (unit, depth, direct members, members incl. sub-units).

    Member counts come from one grouped query; subtree totals are summed along the paths.
    """
    tree = Unit.tree()
    direct = dict(
        db.session.execute(
            select(User.unit_id, func.count(User.id))
            .where(User.unit_id.is_not(None))
            .group_by(User.unit_id)
        ).all()
    )
    totals = dict.fromkeys((u.id for u, _d in tree), 0)
    for unit, _depth in tree:
        count = direct.get(unit.id, 0)
        if count:
            for part in unit.path.strip("/").split("/"):
                if part and int(part) in totals:
                    totals[int(part)] += count
    return [(u, d, direct.get(u.id, 0), totals[u.id]) for u, d in tree]


def unit_choices(exclude=None, tree=None):
    """(id, indented name) for every unit, leaving out `exclude` and its sub-units."""
    out = []
    for unit, depth in Unit.tree() if tree is None else tree:
        if exclude is not None and exclude.path and unit.path.startswith(exclude.path):
            continue
        out.append((unit.id, "\u00a0\u00a0\u00a0" * depth + f"{unit.name} ({unit.code})"))
    return out


def _clean_code(value):
    return (value or "").strip().upper()


def _check_unit(name, code, parent_id, unit=None):
    errors = {}
    name = clean_text(name)
    code = _clean_code(code)
    if not name:
        errors["name"] = _l("Enter the name of the unit.")
    elif len(name) > NAME_MAX:
        errors["name"] = _l("At most %(max)d characters.", max=NAME_MAX)
    if not code:
        errors["code"] = _l("Enter a short code, e.g. DISKOMINFO.")
    elif len(code) > 50 or not all(c.isalnum() or c in "-_." for c in code):
        errors["code"] = _l(
            "Use at most 50 letters, digits, dots, dashes or underscores, without spaces."
        )
    parent = None
    if parent_id:
        parent = db.session.get(Unit, parent_id)
        if parent is None:
            errors["parent_id"] = _l("This unit does not exist.")
        elif unit is not None and unit.path and parent.path.startswith(unit.path):
            errors["parent_id"] = _l(
                "A unit cannot be placed under itself or one of its own sub-units."
            )
    not_self = true() if unit is None or unit.id is None else Unit.id != unit.id
    if "code" not in errors:
        taken = db.session.scalar(select(Unit.name).where(func.upper(Unit.code) == code, not_self))
        if taken is not None:
            errors["code"] = _l("This code is already used by %(name)s.", name=taken)
    if "name" not in errors and "parent_id" not in errors:
        parent_cond = Unit.parent_id.is_(None) if parent is None else Unit.parent_id == parent.id
        same = db.session.scalar(
            select(Unit.id).where(func.lower(Unit.name) == name.lower(), parent_cond, not_self)
        )
        if same is not None:
            errors["name"] = _l("A unit with this name already exists at this place in the tree.")
    if errors:
        raise InvalidData(errors)
    return name, code, parent


def create_unit(actor, name, code, parent_id=None):
    name, code, parent = _check_unit(name, code, parent_id)
    unit = Unit(name=name, code=code)
    unit.set_parent(parent)
    audit(actor, "unit.create", unit, name=name, code=code, parent=parent.code if parent else "")
    return unit


def update_unit(actor, unit, name, code, parent_id=None):
    """Rename, recode or move a unit; moving rewrites the paths of its whole subtree."""
    name, code, parent = _check_unit(name, code, parent_id, unit)
    before = {
        "name": unit.name,
        "code": unit.code,
        "parent": unit.parent.code if unit.parent else "",
    }
    unit.name, unit.code = name, code
    db.session.flush()
    if (parent.id if parent else None) != unit.parent_id:
        try:
            unit.set_parent(parent)
        except ValueError:
            raise InvalidData(
                {
                    "parent_id": _l(
                        "A unit cannot be placed under itself or one of its own sub-units."
                    )
                }
            ) from None
    db.session.flush()
    after = {"name": unit.name, "code": unit.code, "parent": parent.code if parent else ""}
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changes:
        audit(actor, "unit.update", unit, name=unit.name, code=unit.code, changes=changes)
    return changes


def unit_usage(unit):
    """(sub-units, members, supervisors) counts that matter before deleting a unit."""
    children = db.session.scalar(select(func.count(Unit.id)).where(Unit.parent_id == unit.id))
    members = db.session.scalar(select(func.count(User.id)).where(User.unit_id == unit.id))
    supervisors = db.session.scalar(
        select(func.count())
        .select_from(supervised_units)
        .where(supervised_units.c.unit_id == unit.id)
    )
    return children, members, supervisors


def delete_unit(actor, unit):
    """Delete an empty unit (no sub-units, no members); supervision of it ends."""
    children, members, supervisors = unit_usage(unit)
    if children:
        raise Refused(
            _l(
                "%(name)s still has %(n)d sub-unit(s): move or delete them first.",
                name=unit.name,
                n=children,
            )
        )
    if members:
        raise Refused(
            _l(
                "%(name)s still has %(n)d member(s): move them to another unit first.",
                name=unit.name,
                n=members,
            )
        )
    audit(actor, "unit.delete", unit, name=unit.name, code=unit.code, supervisors=supervisors)
    db.session.execute(delete(supervised_units).where(supervised_units.c.unit_id == unit.id))
    db.session.delete(unit)
    db.session.flush()


# Audit log --------------------------------------------------------------------------------------
def audit_query():
    return (
        select(AuditLog)
        .options(joinedload(AuditLog.actor).lazyload(User.role_rows))
        .order_by(AuditLog.created_at.desc(), AuditLog.id.desc())
    )


def _plain(value):
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    return str(value) if value not in (None, "") else "\u2013"


def describe_audit(entry):
    """(action label, object label, detail lines) of an audit entry, for people to read."""
    detail = entry.detail or {}
    action = AUDIT_ACTIONS.get(entry.action, entry.action)
    name = detail.get("name", "")
    if entry.object_type == "User":
        obj = f"{name} ({detail['nip']})" if detail.get("nip") else name
    elif entry.object_type == "Unit":
        obj = f"{name} ({detail['code']})" if detail.get("code") else name
    elif entry.object_type == "Certificate":
        obj = f"{name} ({detail['number']})" if detail.get("number") else name
    elif entry.object_type == "SetupBatch":
        obj = _("Setup links #%(id)s", id=entry.object_id)
    elif detail.get("slug"):  # courses and assignments name their course
        obj = detail["slug"]
    else:
        obj = name
    if not obj and entry.object_type:
        obj = f"{entry.object_type} #{entry.object_id}"
    lines = []
    for key, (old, new) in (detail.get("changes") or {}).items():
        label = FIELD_LABELS.get(key, key)
        lines.append(f"{label}: {_plain(old)} → {_plain(new)}")
    if entry.action == "users.import":
        lines.append(
            _(
                "%(rows)d rows: %(created)d created, %(updated)d updated, %(unchanged)d unchanged",
                rows=detail.get("rows", 0),
                created=detail.get("created", 0),
                updated=detail.get("updated", 0),
                unchanged=detail.get("unchanged", 0),
            )
        )
        if detail.get("file"):
            lines.append(_("File: %(file)s", file=detail["file"]))
        if detail.get("via") == "cli":
            lines.append(_("From the command line"))
    if entry.action.startswith("setup_links.") and "count" in detail:
        lines.append(
            ngettext("%(num)d person", "%(num)d people", detail["count"], num=detail["count"])
        )
    if entry.action == "user.password_link" and detail.get("email"):
        lines.append(_("Sent to %(email)s", email=detail["email"]))
    return action, obj, lines
