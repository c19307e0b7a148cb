"""Bulk import of people from a CSV file (the browser page and `flask users import` share it).

All or nothing: every row is checked first, and a file with any bad row changes nothing.
People already known (by NIP, else by email) are updated instead of duplicated; an empty cell
never erases what is stored, and roles in the file are added to the roles a person has.
"""

import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from .. import tabular
from ..extensions import db
from ..models import EmployeeType, PositionKind, Role, Unit, User
from ..nip import clean_nip, employee_type_for_grade, normalize_grade
from ..supervision.assignments import apply_unit_assignments
from ..tabular import Problem
from .services import NAME_MAX, clean_text, email_problem, grade_problem, nip_problem
from .setup_links import create_import_batch

REQUIRED_COLUMNS = ("nip", "nama", "email", "unit", "jabatan", "golongan", "roles")
OPTIONAL_COLUMNS = ("jenis", "atasan_nip", "jenis_jabatan")

ROLE_NAMES = {
    "learner": Role.LEARNER,
    "peserta": Role.LEARNER,
    "instructor": Role.INSTRUCTOR,
    "instruktur": Role.INSTRUCTOR,
    "pengajar": Role.INSTRUCTOR,
    "supervisor": Role.SUPERVISOR,
    "atasan": Role.SUPERVISOR,
    "admin": Role.ADMIN,
    "administrator": Role.ADMIN,
}
EMPLOYEE_TYPE_NAMES = {
    "pns": EmployeeType.PNS,
    "pppk": EmployeeType.PPPK,
    "non-asn": EmployeeType.NON_ASN,
    "non asn": EmployeeType.NON_ASN,
    "non_asn": EmployeeType.NON_ASN,
    "nonasn": EmployeeType.NON_ASN,
}
_ROLE_SPLIT = re.compile(r"[;|,]")
_EXCEL_NUMBER = re.compile(r"\d[.,]\d*[eE]\+?\d+")  # 1,98609E+17
_CHUNK = 500  # values per IN (...) list: well under every database's parameter limit


@dataclass
class ImportResult(tabular.ImportResult):
    setup_batch: object = None  # the offer to mail setup links to the new people


@dataclass
class _Plan:
    line: int
    user: User | None
    nip: str | None
    full_name: str
    email: str
    employee_type: str
    unit_id: int | None
    position: str
    position_kind: str
    grade: str
    roles: set
    supervisor_nip: str


# Reading ----------------------------------------------------------------------------------------
def _too_wide(cells, columns, delimiter):
    return _l(
        "This row has %(cells)d cells but the header has %(columns)d columns: "
        "put values containing “%(sep)s” in double quotes.",
        cells=len(cells),
        columns=columns,
        sep=delimiter,
    )


def _table(max_rows):
    """How read_table reads a people file: CSV only."""
    return {
        "required": REQUIRED_COLUMNS,
        "max_rows": max_rows,
        "too_wide": _too_wide,
        "xlsx": False,
    }


def parse_roles(text):
    """Roles named in a cell ('peserta; instruktur'), and the names not understood."""
    roles, unknown = set(), []
    for part in _ROLE_SPLIT.split(text or ""):
        name = part.strip().lower()
        if not name:
            continue
        if name in ROLE_NAMES:
            roles.add(ROLE_NAMES[name])
        else:
            unknown.append(part.strip())
    return roles, unknown


# Checking ---------------------------------------------------------------------------------------
def _in_chunks(values):
    values = sorted(values)
    for i in range(0, len(values), _CHUNK):
        yield values[i : i + _CHUNK]


