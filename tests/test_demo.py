"""`flask demo seed`: the demo agency a new user signs in to after `make run`."""

from factories_course import import_shipped
from sqlalchemy import func, select

from elearn.demo import DEMO_OWNERS, DEMO_PASSWORD, EMAIL_DOMAIN
from elearn.extensions import db
from elearn.models import Assignment, Certificate, Enrollment, User


def test_demo_seed_loads_accounts_then_activity_once(app, runner, client):
    for slug in DEMO_OWNERS:
        import_shipped(slug)
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    assert "17 accounts" in result.output and "demo activity loaded" in result.output
    # 17 people of the agency, and the partner university's lecturer (activities/demo.py).
    assert db.session.scalar(select(func.count(User.id))) == 18
    assert db.session.scalar(select(func.count(Assignment.id))) == 2
    agus = db.session.scalar(select(User).where(User.email == f"agus@{EMAIL_DOMAIN}"))
    assert db.session.scalar(select(Certificate).where(Certificate.user_id == agus.id))
    enrolments = db.session.scalar(select(func.count(Enrollment.id)))

    again = runner.invoke(args=["demo", "seed"])
    assert again.exit_code == 0
    assert "already present" in again.output and "activity" not in again.output
    assert db.session.scalar(select(func.count(Enrollment.id))) == enrolments

    from conftest import login

    assert login(client, f"hendra@{EMAIL_DOMAIN}", DEMO_PASSWORD).status_code == 302
    assert "Literasi Digital untuk ASN" in client.get("/team/assignments").get_data(as_text=True)


def test_demo_seed_without_courses_loads_accounts_only(app, runner):
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0
    assert "activity" not in result.output
    assert db.session.scalar(select(func.count(Assignment.id))) == 0


def test_demo_seed_is_refused_in_production(app, runner):
    app.config["PRODUCTION"] = True
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code != 0
    assert "production" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0
