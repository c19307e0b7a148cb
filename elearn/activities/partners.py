"""Partner organisations (universities, companies, communities, other agencies) and their
people: accounts without a NIP, instructors limited to the courses they are invited to (see
authoring/access.py) and mentors with the learner role.

Services flush and never commit, and take the acting user as an argument. A partner's person
is created through the admin's own account service (admin/services.py create_user), so that the
rules for names, emails and roles are the same everywhere; the setup link is mailed by the
route after the commit, with the admin's send_password_setup.
"""

import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, true
from sqlalchemy.orm import selectinload

from ..admin.services import InvalidData, UserData, clean_text, create_user, email_problem
from ..extensions import db
from ..models import (
    Course,
    EmployeeType,
    Partner,
    PartnerKind,
    Role,
    User,
    audit,
    course_owners,
)

KIND_LABELS = {
    PartnerKind.UNIVERSITY: _l("University"),
    PartnerKind.COMPANY: _l("Private company"),
    PartnerKind.COMMUNITY: _l("Community"),
    PartnerKind.AGENCY: _l("Other government agency"),
}
# A partner's people teach (instructor) or mentor and learn (learner); never more.
PERSON_ROLES = (Role.INSTRUCTOR, Role.LEARNER)
NAME_MIN, NAME_MAX = 2, 200
CONTACT_MAX = 200
PHONE_MAX = 40
_PHONE = re.compile(r"[0-9+()./\- ]+")
PHONE_MIN_DIGITS = 6


class InvalidPartner(ValueError):
    """Field name -> message for the admin; nothing was saved."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


def kind_label(kind):
    return KIND_LABELS.get(kind, kind)


# Partners ---------------------------------------------------------------------------------------
@dataclass
class PartnerData:
    name: str
    kind: str = PartnerKind.UNIVERSITY
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    active: bool = True


def _check(data, partner=None):
    """The values to store, or InvalidPartner with every problem at once."""
    errors = {}
    name = clean_text(data.name)
    if len(name) < NAME_MIN:
        errors["name"] = _l(
            "Enter the organisation's name (at least %(min)d characters).", min=NAME_MIN
        )
    elif len(name) > NAME_MAX:
        errors["name"] = _l("At most %(max)d characters.", max=NAME_MAX)
    else:
        not_self = true() if partner is None else Partner.id != partner.id
        taken = db.session.scalar(
            select(Partner.name).where(func.lower(Partner.name) == name.lower(), not_self)
        )
        if taken is not None:
            errors["name"] = _l("A partner called %(name)s exists already.", name=taken)
    kind = data.kind or ""
    if kind not in set(PartnerKind):
        errors["kind"] = _l("Choose the kind of organisation.")
    contact_name = clean_text(data.contact_name)
    if len(contact_name) > CONTACT_MAX:
        errors["contact_name"] = _l("At most %(max)d characters.", max=CONTACT_MAX)
    email = (data.contact_email or "").strip().lower()
    if email and (problem := email_problem(email)):
        errors["contact_email"] = problem
    phone = clean_text(data.contact_phone)
    if phone and (
        len(phone) > PHONE_MAX
        or not _PHONE.fullmatch(phone)
        or sum(c.isdigit() for c in phone) < PHONE_MIN_DIGITS
    ):
        errors["contact_phone"] = _l(
            "Type a phone number with its area code, e.g. 0274 512345 or +62 812 3456 7890."
        )
    if errors:
        raise InvalidPartner(errors)
    return {
        "name": name,
        "kind": str(kind),
        "contact_name": contact_name,
        "contact_email": email,
        "contact_phone": phone,
        "active": bool(data.active),
    }


def _snapshot(partner):
    return {k: getattr(partner, k) for k in ("name", "kind", "contact_name", "contact_email",
                                              "contact_phone", "active")}  # fmt: skip


def create_partner(actor, data):
    values = _check(data)
    partner = Partner(**values)
    db.session.add(partner)
    db.session.flush()
    audit(actor, "partner.create", partner, name=partner.name, kind=partner.kind)
    return partner


def update_partner(actor, partner, data):
    """Change a partner; return the changed fields as {field: [old, new]} (audited)."""
    values = _check(data, partner)
    before = _snapshot(partner)
    for name, value in values.items():
        setattr(partner, name, value)
    db.session.flush()
    after = _snapshot(partner)
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changes:
        audit(actor, "partner.edit", partner, name=partner.name, changes=changes)
    return changes


def partner_query(search="", kind="", active=None):
    """Partners matching the filters, by name (paginated by the caller)."""
    stmt = select(Partner).order_by(func.lower(Partner.name), Partner.id)
    search = (search or "").strip().lower()
    if search:
        stmt = stmt.where(
            or_(
                func.lower(Partner.name).contains(search, autoescape=True),
                func.lower(Partner.contact_name).contains(search, autoescape=True),
                func.lower(Partner.contact_email).contains(search, autoescape=True),
            )
        )
    if kind:
        stmt = stmt.where(Partner.kind == kind)
    if active is not None:
        stmt = stmt.where(Partner.active.is_(active))
    return stmt


@dataclass
class PartnerCounts:
    people: int = 0
    courses: int = 0


def counts_for(partner_ids):
    """{partner id: PartnerCounts} (its people, the courses it co-organises): two queries."""
    ids = list(partner_ids)
    out = {pid: PartnerCounts() for pid in ids}
    if not ids:
        return out
    for pid, n in db.session.execute(
        select(User.partner_id, func.count(User.id))
        .where(User.partner_id.in_(ids))
        .group_by(User.partner_id)
    ):
        out[pid].people = n
    for pid, n in db.session.execute(
        select(Course.partner_id, func.count(Course.id))
        .where(Course.partner_id.in_(ids))
        .group_by(Course.partner_id)
    ):
        out[pid].courses = n
    return out


def active_partner_choices(include_id=None):
    """(id, name) of the active partners, plus `include_id` (a course's current co-organiser,
    deactivated since) so that saving a form does not drop it silently."""
    wanted = Partner.active.is_(True)
    if include_id:
        wanted = or_(wanted, Partner.id == include_id)
    stmt = select(Partner.id, Partner.name).where(wanted).order_by(func.lower(Partner.name))
    return [tuple(row) for row in db.session.execute(stmt)]


# A partner's people -----------------------------------------------------------------------------
def people_query(partner):
    """The partner's accounts, by name, with their roles (one IN query)."""
    return (
        select(User)
        .where(User.partner_id == partner.id)
        .options(selectinload(User.role_rows))
        .order_by(func.lower(User.full_name), User.id)
    )


