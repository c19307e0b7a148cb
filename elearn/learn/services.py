"""The learner's path: enrolling, opening and finishing lessons, resuming, My learning, JP hours.

Services flush, never commit, and take the user and course as arguments (no request objects).
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import and_, bindparam, case, func, literal_column, select, union_all, update
from sqlalchemy.orm import joinedload

from ..dbutil import insert_if_absent
from ..extensions import db
from ..models import (
    Attempt,
    Certificate,
    Completion,
    Course,
    CourseVersion,
    Enrollment,
    EnrollmentSource,
    LessonProgress,
)
from ..supervision.assignments import assignments_for
from ..timeutil import as_utc, local_time, utcnow
from ..xapi import statements as xapi
from .completion import enrollment_for, evaluate
from .jp import JPBySource, jp_by_source, jp_earned, year_bounds  # noqa: F401 (year_bounds: read from here too)
from .outline import outline_for, outlines_for, version_info

# Opening the same lesson again within this time writes nothing (the resume point is already
# right): a learner re-reading a page costs no database write.
ACTIVITY_RESOLUTION = timedelta(minutes=1)


class EnrolmentRefused(Exception):
    """Self-enrolment in a restricted or unpublished course."""


# Courses and enrolments -----------------------------------------------------------------------
def course_with_enrollment(slug, user_id):
    """(course with its current version, the user's enrolment or None), in one query.

    None for an unknown slug or a course with no published version."""
    row = db.session.execute(
        select(Course, Enrollment)
        .outerjoin(
            Enrollment, and_(Enrollment.course_id == Course.id, Enrollment.user_id == user_id)
        )
        .options(joinedload(Course.current_version))
        .where(Course.slug == slug)
    ).first()
    if row is None or row[0].current_version is None:
        return None, None
    return row[0], row[1]


@dataclass(frozen=True)
class CourseRef:
    """The few columns of a course the lesson page reads (its current version comes from the
    per-process cache as a VersionInfo)."""

    id: int
    slug: str
    current_version_id: int


def _lesson_statement():
    return (
        select(
            Course.id,
            Course.slug,
            Course.current_version_id,
            CourseVersion.number,
            CourseVersion.content_hash,
            Enrollment,
        )
        .join(CourseVersion, CourseVersion.id == Course.current_version_id)
        .outerjoin(
            Enrollment,
            and_(Enrollment.course_id == Course.id, Enrollment.user_id == bindparam("user_id")),
        )
        .where(Course.slug == bindparam("slug"))
    )


_LESSON = _lesson_statement()  # built once: it runs on every lesson page


def course_for_lesson(slug, user_id):
    """(CourseRef, VersionInfo of its current version, the user's enrolment or None) in one
    query of small columns and one ORM object, the enrolment (the page may update it);
    (None, None, None) for an unknown slug or a course with no published version."""
    row = db.session.execute(_LESSON, {"slug": slug, "user_id": user_id}).first()
    if row is None:
        return None, None, None
    course_id, course_slug, version_id, number, content_hash, enrollment = row
    version = version_info(version_id, number, content_hash)
    return CourseRef(course_id, course_slug, version_id), version, enrollment


def enroll(user, course, source=EnrollmentSource.SELF):
    """Enrol `user` (idempotent): returns (enrolment, created).

    A restricted course takes only learners it was assigned to (an enrolment with source
    `assigned`, made by a supervisor or admin); their self-enrolment is refused."""
    if course.current_version_id is None:
        raise EnrolmentRefused("unpublished")
    existing = enrollment_for(user.id, course.id)
    if existing is not None:
        return existing, False
    if course.restricted and source != EnrollmentSource.ASSIGNED:
        raise EnrolmentRefused("restricted")
    created = insert_if_absent(
        Enrollment,
        {
            "user_id": user.id,
            "course_id": course.id,
            "version_id": course.current_version_id,
            "source": str(source),
            "enrolled_at": utcnow(),
            "progress_percent": 0,
        },
        ["user_id", "course_id"],
    )
    if created:
        xapi.record_launched(user.id, course)
    return enrollment_for(user.id, course.id), created


def follow_current_version(enrollment, course):
    """Move the enrolment to the course's current version; progress follows by item keys.

    Returns True when it moved (the progress percentage is recomputed for the new version)."""
    if course.current_version_id is None or enrollment.version_id == course.current_version_id:
        return False
    enrollment.version_id = course.current_version_id
    evaluate(enrollment)
    return True


# Progress ----------------------------------------------------------------------------------------
@dataclass
class Progress:
    """What a learner did in one course, by stable item keys."""

    viewed: set = field(default_factory=set)  # lessons opened
    done: set = field(default_factory=set)  # lessons marked done, quizzes passed
    attempted: set = field(default_factory=set)  # quizzes with a submitted attempt
    submitted: dict = field(default_factory=dict)  # quiz key -> submitted attempts

    def is_done(self, item):
        return item.key in self.done

    def started(self):
        return bool(self.viewed or self.attempted)


def _progress_statement():
    user_id = bindparam("user_id")
    course_ids = bindparam("course_ids", expanding=True)
    lessons = select(
        LessonProgress.course_id.label("course_id"),
        LessonProgress.lesson_key.label("key"),
        literal_column("'lesson'").label("kind"),
        case((LessonProgress.completed_at.is_not(None), 1), else_=0).label("done"),
        literal_column("0").label("submitted"),
    ).where(LessonProgress.user_id == user_id, LessonProgress.course_id.in_(course_ids))
    quizzes = (
        select(
            Attempt.course_id,
            Attempt.quiz_key,
            literal_column("'quiz'"),
            func.max(case((Attempt.passed.is_(True), 1), else_=0)),
            func.count(Attempt.id),
        )
        .where(
            Attempt.user_id == user_id,
            Attempt.course_id.in_(course_ids),
            Attempt.submitted_at.is_not(None),
        )
        .group_by(Attempt.course_id, Attempt.quiz_key)
    )
    return union_all(lessons, quizzes)


# Built once: it runs on every lesson page, and building the statement costs as much as the query.
_PROGRESS = _progress_statement()


def progress_of(user_id, course_ids):
    """{course id: Progress} for a learner: one query whatever the number of courses or items."""
    course_ids = list(course_ids)
    out = {cid: Progress() for cid in course_ids}
    if not course_ids:
        return out
    rows = db.session.execute(_PROGRESS, {"user_id": user_id, "course_ids": course_ids})
    for course_id, key, kind, done, submitted in rows:
        progress = out[course_id]
        if kind == "lesson":
            progress.viewed.add(key)
        else:
            progress.attempted.add(key)
            progress.submitted[key] = int(submitted)
        if done:
            progress.done.add(key)
    return out


# Where to go next ------------------------------------------------------------------------------
# "Lanjutkan" and "Lanjut ke ..." never lead to something finished: a passed quiz, a lesson
# marked done, the pre-test once taken. An optional item the learner went past (something after
# it is finished) or opened counts as finished too, so that nobody is sent back to it.
FINISHED, OPEN, BLOCKED = "finished", "open", "blocked"


def item_state(outline, item, progress):
    """FINISHED, OPEN (still to do) or BLOCKED (a quiz not passed with no attempts left)."""
    key = item.key
    if key in progress.done:
        return FINISHED
    if item.is_quiz:
        if (item is outline.pretest or not item.required) and key in progress.attempted:
            return FINISHED
        if item.attempts and progress.submitted.get(key, 0) >= item.attempts:
            return BLOCKED
        return OPEN
    if not item.required and key in progress.viewed:
        return FINISHED
    return OPEN


def is_finished(outline, item, progress):
    return item_state(outline, item, progress) == FINISHED


def _first_open(outline, items, progress):
    """The first item of `items` still to do, skipping optional ones the learner went past;
    a blocked quiz only when nothing else is left."""
    started = progress.started()
    skipped_optional = None
    blocked = None
    for item in items:
        if item is outline.pretest and started:
            continue  # the pre-test measures what one knew before studying
        state = item_state(outline, item, progress)
        if state == FINISHED:
            skipped_optional = None  # gone past it
        elif state == BLOCKED:
            blocked = blocked or item
        elif item.required or item is outline.pretest:
            return skipped_optional or item
        elif skipped_optional is None:
            skipped_optional = item
    return skipped_optional or blocked


def resume_item(outline, enrollment, progress):
    """Where "Lanjutkan" leads: the first unfinished item in course order (the pre-test only for
    someone who has not started). A lesson the learner was reading and has not marked done
    stays the resume point; a finished item never is. None for a completed course: its next
    step is the completion view (the course page with the certificate)."""
    if enrollment is not None and enrollment.completed_at is not None:
        return None
    if enrollment is not None and enrollment.last_item_key:
        item = outline.get(enrollment.last_item_key)
        if item is not None and item.is_lesson and item_state(outline, item, progress) == OPEN:
            return item
    return _first_open(outline, outline.items, progress)


def next_item_after(outline, item, progress, enrollment=None):
    """What "Lanjut ke ..." offers after `item`: the first unfinished item after it in course
    order, else the first unfinished one anywhere; None when the course is completed or
    nothing is left (the next step is then the completion view or the course page)."""
    if enrollment is not None and enrollment.completed_at is not None:
        return None
    later = _first_open(outline, outline.after(item), progress)
    if later is not None and item_state(outline, later, progress) == OPEN:
        return later
    found = _first_open(outline, outline.items, progress)
    if found is not None and found.key != item.key:
        return found
    return later


@dataclass
class NextStep:
    """What a finished item's page offers: the next item, or the completion of the course."""

    item: object = None  # OutlineItem to go on to, or None
    completion: object = None  # the Completion when the course is completed
    certificate: object = None  # its certificate in force (None if revoked or not issued)


def completion_with_certificate(user_id, course_id):
    """(Completion or None, its certificate in force or None): one query."""
    row = db.session.execute(
        select(Completion, Certificate)
        .outerjoin(
            Certificate,
            and_(Certificate.completion_id == Completion.id, Certificate.revoked_at.is_(None)),
        )
        .where(Completion.user_id == user_id, Completion.course_id == course_id)
        .order_by(Certificate.issued_at.desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else (None, None)


def next_step(enrollment, course, item_key):
    """The step after a finished item for this learner (one or two queries): the completion
    view once the course is completed, else the next unfinished item."""
    if enrollment is None:
        return NextStep()
    if enrollment.completed_at is not None:
        return NextStep(None, *completion_with_certificate(enrollment.user_id, course.id))
    outline = outline_for(course.current_version)
    progress = progress_of(enrollment.user_id, [course.id])[course.id]
    item = outline.get(item_key)
    if item is None:
        return NextStep(resume_item(outline, None, progress))
    return NextStep(next_item_after(outline, item, progress, enrollment))


def open_lesson(enrollment, course, item, progress, now=None):
    """Record that the learner opened a lesson: the resume point, the time, a LessonProgress
    row (first view). Returns True when anything was written (the caller then commits)."""
    now = now or utcnow()
    changed = follow_current_version(enrollment, course)
    if item.key not in progress.viewed:
        insert_if_absent(
            LessonProgress,
            {
                "user_id": enrollment.user_id,
                "course_id": enrollment.course_id,
                "lesson_key": item.key,
                "first_viewed_at": now,
            },
            ["user_id", "course_id", "lesson_key"],
        )
        progress.viewed.add(item.key)
        xapi.record_experienced(enrollment.user_id, course, item)
        changed = True
    last = as_utc(enrollment.last_activity_at)
    if enrollment.last_item_key != item.key or last is None or now - last >= ACTIVITY_RESOLUTION:
        enrollment.last_item_key = item.key
        enrollment.last_activity_at = now
        changed = True
    return changed


@dataclass
class DoneResult:
    next_item: object  # OutlineItem or None
    completion: object  # Completion or None
    newly_completed: bool


def mark_lesson_done(enrollment, course, item, now=None):
    """Mark a lesson done (idempotent), move the resume point to the next unfinished item, and
    evaluate the course: the completion is recorded at this moment when it was the last
    requirement."""
    now = now or utcnow()
    follow_current_version(enrollment, course)
    keys = {
        "user_id": enrollment.user_id,
        "course_id": enrollment.course_id,
        "lesson_key": item.key,
    }
    if not insert_if_absent(
        LessonProgress, {**keys, "first_viewed_at": now, "completed_at": now}, list(keys)
    ):
        db.session.execute(
            update(LessonProgress)
            .where(
                LessonProgress.user_id == enrollment.user_id,
                LessonProgress.course_id == enrollment.course_id,
                LessonProgress.lesson_key == item.key,
                LessonProgress.completed_at.is_(None),
            )
            .values(completed_at=now)
            .execution_options(synchronize_session=False)
        )
    was_complete = enrollment.completed_at is not None
    completion = evaluate(enrollment)
    db.session.flush()
    outline = outline_for(course.current_version)
    if completion is not None:  # reviewing a completed course: simply the next item
        nxt = outline.neighbours(item)[1]
    else:
        # On to the next unfinished item (the next lesson when the learner goes in order),
        # never back to a quiz already passed.
        progress = progress_of(enrollment.user_id, [enrollment.course_id])[enrollment.course_id]
        nxt = next_item_after(outline, item, progress, enrollment)
    enrollment.last_item_key = nxt.key if nxt is not None else item.key
    enrollment.last_activity_at = now
    return DoneResult(nxt, completion, completion is not None and not was_complete)


# JP hours ----------------------------------------------------------------------------------------
def current_year(now=None):
    return local_time(now or utcnow()).year


@dataclass
class JPSummary:
    year: int
    earned: int
    target: int
    minutes_per_jp: int
    by_source: JPBySource | None = None  # the same JP by source (10:20:70), when asked for

    @property
    def missing(self):
        return max(self.target - self.earned, 0)

    @property
    def percent(self):
        if self.target <= 0:
            return 100
        return min(100, (100 * self.earned) // self.target)


def jp_summary(user_id, now=None, by_source=False):
    """The year's JP against the target; with `by_source`, also split by source, from the same
    single query (the total is the sum of the sources)."""
    year = current_year(now)
    cfg = current_app.config
    sources = jp_by_source([user_id], year)[user_id] if by_source else None
    return JPSummary(
        year=year,
        earned=sources.total if sources is not None else jp_earned([user_id], year)[user_id],
        target=int(cfg["YEARLY_JP_TARGET"]),
        minutes_per_jp=int(cfg["JP_MINUTES"]),
        by_source=sources,
    )


# My learning -------------------------------------------------------------------------------------
@dataclass
class CourseEntry:
    """A course on My learning that is not completed yet."""

    course: Course
    version: CourseVersion  # the version the learner will study (the current one)
    enrollment: Enrollment
    next_item: object  # OutlineItem to open ("Lanjutkan"), or None
    started: bool
    # Filled by course assignments (supervisors), a later feature: the template has its slot.
    due_at: object = None

    @property
    def assigned(self):
        return self.enrollment.source == EnrollmentSource.ASSIGNED or self.due_at is not None

    @property
    def overdue(self):
        return self.due_at is not None and self.due_at < local_time(utcnow()).date()


@dataclass
class CompletedEntry:
    course_slug: str
    title: str
    completed_at: object
    jp: int
    final_score: object  # percent (Decimal) or None
    completion_id: int
    certificate_number: str | None  # the certificate in force, if any


@dataclass
class MyLearning:
    assigned: list
    in_progress: list
    completed: list
    jp: JPSummary

    @property
    def empty(self):
        return not (self.assigned or self.in_progress or self.completed)


def _my_enrollments_statement():
    return (
        select(Enrollment)
        .where(Enrollment.user_id == bindparam("user_id"))
        .options(
            joinedload(Enrollment.course).joinedload(Course.current_version),
            joinedload(Enrollment.version),
        )
    )


def _my_completions_statement():
    return (
        select(
            Course.slug,
            CourseVersion.title,
            Completion.completed_at,
            Completion.jp,
            Completion.final_score,
            Completion.id,
            Certificate.number,
        )
        .join(Course, Course.id == Completion.course_id)
        .join(CourseVersion, CourseVersion.id == Completion.version_id)
        .outerjoin(
            Certificate,
            and_(Certificate.completion_id == Completion.id, Certificate.revoked_at.is_(None)),
        )
        .where(Completion.user_id == bindparam("user_id"))
        .order_by(Completion.completed_at.desc())
    )


# Built once: My learning is the page every learner opens first.
_MY_ENROLLMENTS = _my_enrollments_statement()
_MY_COMPLETIONS = _my_completions_statement()


def my_learning(user, now=None):
    """Everything the My learning page shows, in a fixed number of queries."""
    mine = {"user_id": user.id}
    enrollments = db.session.scalars(_MY_ENROLLMENTS, mine).all()
    completed = [CompletedEntry(*row) for row in db.session.execute(_MY_COMPLETIONS, mine)]
    done_courses = {e.course_slug for e in completed}
    open_ = [
        e
        for e in enrollments
        if e.completed_at is None
        and e.course.slug not in done_courses
        and e.course.current_version is not None  # an unpublished course cannot be studied
    ]
    versions = {(e.course.current_version or e.version) for e in open_}
    outlines = outlines_for(versions)
    progress = progress_of(user.id, [e.course_id for e in open_])
    due = assignments_for(user.id)  # {course id: due date} of the courses assigned to them

    entries = []
    for e in open_:
        version = e.course.current_version or e.version
        p = progress[e.course_id]
        entries.append(
            CourseEntry(
                course=e.course,
                version=version,
                enrollment=e,
                next_item=resume_item(outlines[version.id], e, p),
                started=p.started() or bool(e.last_item_key),
                due_at=due.get(e.course_id),
            )
        )
    far_past = datetime.min.replace(tzinfo=UTC)
    assigned = sorted(
        (x for x in entries if x.assigned),
        key=lambda x: (x.due_at is None, x.due_at or far_past, as_utc(x.enrollment.enrolled_at)),
    )
    in_progress = sorted(
        (x for x in entries if not x.assigned),
        key=lambda x: as_utc(x.enrollment.last_activity_at or x.enrollment.enrolled_at),
        reverse=True,
    )
    jp = jp_summary(user.id, now, by_source=True)  # the page shows both
    return MyLearning(assigned, in_progress, completed, jp)
