"""Course results for instructors, on a small dataset computed by hand: counts, completion,
pre-test -> final gain, drop-off by lesson, and item analysis (difficulty, discrimination,
option counts, flags); the CSV exports; a fixed number of queries whatever the data."""

import csv
import io
import math
import textwrap
from datetime import timedelta
from decimal import Decimal

import pytest
from conftest import login
from sqlalchemy import event, select

from elearn.authoring import results
from elearn.content import import_package, load_package
from elearn.extensions import db
from elearn.models import (
    Attempt,
    AttemptAnswer,
    Enrollment,
    LessonProgress,
    Question,
    Quiz,
)
from elearn.timeutil import utcnow

SLUG = "uji-hasil"


def _q(key, correct, wrong):
    return f"## Soal {key} {{#{key}}}\n\n- [x] {correct}\n- [ ] {wrong}\n"


FILES = {
    "course.yml": textwrap.dedent(f"""\
        slug: {SLUG}
        title: Uji Hasil
        summary: Kursus untuk menguji hasil.
        jp: 2
        competencies:
          - name: Integritas
            kind: manajerial
        pretest: pretest.md
        final_exam: final-exam.md
        """),
    "01-modul/module.yml": "title: Modul\n",
    "01-modul/03-kuis.md": "---\ntype: quiz\ntitle: Kuis\n---\n## Singkatan? {#singkat}\n\n= ASN\n",
    "01-modul/01-pelajaran-1.md": "---\ntitle: Satu\n---\nIsi satu.\n",
    "01-modul/02-pelajaran-2.md": "---\ntitle: Dua\n---\nIsi dua.\n",
    "pretest.md": "---\ntype: quiz\ntitle: Pretest\n---\n" + _q("awal", "Ya", "Tidak"),
    "final-exam.md": "---\ntype: quiz\ntitle: Ujian\n---\n"
    + "\n".join(
        [
            _q("mudah", "A", "B"),
            _q("baik", "C", "D"),
            _q("terbalik", "E", "F"),
            _q("datar", "G", "H"),
        ]
    ),
}

# Final-exam answers of six learners (1 = right): the classic "good", "reversed" and "flat"
# items. Learner 6 leaves "datar" blank, and takes a second attempt with everything right.
FINAL = {
    1: {"mudah": 1, "baik": 1, "terbalik": 0, "datar": 1},
    2: {"mudah": 1, "baik": 1, "terbalik": 0, "datar": 1},
    3: {"mudah": 1, "baik": 1, "terbalik": 1, "datar": 0},
    4: {"mudah": 1, "baik": 0, "terbalik": 1, "datar": 0},
    5: {"mudah": 1, "baik": 0, "terbalik": 1, "datar": 0},
    6: {"mudah": 1, "baik": 0, "terbalik": 0, "datar": None},
}
PRETEST = {1: [0, 1], 4: [0], 6: [1]}  # learner -> answers of successive attempts
SHORT = {1: "ASN", 2: "asn ", 3: "PNS", 4: "", 5: "pns", 6: "ASN"}  # after the course


