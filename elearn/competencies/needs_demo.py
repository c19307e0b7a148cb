"""Demo assessments for `flask demo seed`: self and supervisor assessments of the demo people
for this year and the previous one, so that "My competencies", the team's assessment list and
the unit heatmap (with its trend) are filled for every role. Runs after the dictionary and the
standards are loaded; without them it adds nothing."""

import hashlib

from sqlalchemy import select

from ..demo import EMAIL_DOMAIN
from ..extensions import db
from ..learn.services import current_year
from ..models import (
    AssessorRole,
    CompetencyAssessment,
    CompetencyAssessmentItem,
    CompetencyLevel,
    User,
)
from ..timeutil import utcnow
from .standards import required_levels

NOT_ASSESSED = {"lina"}  # shows the "not assessed yet" state in the supervisor's list


def _offset(*parts):
    """A repeatable small number in -2..1 for a person and a competency."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return digest[0] % 4 - 2


def _assessor_of(person, supervisors, admin):
    if person.supervisor is not None and person.supervisor.id != person.id:
        return person.supervisor
    for boss in supervisors:
        inside = person.unit is not None and any(person.unit.is_within(u) for u in boss.supervised)
        if boss.id != person.id and inside:
            return boss
    return admin if admin is not None and admin.id != person.id else None


def seed_assessments(now=None):
    """Add the demo assessments once; returns the number of assessments added (0 when they
    are there already or when no standard applies to any demo person)."""
    now = now or utcnow()
    people = db.session.scalars(
        select(User).where(User.email.endswith("@" + EMAIL_DOMAIN)).order_by(User.id)
    ).all()
    if not people:
        return 0
    ids = [p.id for p in people]
    if db.session.scalar(
        select(CompetencyAssessment.id).where(CompetencyAssessment.user_id.in_(ids)).limit(1)
    ):
        return 0
    indicators = {
        (cid, level): text
        for cid, level, text in db.session.execute(
            select(CompetencyLevel.competency_id, CompetencyLevel.level, CompetencyLevel.indicator)
        )
    }
    if not indicators:
        return 0  # no dictionary yet
    supervisors = [p for p in people if p.has_role("supervisor")]
    admin = next((p for p in people if p.has_role("admin")), None)
    year = current_year(now)
    added = 0
    for person in people:
        key = person.email.split("@")[0]
        required = required_levels(person.id)
        if not required or key in NOT_ASSESSED:
            continue
        assessor = _assessor_of(person, supervisors, admin)
        for period, drift in ((year - 1, -1), (year, 0)):
            own = {
                cid: max(1, min(5, need + _offset(person.nip, cid, period) + 1 + drift))
                for cid, need in required.items()
            }
            rounds = [(AssessorRole.SELF, person, own)]
            if assessor is not None:
                theirs = {
                    cid: max(1, min(5, lv - (1 if _offset(cid, person.nip) < -1 else 0)))
                    for cid, lv in own.items()
                }
                rounds.append((AssessorRole.SUPERVISOR, assessor, theirs))
            for role, by, levels in rounds:
                assessment = CompetencyAssessment(
                    user_id=person.id, period=period, role=role, assessor_id=by.id,
                    created_at=now, updated_at=now,
                )  # fmt: skip
                assessment.items = [
                    CompetencyAssessmentItem(
                        competency_id=cid,
                        level=lv,
                        note="",
                        indicator=indicators.get((cid, lv), ""),
                    )
                    for cid, lv in levels.items()
                ]
                db.session.add(assessment)
                added += 1
    db.session.flush()
    return added
