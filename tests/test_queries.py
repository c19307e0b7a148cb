"""The busiest learner pages run a fixed number of SQL queries, whatever the number of courses,
lessons or attempts (counted with a listener on the engine, as indico's count_queries does)."""

from contextlib import contextmanager
from decimal import Decimal

import pytest
from factories_course import enrol, import_course, mark_done, write_course
from sqlalchemy import event, select

from elearn.extensions import db
from elearn.models import Attempt, Course, Quiz
from elearn.timeutil import utcnow

# Every signed-in request loads the user with their roles and live session (Flask-Login): 1
# query; every page with the header counts the unread notifications for its bell: 1 more.
LESSON_FIRST_VISIT = 11  # + course/enrolment, version, progress, outline (3), body, 2 writes
LESSON_AGAIN = 4  # + course/enrolment, progress: version, outline and body are kept per process
MY_LEARNING_COLD = 12  # + enrolments, completions, outline (3), progress, due dates, JP by
MY_LEARNING_WARM = 9  # source (10:20:70, its sum the total), pending surveys, badges
COURSE_PAGE = 7  # + course/enrolment, competencies, progress, completion, rating (outline kept)
CATALOG = 8  # + filter choices (2), count, page, competencies, learner's states


@contextmanager
def count_queries():
    statements = []

    def listener(_conn, _cursor, statement, _params, _context, _many):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def forget_outlines(app):
    """Empty the per-process outline and lesson caches (a freshly started worker)."""
    app.extensions.pop("elearn.outlines", None)
    app.extensions.pop("elearn.lesson_bodies", None)
    app.extensions.pop("elearn.outline_urls", None)
    app.extensions.pop("elearn.versions", None)


def queries(client, url):
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


def add_attempts(user, course, count):
    quiz = db.session.scalar(select(Quiz).where(Quiz.version_id == course.current_version_id))
    for n in range(1, count + 1):
        db.session.add(
            Attempt(
                user_id=user.id,
                course_id=course.id,
                quiz_id=quiz.id,
                quiz_key=quiz.key,
                role=quiz.role,
                number=n,
                submitted_at=utcnow(),
                score_percent=Decimal(50 + n),
                passed=n == count,
            )
        )
    db.session.commit()


@pytest.fixture
def small_and_big(app, tmp_path):
    small = import_course(write_course(tmp_path, "kecil", lessons=3, quizzes=True))
    modules = {f"m{m}": [f"p{n}" for n in range(1, 11)] for m in range(1, 4)}
    big = import_course(
        write_course(tmp_path, "besar", modules=modules, quizzes=True, final_exam=True)
    )
    return small, big


def test_lesson_page_queries_do_not_grow_with_the_course(
    app, client, make_user, login_as, small_and_big
):
    small, big = small_and_big
    learner = make_user()
    login_as(learner)
    counts = {}
    for course, key in ((small, "modul/pelajaran-3"), (big, "m2/p5")):
        slug = course.slug
        enrol(client, slug)
        first = "modul/pelajaran-1" if slug == "kecil" else "m1/p1"
        mark_done(client, slug, first)
        add_attempts(learner, db.session.get(Course, course.id), 3 if slug == "kecil" else 25)
        forget_outlines(app)
        counts[slug] = (
            queries(client, f"/learn/{slug}/{key}"),
            queries(client, f"/learn/{slug}/{key}"),
        )
    assert counts["kecil"] == counts["besar"] == (LESSON_FIRST_VISIT, LESSON_AGAIN), counts


def test_my_learning_queries_do_not_grow_with_the_number_of_courses(
    app, client, make_user, login_as, tmp_path
):
    learner = make_user()
    login_as(learner)
    counts = []
    slugs = [f"k{n}" for n in range(6)]
    for n, slug in enumerate(slugs):
        course = import_course(write_course(tmp_path, slug, lessons=2, quizzes=True))
        enrol(client, slug)
        client.get(f"/learn/{slug}/modul/pelajaran-1")
        add_attempts(learner, course, 2)
        if n % 2:
            mark_done(client, slug, "modul/pelajaran-1")
            mark_done(client, slug, "modul/pelajaran-2")  # quiz passed too: completed
        if n in (0, 5):
            forget_outlines(app)
            counts.append((queries(client, "/"), queries(client, "/")))
    assert counts[0] == counts[1] == (MY_LEARNING_COLD, MY_LEARNING_WARM), counts


def test_course_and_catalog_pages_do_not_grow_with_the_number_of_courses(
    client, make_user, login_as, tmp_path
):
    learner = make_user()
    login_as(learner)
    counts = []
    for n in range(6):
        import_course(write_course(tmp_path, f"k{n}", lessons=2 + 5 * n))
        enrol(client, f"k{n}")
        mark_done(client, f"k{n}", "modul/pelajaran-1")
        if n in (0, 5):
            counts.append((queries(client, f"/courses/k{n}"), queries(client, "/courses/")))
    assert counts[0] == counts[1] == (COURSE_PAGE, CATALOG), counts