class _RowChecker:
    """Checks rows against the file so far and the database, loaded once in a few IN queries."""

    def __init__(self, rows):
        self.file_nips = {clean_nip(r.cells["nip"]) for r in rows} - {""}
        sup_nips = {clean_nip(r.cells.get("atasan_nip", "")) for r in rows} - {""}
        emails = {r.cells["email"].lower() for r in rows} - {""}
        self.by_nip, self.by_email = {}, {}
        for chunk in _in_chunks(self.file_nips | sup_nips):
            for user in db.session.scalars(select(User).where(User.nip.in_(chunk))):
                self.by_nip[user.nip] = user
        for chunk in _in_chunks(emails):
            for user in db.session.scalars(select(User).where(func.lower(User.email).in_(chunk))):
                self.by_email[user.email.lower()] = user
        self.units_by_code, self.units_by_name = {}, {}
        for unit in db.session.scalars(select(Unit)):
            self.units_by_code[unit.code.upper()] = unit
            self.units_by_name.setdefault(unit.name.lower(), []).append(unit)
        self.seen_nip, self.seen_email, self.seen_user = {}, {}, {}
        self.position_kinds = {}  # by code or name, case aside
        for kind in db.session.scalars(select(PositionKind)):
            self.position_kinds[kind.code.casefold()] = kind.code
            self.position_kinds.setdefault(" ".join(kind.name.split()).casefold(), kind.code)

    def check(self, row):
        """Return (plan, errors) for one row; plan is None when there are errors."""
        c, line, errors = row.cells, row.line, []
        nip = clean_nip(c["nip"])
        email = c["email"].lower()
        full_name = clean_text(c["nama"])
        position = clean_text(c["jabatan"])

        errors += self._duplicates(nip, email, line)
        user = self._person(nip, email, line, errors)
        if not full_name:
            errors.append(_l("The name (nama) is empty."))
        elif len(full_name) > NAME_MAX:
            errors.append(_l("The name is longer than %(max)d characters.", max=NAME_MAX))
        if len(position) > NAME_MAX:
            errors.append(_l("The position is longer than %(max)d characters.", max=NAME_MAX))
        if problem := email_problem(email):
            errors.append(problem)
        final_nip, etype, grade = self._employee(c, nip, user, errors)
        unit_id = self._unit(c["unit"], user, errors)
        roles = self._roles(c["roles"], user, errors)
        sup_nip = self._supervisor(c.get("atasan_nip", ""), final_nip, errors)
        position_kind = self._position_kind(c.get("jenis_jabatan", ""), user, errors)
        if errors:
            return None, errors
        # An empty cell keeps what is stored (the name and email are never empty here).
        return _Plan(
            line=line,
            user=user,
            nip=final_nip or None,
            full_name=full_name,
            email=email,
            employee_type=str(etype),
            unit_id=unit_id,
            position=position or (user.position if user is not None else ""),
            position_kind=position_kind,
            grade=grade,
            roles=roles,
            supervisor_nip=sup_nip,
        ), []

    def _duplicates(self, nip, email, line):
        errors = []
        if nip:
            if nip in self.seen_nip:
                errors.append(
                    _l(
                        "NIP %(nip)s also appears on line %(line)d.",
                        nip=nip,
                        line=self.seen_nip[nip],
                    )
                )
            self.seen_nip.setdefault(nip, line)
        if email:
            if email in self.seen_email:
                errors.append(
                    _l(
                        "The email %(email)s also appears on line %(line)d.",
                        email=email,
                        line=self.seen_email[email],
                    )
                )
            self.seen_email.setdefault(email, line)
        return errors

    def _person(self, nip, email, line, errors):
        """The stored person this row describes: by NIP, else by email (people without one)."""
        user = self.by_nip.get(nip) if nip else None
        owner = self.by_email.get(email) if email else None
        if owner is not None and owner is not user:
            if user is not None or (nip and owner.nip and owner.nip != nip):
                errors.append(
                    _l(
                        "The email %(email)s is already used by another person: %(person)s.",
                        email=email,
                        person=_describe(owner),
                    )
                )
            else:
                user = owner
        if user is not None:
            if user.id in self.seen_user:
                errors.append(
                    _l(
                        "This row describes the same person as line %(line)d.",
                        line=self.seen_user[user.id],
                    )
                )
            self.seen_user.setdefault(user.id, line)
        return user

    def _employee(self, c, nip, user, errors):
        """(NIP, employee type, golongan) to store, checked against each other."""
        grade = normalize_grade(c["golongan"]) or (user.grade if user is not None else "") or ""
        # The jenis column, else what the golongan says, else what is stored, else PNS.
        kind = c.get("jenis", "").strip().lower()
        etype = EMPLOYEE_TYPE_NAMES.get(kind) if kind else None
        if kind and etype is None:
            errors.append(
                _l("Unknown employee type “%(type)s”: use PNS, PPPK or NON-ASN.", type=kind)
            )
        etype = (
            etype
            or employee_type_for_grade(grade)
            or (user.employee_type if user is not None else None)
            or EmployeeType.PNS
        )
        final_nip = nip or (user.nip if user is not None else "") or ""
        if _EXCEL_NUMBER.search(c["nip"]):
            errors.append(
                _l(
                    "Excel turned the NIP into a number (%(value)s): format the nip column as "
                    "Text and type the NIP again.",
                    value=c["nip"],
                )
            )
        elif problem := nip_problem(final_nip, etype):
            errors.append(problem)
        if problem := grade_problem(grade, etype):
            errors.append(problem)
        return final_nip, etype, grade

    def _unit(self, text, user, errors):
        current = user.unit_id if user is not None else None
        if not text:
            return current
        unit = self.units_by_code.get(text.upper())
        if unit is not None:
            return unit.id
        named = self.units_by_name.get(text.lower(), [])
        if len(named) == 1:
            return named[0].id
        if named:
            errors.append(_l("Several units are named “%(unit)s”: use the unit code.", unit=text))
        else:
            errors.append(
                _l("Unknown unit “%(unit)s”: use a unit code from the Units page.", unit=text)
            )
        return current

    def _roles(self, text, user, errors):
        roles, unknown = parse_roles(text)
        for name in unknown:
            errors.append(
                _l(
                    "Unknown role “%(role)s”: use peserta, instruktur, atasan or admin.",
                    role=name,
                )
            )
        if user is not None:
            return roles | user.roles  # an import adds roles; removing one is done by hand
        return roles or {Role.LEARNER}

    def _position_kind(self, text, user, errors):
        text = clean_text(text)
        if not text:
            return user.position_kind if user is not None else ""
        code = self.position_kinds.get(text.casefold())
        if code is None:
            errors.append(
                _l(
                    "Unknown position kind “%(kind)s” (jenis_jabatan): use a code or a name "
                    "from the list of position kinds, e.g. pelaksana or JPT Pratama.",
                    kind=text,
                )
            )
            return ""
        return code

    def _supervisor(self, text, own_nip, errors):
        sup_nip = clean_nip(text)
        if not sup_nip:
            return ""
        if sup_nip == own_nip:
            errors.append(_l("A person cannot be their own supervisor."))
        elif sup_nip not in self.file_nips and sup_nip not in self.by_nip:
            errors.append(
                _l(
                    "No person with the NIP %(nip)s (atasan_nip) in this file or in the system.",
                    nip=sup_nip,
                )
            )
        return sup_nip


