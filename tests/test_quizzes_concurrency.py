"""Two requests at once: two submissions of one attempt record one, two starts make one
attempt. Two threads, each with its own test client, meet at a barrier; in the "hooked"
variants they meet inside the service, right before the database statement that settles the
race, so that both have passed every check done in Python."""

import contextlib
import threading

import pytest
from conftest import csrf_token, login
from flask import current_app
from sqlalchemy import func, select
from test_quizzes import MODULE_QUIZ, answers, enrol, install, lesson_done, open_attempt, quiz_url

from elearn.extensions import db
from elearn.models import Attempt, AttemptAnswer, Completion
from elearn.quizzes import services as svc


def run_together(*calls):
    """Run the calls in threads at the same moment; return their results (or raise)."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)
    errors = []

    app = current_app._get_current_object()

    def run(i, call):
        try:
            with app.app_context():  # the test client expires this thread's session after
                barrier.wait(timeout=10)
                results[i] = call()
        except Exception as exc:  # re-raised in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a request hung"
    if errors:
        raise errors[0]
    return results


def meet_before(monkeypatch, name, parties=2):
    """Make `parties` requests wait for each other right before services.<name> runs.
    Returns a list that gets one entry per request that met the others there."""
    barrier = threading.Barrier(parties)
    original = getattr(svc, name)
    met = []

    def wrapper(*args, **kwargs):
        # When the other request does not get this far there is nothing to race.
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=5)
            met.append(True)
        return original(*args, **kwargs)

    monkeypatch.setattr(svc, name, wrapper)
    return met


@pytest.fixture
def two_tabs(app, make_user):
    course = install()
    user = make_user()
    enrol(user, course)
    clients = [app.test_client(), app.test_client()]
    for c in clients:
        assert login(c, user.email).status_code == 302
    return course, user, clients


@pytest.mark.parametrize("hooked", [False, True], ids=["barrier", "hooked"])
def test_two_concurrent_submissions_record_one(two_tabs, monkeypatch, hooked):
    course, user, (tab1, tab2) = two_tabs
    lesson_done(user, course)
    # Pass the module quiz, then race two submissions of the final exam: the one that wins
    # completes the course, exactly once.
    for key in (MODULE_QUIZ, "final"):
        token = csrf_token(tab1, "/")
        assert tab1.post(quiz_url(key), data={"csrf_token": token}).status_code == 302
        attempt = open_attempt(user, key)
        if key == "final":
            break
        data = {**answers(attempt), "csrf_token": token}
        assert tab1.post(f"/attempts/{attempt.id}/submit", data=data).status_code == 302

    url = f"/attempts/{attempt.id}/submit"
    data1 = {**answers(attempt), "csrf_token": csrf_token(tab1, "/")}
    data2 = {**answers(attempt, right=False), "csrf_token": csrf_token(tab2, "/")}
    met = meet_before(monkeypatch, "_claim") if hooked else None
    r1, r2 = run_together(lambda: tab1.post(url, data=data1), lambda: tab2.post(url, data=data2))
    if hooked:
        assert len(met) == 2  # both passed every check before the UPDATE that decides

    assert r1.status_code == r2.status_code == 302
    assert r1.headers["Location"] == r2.headers["Location"] == f"/attempts/{attempt.id}"
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt.id)
    assert attempt.submitted_at is not None
    rows = db.session.scalars(
        select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt.id)
    ).all()
    assert len(rows) == len(attempt.question_ids)
    assert len({r.question_id for r in rows}) == len(rows)
    # The score is one sheet's, all right or all wrong, never a mix.
    assert attempt.score_percent in (0, 100)
    assert sum(r.points for r in rows) == attempt.score_points
    completions = db.session.scalar(
        select(func.count()).select_from(Completion).where(Completion.user_id == user.id)
    )
    assert completions == (1 if attempt.passed else 0)
    # Both tabs show the same result.
    assert tab1.get(r1.headers["Location"]).status_code == 200
    assert tab2.get(r2.headers["Location"]).status_code == 200


@pytest.mark.parametrize("hooked", [False, True], ids=["barrier", "hooked"])
def test_two_concurrent_starts_create_one_attempt(two_tabs, monkeypatch, hooked):
    _course, user, (tab1, tab2) = two_tabs
    url = quiz_url(MODULE_QUIZ)
    token1, token2 = csrf_token(tab1, "/"), csrf_token(tab2, "/")
    met = meet_before(monkeypatch, "insert_if_absent") if hooked else None
    r1, r2 = run_together(
        lambda: tab1.post(url, data={"csrf_token": token1}),
        lambda: tab2.post(url, data={"csrf_token": token2}),
    )
    if hooked:
        assert len(met) == 2  # both found no attempt and tried to insert number 1
    assert r1.status_code == r2.status_code == 302
    db.session.expire_all()
    attempts = db.session.scalars(select(Attempt).where(Attempt.user_id == user.id)).all()
    assert [a.number for a in attempts] == [1]
    # Both tabs show that attempt.
    ids = []
    for tab in (tab1, tab2):
        html = tab.get(url).get_data(as_text=True)
        assert f'action="/attempts/{attempts[0].id}/save"' in html
        ids.append(attempts[0].id)
    assert ids[0] == ids[1]


def test_concurrent_starts_never_exceed_the_limit(app, make_user, monkeypatch, tmp_path):
    course = install(tmp_path, **{"01-dasar/02-kuis.md": {"attempts": 1}})
    user = make_user()
    enrol(user, course)
    tabs = [app.test_client() for _ in range(3)]
    for tab in tabs:
        login(tab, user.email)
    # One attempt, submitted: every further start is refused, however many arrive together.
    token = csrf_token(tabs[0], "/")
    tabs[0].post(quiz_url(MODULE_QUIZ), data={"csrf_token": token})
    attempt = open_attempt(user)
    tabs[0].post(f"/attempts/{attempt.id}/submit", data={"csrf_token": token})
    tokens = [csrf_token(tab, "/") for tab in tabs]
    responses = run_together(
        *[
            (lambda tab=tab, t=t: tab.post(quiz_url(MODULE_QUIZ), data={"csrf_token": t}))
            for tab, t in zip(tabs, tokens, strict=True)
        ]
    )
    assert all(r.status_code == 302 for r in responses)
    db.session.expire_all()
    count = db.session.scalar(
        select(func.count()).select_from(Attempt).where(Attempt.user_id == user.id)
    )
    assert count == 1