def course_counts(user_ids):
    """{user id: number of courses they are an instructor of}, in one query."""
    ids = list(user_ids)
    if not ids:
        return {}
    return dict(
        db.session.execute(
            select(course_owners.c.user_id, func.count(course_owners.c.course_id))
            .where(course_owners.c.user_id.in_(ids))
            .group_by(course_owners.c.user_id)
        ).all()
    )


def partner_courses(partner, limit):
    """(the first `limit` courses the partner co-organises by creation, newest first; how many
    there are), in two queries."""
    total = db.session.scalar(select(func.count(Course.id)).where(Course.partner_id == partner.id))
    courses = db.session.scalars(
        select(Course)
        .where(Course.partner_id == partner.id)
        .options(selectinload(Course.current_version))
        .order_by(Course.created_at.desc(), Course.id.desc())
        .limit(limit)
    ).all()
    return courses, total or 0


@dataclass
class PersonData:
    full_name: str
    email: str
    roles: list = field(default_factory=lambda: [Role.INSTRUCTOR.value])


def add_person(actor, partner, data):
    """A partner's person: no NIP, non-ASN, no unit, roles among PERSON_ROLES, no password yet
    (they choose it from the setup link). Raises InvalidPartner with the fields' messages."""
    if not partner.active:
        raise InvalidPartner(
            {"": _l("This partner is deactivated: reactivate it before adding people.")}
        )
    roles = list(data.roles or [])
    if any(r not in {str(p) for p in PERSON_ROLES} for r in roles):
        raise InvalidPartner({"roles": _l("A partner's person is an instructor or a learner.")})
    try:
        user = create_user(
            actor,
            UserData(
                full_name=data.full_name,
                email=data.email,
                nip="",
                employee_type=EmployeeType.NON_ASN,
                unit_id=None,
                roles=roles,
            ),
        )
    except InvalidData as exc:
        raise InvalidPartner(dict(exc.errors)) from None
    user.partner_id = partner.id
    db.session.flush()
    audit(
        actor,
        "partner.person_create",
        user,
        name=user.full_name,
        email=user.email,
        partner=partner.name,
        partner_id=partner.id,
        roles=sorted(user.roles),
    )
    return user
