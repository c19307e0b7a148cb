"""Demo development plans for `flask demo seed`: drafts, plans awaiting a decision, a returned
one and approved ones (with a course the person already completed), for the demo people."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..demo import EMAIL_DOMAIN
from ..extensions import db
from ..learn.services import current_year
from ..models import Competency, Course, User
from ..models.competency import DevelopmentPlan, DevelopmentPlanItem, PlanStatus
from ..notifications.services import internal_path, notify_approval_needed
from ..timeutil import utcnow

# person: (status, decided by, note, [course slug or (activity, JP, competency name)])
PLANS = {
    "agus": (PlanStatus.APPROVED, "hendra", "Rencana sudah sesuai kebutuhan jabatan.", [
        "komunikasi-pelayanan-publik",
        "literasi-digital-asn",
        ("Coaching bulanan dengan atasan langsung", 4, "Pengembangan Diri dan Orang Lain"),
    ]),
    "dewi": (PlanStatus.SUBMITTED, None, "", [
        "literasi-digital-asn",
        ("Workshop keamanan aplikasi web", 5, None),
    ]),
    "rudi": (PlanStatus.DRAFT, None, "", [
        "komunikasi-pelayanan-publik",
        ("Seminar nasional kehumasan pemerintah", 4, "Komunikasi"),
    ]),
    "yusuf": (PlanStatus.SUBMITTED, None, "", [
        "komunikasi-pelayanan-publik",
        ("Job shadowing di Dukcapil provinsi", 8, "Pelayanan Publik"),
    ]),
    "fitri": (PlanStatus.RETURNED, "siti", "Tambahkan satu kegiatan untuk pelayanan publik.", [
        "literasi-digital-asn",
    ]),
    "maria": (PlanStatus.APPROVED, "hendra", "", [
        "manajemen-proyek-pemerintah",
        ("Mentoring penyusunan analisis kebijakan", 6, "Pengambilan Keputusan"),
    ]),
}  # fmt: skip


def seed_plans(now=None):
    """The plans above for this year, for the demo people who have none yet (a second run
    adds nothing). Returns the number of rows added (plans and items)."""
    now = now or utcnow()
    year = current_year(now)
    people = {
        u.email.split("@")[0]: u
        for u in db.session.scalars(select(User).where(User.email.endswith("@" + EMAIL_DOMAIN)))
    }
    if not people:
        return 0
    having = set(
        db.session.scalars(select(DevelopmentPlan.user_id).where(DevelopmentPlan.year == year))
    )
    courses = {
        c.slug: c for c in db.session.scalars(select(Course)) if c.current_version is not None
    }
    competencies = {c.name: c.id for c in db.session.scalars(select(Competency))}
    added = 0
    for key, (status, decider, note, items) in PLANS.items():
        person = people.get(key)
        if person is None or person.id in having:
            continue
        plan = DevelopmentPlan(user_id=person.id, year=year, status=status, revision=1)
        for entry in items:
            if isinstance(entry, str):
                course = courses.get(entry)
                if course is None:
                    continue
                item = DevelopmentPlanItem(
                    course_id=course.id,
                    title=course.current_version.title,
                    planned_jp=course.current_version.jp,
                )
            else:
                title, jp, competency = entry
                item = DevelopmentPlanItem(
                    title=title, planned_jp=jp, competency_id=competencies.get(competency)
                )
            item.position = len(plan.items) + 1
            plan.items.append(item)
        if not plan.items:
            continue
        if status != PlanStatus.DRAFT:
            plan.submitted_at = now
        if decider is not None and decider in people:
            plan.decided_by_id = people[decider].id
            plan.decided_at = now
            plan.decision_note = note
        db.session.add(plan)
        db.session.flush()
        added += 1 + len(plan.items)
        if status == PlanStatus.SUBMITTED:
            notify_approval_needed(
                person,
                "plan",
                str(_l("Development plan %(year)d", year=year)),
                internal_path("competencies.person_plan", user_id=person.id, year=year),
                f"plan:{plan.id}:r{plan.revision}",
                now=now,
            )
    return added