def _describe(user):
    return f"{user.full_name} (NIP {user.nip})" if user.nip else user.full_name


def _check_rows(rows):
    """Return (plans, problems): one plan per good row, every problem of every bad row."""
    plans, problems = tabular.check_rows(rows, _RowChecker(rows).check)
    if not problems:
        problems.extend(_supervision_loops(plans))
    return plans, problems


def _supervision_loops(plans):
    """Rows whose atasan_nip chain, within the file, comes back to the row's own person."""
    boss = {p.nip: p.supervisor_nip for p in plans if p.nip and p.supervisor_nip}
    out = []
    for plan in plans:
        if not plan.nip or not plan.supervisor_nip:
            continue
        seen, current = set(), boss.get(plan.nip)
        while current and current not in seen:
            if current == plan.nip:
                out.append(
                    Problem(
                        plan.line,
                        str(_l("The atasan_nip chain loops back to this person.")),
                    )
                )
                break
            seen.add(current)
            current = boss.get(current)
    return out


# Writing ----------------------------------------------------------------------------------------
def _state(user):
    return (
        user.nip,
        user.full_name,
        user.email,
        user.employee_type,
        user.unit_id,
        user.position,
        user.position_kind,
        user.grade,
        user.supervisor_id,
        frozenset(user.roles),
    )


def import_users(data, *, actor=None, filename="", via="web", max_rows=None):
    """Check the CSV bytes and, if every row is good, create or update all people at once.

    Returns an ImportResult. With problems, nothing has been changed; the caller commits
    otherwise (the import is one audit entry with the counts).
    """
    if max_rows is None:
        max_rows = current_app.config["USERS_IMPORT_MAX_ROWS"]
    result = ImportResult()
    read = tabular.start_import(result, data, filename, **_table(max_rows))
    if read is None:
        return result
    rows, problems = read
    plans, row_problems = _check_rows(rows)
    problems += row_problems
    if problems:
        return result.stop(problems)

    before, created = {}, []
    with db.session.no_autoflush:
        for plan in plans:
            user = plan.user
            if user is None:
                user = User(password_hash=None, active=True)
                db.session.add(user)
                plan.user = user
                created.append(user)
                result.created += 1
            else:
                before[id(user)] = _state(user)
            user.nip = plan.nip
            user.full_name = plan.full_name
            user.email = plan.email
            user.employee_type = plan.employee_type
            user.unit_id = plan.unit_id
            user.position = plan.position
            user.position_kind = plan.position_kind
            user.grade = plan.grade
            if user.roles != plan.roles:
                user.roles = plan.roles
    db.session.flush()

    wanted = {p.supervisor_nip for p in plans if p.supervisor_nip}
    people = {p.nip: p.user for p in plans if p.nip}
    missing = wanted - people.keys()
    for chunk in _in_chunks(missing):
        for user in db.session.scalars(select(User).where(User.nip.in_(chunk))):
            people[user.nip] = user
    for plan in plans:
        if plan.supervisor_nip:
            plan.user.supervisor_id = people[plan.supervisor_nip].id
    for plan in plans:
        if id(plan.user) in before:
            if _state(plan.user) == before[id(plan.user)]:
                result.unchanged += 1
            else:
                result.updated += 1
    db.session.flush()
    apply_unit_assignments([plan.user for plan in plans])  # units' assignments for newcomers
    result.record(actor, "users.import", filename, via)
    result.setup_batch = create_import_batch(actor, created, result.audit_entry)
    return result
