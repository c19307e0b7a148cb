"""Bench: the results page of a course with 10,000 submitted attempts (100,000 graded answers),
inserted in bulk. Prints the timings; asserts only that the page works and its queries stay few.

    ELEARN_BENCH=1 .venv/bin/pytest -q -s tests/test_results_bench.py
"""

import os
import random
import statistics
import time
from decimal import Decimal

import pytest
from conftest import login
from factories_course import import_course
from sqlalchemy import event, insert, select, text

from elearn.extensions import db
from elearn.models import (
    Attempt,
    AttemptAnswer,
    Enrollment,
    LessonProgress,
    Question,
    Quiz,
    User,
    UserRole,
)
from elearn.timeutil import utcnow

pytestmark = pytest.mark.skipif(
    not os.environ.get("ELEARN_BENCH"), reason="a bench: set ELEARN_BENCH=1 to run it"
)
LEARNERS = 2_500
ATTEMPTS_EACH = 4  # 10,000 attempts
QUESTIONS = 10


def _package(root):
    lines = ["---", "type: quiz", "title: Ujian Akhir", "---"]
    for n in range(1, QUESTIONS + 1):
        lines += [f"## Soal nomor {n} {{#s{n}}}", ""]
        if n % 3 == 0:
            lines += ["= jawaban", ""]
        else:
            lines += ["- [x] Benar satu", "- [ ] Salah satu", "- [ ] Salah dua", ""]
    files = {
        "course.yml": "slug: bench-hasil\ntitle: Bench\nsummary: Bench.\njp: 2\n"
        "competencies:\n  - name: Integritas\n    kind: manajerial\nfinal_exam: final-exam.md\n",
        "01-modul/module.yml": "title: Modul\n",
        "final-exam.md": "\n".join(lines),
    }
    for n in range(1, 11):
        files[f"01-modul/{n:02d}-pelajaran-{n}.md"] = f"---\ntitle: Pelajaran {n}\n---\nIsi.\n"
    for path, content in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(content, encoding="utf-8")
    return root


def test_results_page_on_10000_attempts(app, client, make_user, tmp_path):
    course = import_course(_package(tmp_path / "pkg"))
    version = course.current_version
    quiz = db.session.scalar(select(Quiz).where(Quiz.version_id == version.id))
    questions = list(db.session.scalars(select(Question).where(Question.quiz_id == quiz.id)))
    rng = random.Random(7)
    now = utcnow()

    start = time.perf_counter()
    db.session.execute(
        insert(User),
        [
            {
                "full_name": f"Peserta {n}",
                "email": f"bench{n}@example.go.id",
                "active": True,
                "session_version": 1,
                "employee_type": "pns",
                "position": "",
                "grade": "",
                "created_at": now,
            }
            for n in range(LEARNERS)
        ],
    )
    users = list(db.session.scalars(select(User.id).where(User.email.like("bench%"))))
    db.session.execute(insert(UserRole), [{"user_id": u, "role": "learner"} for u in users])
    db.session.execute(
        insert(Enrollment),
        [
            {
                "user_id": u,
                "course_id": course.id,
                "version_id": version.id,
                "source": "self",
                "enrolled_at": now,
                "progress_percent": 50,
                "last_item_key": "modul/pelajaran-1",
            }
            for u in users
        ],
    )
    db.session.execute(
        insert(LessonProgress),
        [
            {
                "user_id": u,
                "course_id": course.id,
                "lesson_key": f"modul/pelajaran-{k}",
                "first_viewed_at": now,
                "completed_at": now,
            }
            for u in users
            for k in range(1, rng.randint(1, 10) + 1)
        ],
    )
    attempts = []
    ability = {u: rng.random() for u in users}
    for u in users:
        for number in range(1, ATTEMPTS_EACH + 1):
            attempts.append(
                {
                    "user_id": u,
                    "course_id": course.id,
                    "quiz_id": quiz.id,
                    "quiz_key": "final",
                    "role": "final",
                    "number": number,
                    "started_at": now,
                    "submitted_at": now,
                    "question_ids": [q.id for q in questions],
                    "option_order": {},
                    "saved_answers": {},
                    "late": False,
                }
            )
    db.session.execute(insert(Attempt), attempts)
    rows = db.session.execute(select(Attempt.id, Attempt.user_id)).all()
    answers, scores = [], {}
    for attempt_id, user_id in rows:
        right = 0
        for q in questions:
            correct = rng.random() < 0.25 + 0.7 * ability[user_id]
            right += correct
            if q.type == "short":
                response = "jawaban" if correct else rng.choice(["salah", "tidak tahu", ""])
            else:
                keys = [o["key"] for o in q.options]
                response = [keys[0]] if correct else [rng.choice(keys[1:])]
            answers.append(
                {
                    "attempt_id": attempt_id,
                    "question_id": q.id,
                    "response": response,
                    "points": Decimal(int(correct)),
                    "max_points": Decimal(1),
                    "correct": correct,
                }
            )
        scores[attempt_id] = right
    db.session.execute(insert(AttemptAnswer), answers)
    for attempt_id, right in scores.items():  # one UPDATE per attempt: setup only
        db.session.execute(
            Attempt.__table__.update()
            .where(Attempt.id == attempt_id)
            .values(
                score_points=right,
                max_points=QUESTIONS,
                score_percent=Decimal(100 * right / QUESTIONS),
                passed=right >= 7,
            )
        )
    db.session.commit()
    # Planner statistics, as autovacuum (PostgreSQL) or a periodic ANALYZE would keep them.
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    setup = time.perf_counter() - start

    owner = make_user(roles=["instructor"])
    course.owners.append(owner)
    db.session.commit()
    login(client, owner.email)

    def timed(url, runs=5):
        times, statements = [], []

        def listener(_conn, _cursor, statement, *_args):
            statements.append(statement)

        for _ in range(runs):
            statements.clear()
            event.listen(db.engine, "before_cursor_execute", listener)
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            event.remove(db.engine, "before_cursor_execute", listener)
            assert response.status_code == 200
        return statistics.median(times), max(times), len(statements)

    page = timed(f"/teach/{course.slug}/results")
    first = timed(f"/teach/{course.slug}/results?attempts=first")
    questions_csv = timed(f"/teach/{course.slug}/results/questions.csv")
    learners_csv = timed(f"/teach/{course.slug}/results/learners.csv")
    dialect = db.engine.dialect.name
    print(
        f"\n[{dialect}] {len(rows)} attempts, {len(answers)} answers, {LEARNERS} learners "
        f"(setup {setup:.1f} s)\n"
        f"  results page:        median {page[0]:.0f} ms, max {page[1]:.0f} ms, {page[2]} queries\n"
        f"  first attempts only: median {first[0]:.0f} ms, {first[2]} queries\n"
        f"  questions.csv:       median {questions_csv[0]:.0f} ms\n"
        f"  learners.csv:        median {learners_csv[0]:.0f} ms ({LEARNERS} rows)"
    )
    assert page[2] <= 16
