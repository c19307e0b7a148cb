"""The course catalog: published courses, searched and filtered in SQL, with the learner's state.

A course is published when it has a current version; only that version is listed and searched.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select
from sqlalchemy.orm import contains_eager, selectinload

from ..extensions import db
from ..models import (
    Competency,
    CompetencyKind,
    Completion,
    Course,
    CourseCompetency,
    CourseLevel,
    CourseVersion,
    Enrollment,
    Partner,
)

LEVEL_LABELS = {
    CourseLevel.DASAR: _l("Basic"),
    CourseLevel.MENENGAH: _l("Intermediate"),
    CourseLevel.LANJUT: _l("Advanced"),
}
KIND_LABELS = {
    CompetencyKind.TEKNIS: _l("Technical"),
    CompetencyKind.MANAJERIAL: _l("Managerial"),
    CompetencyKind.SOSIAL_KULTURAL: _l("Socio-cultural"),
}


@dataclass
class CatalogFilters:
    search: str = ""
    competency_id: int | None = None
    kind: str | None = None
    level: str | None = None
    category: str | None = None
    jp_min: int | None = None
    jp_max: int | None = None
    organiser: int | str | None = None  # OWN_AGENCY, a partner's id, or None (any)


# The organiser filter's value for the courses the agency runs alone (no co-organiser).
OWN_AGENCY = "own"


def catalog_query(filters):
    """A select of current CourseVersions (with their Course) matching `filters`, by title."""
    stmt = (
        select(CourseVersion)
        .join(Course, Course.current_version_id == CourseVersion.id)
        .outerjoin(Partner, Partner.id == Course.partner_id)
        .options(
            contains_eager(CourseVersion.course).contains_eager(Course.partner),
            selectinload(CourseVersion.competency_links),
        )
    )
    if filters.search:
        term = filters.search.strip()
        stmt = stmt.where(
            CourseVersion.title.icontains(term, autoescape=True)
            | CourseVersion.summary.icontains(term, autoescape=True)
        )
    if filters.competency_id or filters.kind:
        link = select(CourseCompetency).where(CourseCompetency.version_id == CourseVersion.id)
        if filters.competency_id:
            link = link.where(CourseCompetency.competency_id == filters.competency_id)
        if filters.kind:
            link = link.join(Competency, Competency.id == CourseCompetency.competency_id).where(
                Competency.kind == filters.kind
            )
        stmt = stmt.where(exists(link))
    if filters.level:
        stmt = stmt.where(CourseVersion.level == filters.level)
    if filters.category:
        stmt = stmt.where(CourseVersion.category == filters.category)
    if filters.jp_min is not None:
        stmt = stmt.where(CourseVersion.jp >= filters.jp_min)
    if filters.jp_max is not None:
        stmt = stmt.where(CourseVersion.jp <= filters.jp_max)
    if filters.organiser == OWN_AGENCY:
        stmt = stmt.where(Course.partner_id.is_(None))
    elif filters.organiser is not None:
        stmt = stmt.where(Course.partner_id == filters.organiser)
    return stmt.order_by(func.lower(CourseVersion.title), Course.id)


def competency_choices():
    """Competencies trained by at least one published course: [(id, name, kind)]."""
    return db.session.execute(
        select(Competency.id, Competency.name, Competency.kind)
        .where(
            exists(
                select(CourseCompetency.version_id)
                .join(Course, Course.current_version_id == CourseCompetency.version_id)
                .where(CourseCompetency.competency_id == Competency.id)
            )
        )
        .order_by(Competency.kind, Competency.name)
    ).all()


def facet_choices():
    """(categories, organisers) of the published courses, in one query: the categories in use,
    and (id, name) of each partner co-organising a published course, by name."""
    rows = db.session.execute(
        select(CourseVersion.category, Partner.id, Partner.name)
        .join(Course, Course.current_version_id == CourseVersion.id)
        .outerjoin(Partner, Partner.id == Course.partner_id)
        .distinct()
    ).all()
    categories = sorted({category for category, _pid, _name in rows if category})
    organisers = sorted(
        {(pid, name) for _category, pid, name in rows if pid is not None},
        key=lambda p: (p[1].lower(), p[0]),
    )
    return categories, organisers


@dataclass
class LearnerState:
    enrolled: bool = False
    progress_percent: int = 0
    completed: bool = False
    assigned: bool = False


def learner_states(user_id, course_ids):
    """{course id: LearnerState} of a learner for the listed courses, in one query."""
    course_ids = list(course_ids)
    if not course_ids:
        return {}
    rows = db.session.execute(
        select(
            Enrollment.course_id,
            Enrollment.progress_percent,
            Enrollment.source,
            Completion.id,
        )
        .outerjoin(
            Completion,
            (Completion.user_id == Enrollment.user_id)
            & (Completion.course_id == Enrollment.course_id),
        )
        .where(Enrollment.user_id == user_id, Enrollment.course_id.in_(course_ids))
    )
    return {
        course_id: LearnerState(
            enrolled=True,
            progress_percent=100 if completion_id else percent,
            completed=completion_id is not None,
            assigned=source == "assigned",
        )
        for course_id, percent, source, completion_id in rows
    }


def completion_of(user_id, course_id):
    return db.session.scalar(
        select(Completion).where(Completion.user_id == user_id, Completion.course_id == course_id)
    )


def competency_links(version):
    """The version's competencies with target levels, in the author's order."""
    return sorted(version.competency_links, key=lambda link: link.position)
