"""`flask content rerender`: stored Markdown rendered again with today's renderer, in place."""

from factories_course import course_files, enrol, import_course, mark_done
from sqlalchemy import func, select, update

from elearn.extensions import db
from elearn.models import (
    Course,
    CourseVersion,
    Enrollment,
    Lesson,
    LessonProgress,
    Question,
    Quiz,
)

TABLE = (
    "| Layanan | Waktu |\n|---|---|\n| KTP | 15 menit |\n\nLihat [berikutnya](02-pelajaran-2.md)."
)
# What an older renderer stored: the table bare, no scroll region around it.
OLD_HTML = "<table><tr><td>KTP</td></tr></table>"


def stored(model, column, **where):
    stmt = select(column)
    for name, value in where.items():
        stmt = stmt.where(getattr(model, name) == value)
    return db.session.scalars(stmt).all()


def rows(model):
    """Every row of the table as plain values."""
    return [tuple(r) for r in db.session.execute(select(model.__table__)).all()]


def write_package(root, slug, extra=""):
    """A package whose lessons end with TABLE (+ `extra`); its folder."""
    for path, text in course_files(slug, quizzes=True).items():
        if path.endswith(".md") and "pelajaran" in path:
            text += f"\n{TABLE}\n{extra}"
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def make_versions(tmp_path):
    """rerender-uji: version 1 (outdated HTML stored) and version 2 (current)."""
    import_course(write_package(tmp_path / "v1", "rerender-uji"))
    import_course(write_package(tmp_path / "v2", "rerender-uji", extra="Baru."))
    v1 = db.session.scalar(select(CourseVersion).where(CourseVersion.number == 1))
    db.session.execute(update(Lesson).where(Lesson.version_id == v1.id).values(body_html=OLD_HTML))
    quiz_ids = select(Quiz.id).where(Quiz.version_id == v1.id)
    db.session.execute(
        update(Question).where(Question.quiz_id.in_(quiz_ids)).values(prompt_html="<p>lama</p>")
    )
    db.session.commit()
    return v1.id


def test_rerender_updates_old_html_once_and_nothing_else(runner, tmp_path, client, login_as,
                                                         make_user):  # fmt: skip
    v1 = make_versions(tmp_path)
    login_as(make_user())
    assert enrol(client, "rerender-uji").status_code == 302
    assert mark_done(client, "rerender-uji", "modul/pelajaran-1").status_code == 302
    progress = rows(LessonProgress)
    assert progress
    enrollments = rows(Enrollment)
    current = stored(Lesson, Lesson.body_html, version_id=v1 + 1)
    assert all('<div class="table-scroll"' in b for b in current)  # an import wraps tables

    result = runner.invoke(args=["content", "rerender"])
    assert result.exit_code == 0, result.output
    # 2 lessons + 1 question stem of version 1; version 2 is rendered as today already.
    assert "rerender-uji versi 1: 3 bagian HTML diperbarui" in result.output
    assert "versi 2" not in result.output
    assert "2 versi diperiksa, 3 bagian HTML diperbarui." in result.output

    bodies = stored(Lesson, Lesson.body_html, version_id=v1)
    assert len(bodies) == 2 and all('<div class="table-scroll"' in b for b in bodies)
    assert all("<td>KTP</td>" in b for b in bodies)
    assert any('href="/learn/rerender-uji/modul/pelajaran-2"' in b for b in bodies)
    prompts = db.session.scalars(
        select(Question.prompt_html).join(Quiz).where(Quiz.version_id == v1)
    ).all()
    assert prompts and all("Ibu kota Indonesia" in p for p in prompts)
    assert stored(Lesson, Lesson.body_html, version_id=v1 + 1) == current
    assert db.session.scalar(select(func.count()).select_from(CourseVersion)) == 2
    course = db.session.scalar(select(Course))
    assert course.current_version.number == 2
    assert rows(LessonProgress) == progress
    assert rows(Enrollment) == enrollments

    again = runner.invoke(args=["content", "rerender"])
    assert again.exit_code == 0, again.output
    assert again.output.strip() == "2 versi diperiksa, 0 bagian HTML diperbarui."


def test_rerender_one_course(runner, tmp_path):
    v1 = make_versions(tmp_path)
    import_course(write_package(tmp_path / "lain", "lain"))
    db.session.execute(update(Lesson).values(body_html=OLD_HTML))
    db.session.commit()
    result = runner.invoke(args=["content", "rerender", "--course", "lain"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines() == [
        "lain versi 1: 2 bagian HTML diperbarui",
        "1 versi diperiksa, 2 bagian HTML diperbarui.",
    ]
    assert stored(Lesson, Lesson.body_html, version_id=v1) == [OLD_HTML, OLD_HTML]

    unknown = runner.invoke(args=["content", "rerender", "--course", "tidak-ada"])
    assert unknown.exit_code == 1
    assert "kursus tidak-ada tidak ditemukan" in unknown.output
