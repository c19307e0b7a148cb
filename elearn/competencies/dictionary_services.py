"""The admin's competency dictionary and position standards: list, edit, deactivate, the
matrix of position kinds x competencies, standards per jabatan. Services flush, never commit,
and audit every change."""

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update

from ..extensions import db
from ..models import (
    Competency,
    CompetencyAssessmentItem,
    CompetencyKind,
    CompetencyLevel,
    CourseCompetency,
    DevelopmentPlanItem,
    PositionKind,
    PositionStandard,
    audit,
)
from ..models.competency import position_key
from ..timeutil import utcnow
from .dictionary_import import (
    CODE_MAX,
    LEVELS,
    NAME_MAX,
    POSITION_MAX,
    SECTOR_MAX,
    TEXT_MAX,
    clean,
    clean_block,
    kind_label,
)

KINDS = (CompetencyKind.MANAJERIAL, CompetencyKind.SOSIAL_KULTURAL, CompetencyKind.TEKNIS)


class InvalidCompetency(ValueError):
    """`errors` maps a form field to a message."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


class StaleEdit(Exception):
    """The competency was saved by someone else since the page was opened."""


class Refused(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


# The list ----------------------------------------------------------------------------------------
def dictionary_query(kind="", sector="", search="", status=""):
    """Competencies matching the filters, managerial first, by code and name."""
    # manajerial < sosial_kultural < teknis: the alphabet gives the order of KINDS.
    stmt = select(Competency).order_by(
        Competency.kind, Competency.code.is_(None), Competency.code, func.lower(Competency.name)
    )
    if kind in set(KINDS):
        stmt = stmt.where(Competency.kind == kind)
    if sector:
        stmt = stmt.where(Competency.sector == sector)
    if status == "active":
        stmt = stmt.where(Competency.active.is_(True))
    elif status == "inactive":
        stmt = stmt.where(Competency.active.is_(False))
    term = (search or "").strip().lower()
    if term:
        stmt = stmt.where(
            or_(
                func.lower(Competency.name).contains(term, autoescape=True),
                func.lower(func.coalesce(Competency.code, "")).contains(term, autoescape=True),
                func.lower(Competency.description).contains(term, autoescape=True),
            )
        )
    return stmt


def filled_levels(competency_ids):
    """{competency id: number of levels with an indicator}, one query."""
    if not competency_ids:
        return {}
    rows = db.session.execute(
        select(CompetencyLevel.competency_id, func.count())
        .where(CompetencyLevel.competency_id.in_(competency_ids), CompetencyLevel.indicator != "")
        .group_by(CompetencyLevel.competency_id)
    )
    return dict(rows.all())


def sectors():
    return list(
        db.session.scalars(
            select(Competency.sector)
            .where(Competency.sector != "")
            .group_by(Competency.sector)
            .order_by(Competency.sector)
        )
    )


def usage(competency):
    """How much refers to the competency: course versions, standards, assessments, plans."""

    def count(stmt):
        return db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0

    cid = competency.id
    return {
        "courses": count(
            select(CourseCompetency.version_id).where(CourseCompetency.competency_id == cid)
        ),
        "standards": count(
            select(PositionStandard.id).where(PositionStandard.competency_id == cid)
        ),
        "assessments": count(
            select(CompetencyAssessmentItem.assessment_id).where(
                CompetencyAssessmentItem.competency_id == cid
            )
        ),
        "plans": count(
            select(DevelopmentPlanItem.id).where(DevelopmentPlanItem.competency_id == cid)
        ),
    }


# One competency ----------------------------------------------------------------------------------
@dataclass
class CompetencyData:
    name: str
    kind: str
    code: str = ""
    sector: str = ""
    description: str = ""
    indicators: dict = field(default_factory=dict)  # {level: text}


def stamp_of(competency):
    """The version a page was made from (compared when it is saved)."""
    return competency.updated_at.isoformat() if competency.updated_at else "0"


def _check(data, competency=None):
    errors = {}
    values = {
        "name": clean(data.name),
        "kind": data.kind if competency is None else competency.kind,
        "code": clean(data.code),
        "sector": clean(data.sector),
        "description": clean_block(data.description),
        "indicators": {n: clean_block(data.indicators.get(n, "")) for n in LEVELS},
    }
    if not values["name"]:
        errors["name"] = _l("Enter the name.")
    elif len(values["name"]) > NAME_MAX:
        errors["name"] = _l("At most %(max)d characters.", max=NAME_MAX)
    if values["kind"] not in set(KINDS):
        errors["kind"] = _l("Choose a kind.")
    if len(values["code"]) > CODE_MAX:
        errors["code"] = _l("At most %(max)d characters.", max=CODE_MAX)
    if len(values["sector"]) > SECTOR_MAX:
        errors["sector"] = _l("At most %(max)d characters.", max=SECTOR_MAX)
    if len(values["description"]) > TEXT_MAX:
        errors["description"] = _l("At most %(max)d characters.", max=TEXT_MAX)
    for n, text in values["indicators"].items():
        if len(text) > TEXT_MAX:
            errors[f"level_{n}"] = _l("At most %(max)d characters.", max=TEXT_MAX)
    other = Competency.id != competency.id if competency is not None else True
    if values["code"] and "code" not in errors:
        taken = db.session.scalar(
            select(Competency.name).where(
                func.lower(Competency.code) == values["code"].lower(), other
            )
        )
        if taken is not None:
            errors["code"] = _l("This code already belongs to “%(name)s”.", name=taken)
    if "name" not in errors and "kind" not in errors:
        taken = db.session.scalar(
            select(Competency.id).where(
                func.lower(Competency.name) == values["name"].lower(),
                Competency.kind == values["kind"],
                other,
            )
        )
        if taken is not None:
            errors["name"] = _l("A competency of this kind already has this name.")
    if errors:
        raise InvalidCompetency(errors)
    return values


def _snapshot(competency):
    out = {
        "name": competency.name,
        "code": competency.code or "",
        "sector": competency.sector,
        "description": competency.description,
    }
    levels = {lv.level: lv.indicator for lv in competency.levels}
    for n in LEVELS:
        out[f"level_{n}"] = levels.get(n, "")
    return out


def _apply(competency, values):
    competency.name = values["name"]
    competency.code = values["code"] or None
    competency.sector = values["sector"]
    competency.description = values["description"]
    levels = {lv.level: lv for lv in competency.levels}
    for n, text in values["indicators"].items():
        if n in levels:
            levels[n].indicator = text
        elif text:
            competency.levels.append(CompetencyLevel(level=n, indicator=text))


def create_competency(actor, data):
    values = _check(data)
    competency = Competency(kind=values["kind"], active=True, updated_at=utcnow())
    _apply(competency, values)
    db.session.add(competency)
    db.session.flush()
    audit(actor, "competency.create", competency, name=competency.name, code=competency.code or "")
    return competency


def update_competency(actor, competency, data, stamp):
    """Save the edit made on a page of version `stamp`; StaleEdit when the competency was
    saved since (nothing changed then). Returns the changes {field: [old, new]}. The
    indicators stored with earlier assessments stay as they were."""
    values = _check(data, competency)
    now = utcnow()
    if stamp == "0":
        same = Competency.updated_at.is_(None)
    else:
        try:
            same = Competency.updated_at == datetime.fromisoformat(stamp)
        except ValueError:
            raise StaleEdit() from None
    # Compare and claim in one statement: of two saves from the same page, one wins.
    claimed = db.session.execute(
        update(Competency)
        .where(Competency.id == competency.id, same)
        .values(updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise StaleEdit()
    before = _snapshot(competency)
    _apply(competency, values)
    competency.updated_at = now
    db.session.flush()
    after = _snapshot(competency)
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changes:
        audit(
            actor, "competency.update", competency, name=competency.name,
            code=competency.code or "", changes=changes,
        )  # fmt: skip
    return changes


def set_active(actor, competency, active):
    if competency.active == active:
        return False
    competency.active = active
    competency.updated_at = utcnow()
    db.session.flush()
    action = "competency.reactivate" if active else "competency.deactivate"
    audit(actor, action, competency, name=competency.name, code=competency.code or "")
    return True


def delete_competency(actor, competency):
    """Delete a competency nothing refers to; Refused otherwise (deactivate it instead)."""
    if any(usage(competency).values()):
        raise Refused(
            _l(
                "This competency is used by courses, standards, assessments or plans: it cannot "
                "be deleted. Deactivate it instead."
            )
        )
    audit(actor, "competency.delete", competency, name=competency.name, code=competency.code or "")
    db.session.delete(competency)
    db.session.flush()


# The matrix of position kinds x competencies -----------------------------------------------------
def position_kinds():
    return db.session.scalars(
        select(PositionKind).order_by(PositionKind.position, PositionKind.name)
    ).all()


def matrix_competencies(kind=""):
    """Active competencies of `kind`, or every managerial and socio-cultural one ("")."""
    stmt = select(Competency).where(Competency.active.is_(True))
    if kind in set(KINDS):
        stmt = stmt.where(Competency.kind == kind)
    else:
        stmt = stmt.where(Competency.kind != CompetencyKind.TEKNIS)
    stmt = stmt.order_by(
        Competency.kind, Competency.code.is_(None), Competency.code, func.lower(Competency.name)
    )
    return db.session.scalars(stmt).all()


def matrix_levels(competency_ids):
    """{(position kind code, competency id): level} of the kind standards. One query."""
    if not competency_ids:
        return {}
    rows = db.session.execute(
        select(
            PositionStandard.position_kind, PositionStandard.competency_id, PositionStandard.level
        ).where(
            PositionStandard.position_kind != "", PositionStandard.competency_id.in_(competency_ids)
        )
    )
    return {(k, c): lv for k, c, lv in rows}


def save_matrix(actor, kinds, competencies, posted):
    """Store the levels `posted` ({(kind code, competency id): level or None}) of the cells
    shown. None removes a standard. Returns the number of cells changed (one audit entry)."""
    kind_codes = {k.code for k in kinds}
    comp_ids = {c.id for c in competencies}
    names = {c.id: c.code or c.name for c in competencies}
    stored = {}
    if comp_ids:
        for std in db.session.scalars(
            select(PositionStandard).where(
                PositionStandard.position_kind.in_(kind_codes),
                PositionStandard.competency_id.in_(comp_ids),
            )
        ):
            stored[(std.position_kind, std.competency_id)] = std
    changes = []
    for (kind_code, cid), level in sorted(posted.items()):
        if kind_code not in kind_codes or cid not in comp_ids:
            continue
        std = stored.get((kind_code, cid))
        old = std.level if std is not None else None
        if old == level:
            continue
        if level is None:
            db.session.delete(std)
        elif std is None:
            db.session.add(
                PositionStandard(
                    position_kind=kind_code, position_key="", competency_id=cid, level=level
                )
            )
        else:
            std.level = level
        changes.append([kind_code, names[cid], old, level])
    if changes:
        db.session.flush()
        audit(actor, "standards.update", None, cells=changes)
    return len(changes)


# Standards per jabatan ---------------------------------------------------------------------------
def position_standards_query(search=""):
    stmt = (
        select(PositionStandard)
        .join(Competency, Competency.id == PositionStandard.competency_id)
        .where(PositionStandard.position_key != "")
        .order_by(
            PositionStandard.position_key,
            Competency.kind,
            Competency.code,
            func.lower(Competency.name),
        )
    )
    term = (search or "").strip().lower()
    if term:
        stmt = stmt.where(
            or_(
                PositionStandard.position_key.contains(term, autoescape=True),
                func.lower(Competency.name).contains(term, autoescape=True),
            )
        )
    return stmt


def add_position_standard(actor, position, competency_id, level):
    """Set the level the jabatan `position` requires in a competency (added or changed)."""
    name = clean(position)
    errors = {}
    if not name:
        errors["position"] = _l("Enter the position (jabatan) name.")
    elif len(name) > POSITION_MAX:
        errors["position"] = _l("At most %(max)d characters.", max=POSITION_MAX)
    competency = db.session.get(Competency, competency_id) if competency_id else None
    if competency is None:
        errors["competency_id"] = _l("Choose a competency.")
    if level not in LEVELS:
        errors["level"] = _l("Choose a level from 1 to 5.")
    if errors:
        raise InvalidCompetency(errors)
    key = position_key(name)
    std = db.session.scalar(
        select(PositionStandard).where(
            PositionStandard.position_kind == "",
            PositionStandard.position_key == key,
            PositionStandard.competency_id == competency.id,
        )
    )
    old = std.level if std is not None else None
    if std is None:
        std = PositionStandard(
            position_kind="", position_key=key, position_name=name,
            competency_id=competency.id, level=level,
        )  # fmt: skip
        db.session.add(std)
    else:
        std.level, std.position_name = level, name
    db.session.flush()
    if old != level:
        audit(
            actor, "standards.position_set", std, name=name,
            competency=competency.code or competency.name, changes={"level": [old, level]},
        )  # fmt: skip
    return std


def remove_position_standard(actor, std):
    audit(
        actor, "standards.position_remove", std, name=std.position_name,
        competency=std.competency.code or std.competency.name, level=std.level,
    )  # fmt: skip
    db.session.delete(std)
    db.session.flush()


def competency_choices(active_only=True):
    stmt = select(Competency.id, Competency.code, Competency.name, Competency.kind)
    if active_only:
        stmt = stmt.where(Competency.active.is_(True))
    stmt = stmt.order_by(
        Competency.kind, Competency.code.is_(None), Competency.code, Competency.name
    )
    return [
        (cid, f"{code}: {name}" if code else f"{name} ({kind_label(kind)})")
        for cid, code, name, kind in db.session.execute(stmt)
    ]