@pytest.fixture
def dataset(app, tmp_path, make_user):
    root = tmp_path / "pkg"
    for path, text in FILES.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    package, problems = load_package(root)
    assert not problems, problems
    course = import_package(package).course
    db.session.commit()
    version = course.current_version
    learners = {n: make_user(full_name=f"Peserta {n}") for n in range(1, 7)}
    questions = {
        q.key: q
        for q in db.session.scalars(
            select(Question).join(Quiz).where(Quiz.version_id == version.id)
        )
    }
    quizzes = {q.role: q for q in db.session.scalars(select(Quiz))}
    now = utcnow()

    def attempt(user, quiz, number, answers):
        keys = list(answers)
        right = sum(v or 0 for v in answers.values())
        row = Attempt(
            user_id=user.id,
            course_id=course.id,
            quiz_id=quiz.id,
            quiz_key=quiz.key,
            role=quiz.role,
            number=number,
            started_at=now,
            submitted_at=now,
            question_ids=[questions[k].id for k in keys],
            score_points=Decimal(right),
            max_points=Decimal(len(keys)),
            score_percent=Decimal(100 * right / len(keys)).quantize(Decimal("0.01")),
            passed=100 * right / len(keys) >= 70,
        )
        db.session.add(row)
        db.session.flush()
        for key, value in answers.items():
            q = questions[key]
            good = next(o["key"] for o in q.options if o["correct"])
            bad = next(o["key"] for o in q.options if not o["correct"])
            response = None if value is None else [good if value else bad]
            db.session.add(
                AttemptAnswer(
                    attempt_id=row.id,
                    question_id=q.id,
                    response=response,
                    points=Decimal(value or 0),
                    max_points=Decimal(1),
                    correct=bool(value),
                )
            )

    for n, answers in FINAL.items():
        attempt(learners[n], quizzes["final"], 1, answers)
    attempt(learners[6], quizzes["final"], 2, dict.fromkeys(FINAL[1], 1))
    for n, text in SHORT.items():
        user, quiz, q = learners[n], quizzes["module"], questions["singkat"]
        right = text.strip().upper() == "ASN"
        row = Attempt(
            user_id=user.id,
            course_id=course.id,
            quiz_id=quiz.id,
            quiz_key=quiz.key,
            role="module",
            number=1,
            submitted_at=now,
            question_ids=[q.id],
            score_points=Decimal(int(right)),
            max_points=Decimal(1),
            score_percent=Decimal(100 * right),
            passed=right,
        )
        db.session.add(row)
        db.session.flush()
        db.session.add(
            AttemptAnswer(
                attempt_id=row.id,
                question_id=q.id,
                response=text,
                points=Decimal(int(right)),
                correct=right,
            )
        )
    for n, tries in PRETEST.items():
        for number, value in enumerate(tries, start=1):
            attempt(learners[n], quizzes["pretest"], number, {"awal": value})

    # Enrolments: 1-3 completed, 4-5 under way, 6 enrolled without starting.
    for n, user in learners.items():
        db.session.add(
            Enrollment(
                user_id=user.id,
                course_id=course.id,
                version_id=version.id,
                progress_percent={1: 100, 2: 100, 3: 100, 4: 50, 5: 25}.get(n, 0),
                last_item_key=None if n == 6 else "modul/pelajaran-1",
                completed_at=now if n <= 3 else None,
            )
        )
    for n in range(1, 6):  # five opened lesson 1, four finished it; two reached lesson 2
        db.session.add(
            LessonProgress(
                user_id=learners[n].id,
                course_id=course.id,
                lesson_key="modul/pelajaran-1",
                completed_at=now if n <= 4 else None,
            )
        )
    for n in (1, 2):
        db.session.add(
            LessonProgress(
                user_id=learners[n].id,
                course_id=course.id,
                lesson_key="modul/pelajaran-2",
                completed_at=now,
            )
        )
    db.session.commit()
    return course, learners


def by_key(quizzes):
    return {(quiz.key, q.key): q for quiz in quizzes for q in quiz.questions}


def test_item_analysis_matches_the_hand_computation(app, dataset):
    course, _ = dataset
    version = course.current_version
    totals = results.quiz_totals(course.id)
    stats = by_key(results.item_analysis(course, version, totals, first_only=True))

    easy, good, reverse, flat = (
        stats[("final", k)] for k in ("mudah", "baik", "terbalik", "datar")
    )
    assert [s.answers for s in (easy, good, reverse, flat)] == [6, 6, 6, 6]
    assert easy.difficulty == 1.0 and easy.discrimination is None
    assert good.difficulty == 0.5 and reverse.difficulty == 0.5
    assert flat.difficulty == pytest.approx(2 / 6)
    # Rest scores in thirds (score on the three other questions): "baik" y = 2,2,2,2,2,1 for
    # x = 1,1,1,0,0,0 -> r = (6*6 - 3*11) / sqrt((6*3 - 9)(6*21 - 121)) = 3/sqrt(45).
    assert good.discrimination == pytest.approx(3 / math.sqrt(45))
    # "terbalik": y = 3,3,2,1,1,1 for x = 0,0,1,1,1,0 -> r = (24 - 33) / sqrt(9 * 29) < 0.
    assert reverse.discrimination == pytest.approx(-9 / math.sqrt(9 * 29))
    assert flat.discrimination == pytest.approx(0.0)
    assert easy.flags == ["easy"]
    assert good.flags == []
    assert reverse.flags == ["negative"]
    assert flat.flags == ["weak"]
    # Option counts from the stored responses; the blank answer is counted apart.
    assert [(o.text, o.correct, o.chosen) for o in good.options] == [
        ("C", True, 3),
        ("D", False, 3),
    ]
    assert [o.chosen for o in flat.options] == [2, 3] and flat.blank == 1

    # Every attempt: learner 6's second (all right) attempt counts as well.
    stats = by_key(results.item_analysis(course, version, totals))
    assert stats[("final", "baik")].answers == 7 and stats[("final", "baik")].correct == 4
    # Short answers: the most common ones, as typed (case and spaces folded); blanks apart.
    short = stats[("modul/kuis", "singkat")]
    assert short.common == [("asn", 3), ("pns", 2)] and short.blank == 1
    assert short.difficulty == 0.5 and short.discrimination is None  # no other question
    # The pre-test has too few answers for flags.
    assert stats[("pretest", "awal")].answers == 4 and stats[("pretest", "awal")].flags == []


def test_summary_gain_and_dropoff(app, dataset):
    course, _ = dataset
    summary = results.summary(course)
    assert (summary.enrolled, summary.not_started, summary.in_progress, summary.completed) == (
        6,
        1,
        2,
        3,
    )
    assert summary.completion_rate == 0.5
    # Best final per learner: 75, 75, 75, 50, 50, 100 (learner 6's second attempt).
    assert summary.final_average == pytest.approx(425 / 6) and summary.final_learners == 6
    # First pre-test vs best final: learner 1 0 -> 75, learner 4 0 -> 50, learner 6 100 -> 100.
    assert summary.gain_learners == 3
    assert summary.pretest_average == pytest.approx(100 / 3)
    assert summary.pair_final_average == pytest.approx(75)
    assert summary.gain_average == pytest.approx(125 / 3)

    totals = results.quiz_totals(course.id)
    steps = results.dropoff(course, results.version_items(course.current_version), totals)
    assert [(s.key, s.reached, s.done) for s in steps] == [
        ("pretest", 3, 2),  # learner 1 on the second try, learner 6
        ("modul/pelajaran-1", 5, 4),
        ("modul/pelajaran-2", 2, 2),
        ("modul/kuis", 6, 3),
        ("final", 6, 4),
    ]


def test_results_page_and_csv(app, client, make_user, dataset):
    course, _learners = dataset
    owner = make_user(roles=["instructor"])
    course.owners.append(owner)
    db.session.commit()
    login(client, owner.email)
    page = client.get(f"/teach/{SLUG}/results")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "daya beda negatif" in html and "terlalu mudah" in html
    assert "Analisis butir soal" in html

    response = client.get(f"/teach/{SLUG}/results/questions.csv?attempts=first")
    assert response.mimetype == "text/csv"
    rows = list(
        csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    header, body = rows[0], {(r[0], r[3]): dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert header[:4] == ["Kunci kuis", "Kuis", "Nomor", "Id soal"]
    assert body[("final", "terbalik")]["Tingkat kesulitan"] == "0,500"
    assert body[("final", "terbalik")]["Penanda"] == "daya beda negatif"
    assert body[("final", "baik")]["Pilihan jawaban"] == "C (*): 3 | D: 3"
    assert body[("final", "mudah")]["Daya beda"] == ""

    response = client.get(f"/teach/{SLUG}/results/learners.csv")
    rows = list(
        csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    by_name = {r[1]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert len(by_name) == 6
    assert by_name["Peserta 1"]["Nilai pre-test pertama"] == "0,00"
    assert by_name["Peserta 1"]["Nilai ujian akhir terbaik"] == "75,00"
    assert by_name["Peserta 1"]["Peningkatan"] == "75,00"
    assert by_name["Peserta 6"]["Nilai ujian akhir terbaik"] == "100,00"
    assert by_name["Peserta 6"]["Selesai pada"] == ""
    assert by_name["Peserta 2"]["Pelajaran selesai"] == "2"


def test_the_results_page_runs_a_fixed_number_of_queries(app, client, make_user, dataset):
    course, learners = dataset
    owner = make_user(roles=["instructor"])
    course.owners.append(owner)
    db.session.commit()
    login(client, owner.email)

    def count():
        statements = []

        def listener(_conn, _cursor, statement, *_args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(f"/teach/{SLUG}/results").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    before = count()
    # Twice the attempts: the same number of queries.
    quiz = db.session.scalar(select(Quiz).where(Quiz.role == "final"))
    questions = list(db.session.scalars(select(Question).where(Question.quiz_id == quiz.id)))
    for n, user in learners.items():
        row = Attempt(
            user_id=user.id,
            course_id=course.id,
            quiz_id=quiz.id,
            quiz_key="final",
            role="final",
            number=5,
            submitted_at=utcnow() - timedelta(minutes=n),
            question_ids=[q.id for q in questions],
            score_points=Decimal(1),
            max_points=Decimal(4),
            score_percent=Decimal(25),
            passed=False,
        )
        db.session.add(row)
        db.session.flush()
        for q in questions:
            db.session.add(AttemptAnswer(attempt_id=row.id, question_id=q.id, response=None))
    db.session.commit()
    assert count() == before
    assert before <= 17  # + the survey flags of the course
