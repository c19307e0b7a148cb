"""One count of JP, read by every view and export: courses completed this year plus approved
activities that ended this year, each kind's yearly cap applied; pending, returned and last
year's activities not counted. The learner's home, the plan, the team dashboard, the person
view, the team export and the supervisor's digest all show the same figure."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from conftest import login
from factories_course import import_course, write_course
from sqlalchemy import select

from elearn.activities.kinds import ensure_kinds
from elearn.extensions import db
from elearn.learn.jp import jp_by_source, jp_earned, jp_of_years
from elearn.models import Activity, ActivityKind, ActivityStatus, Completion
from elearn.supervision.reminders import digest_for
from elearn.supervision.services import today
from elearn.timeutil import utcnow


@pytest.fixture
def config_overrides():
    return {"YEARLY_JP_TARGET": 25}


@pytest.fixture
def person(app, tmp_path, make_user, make_unit):
    unit = make_unit("Bagian Umum")
    boss = make_user(roles=["supervisor", "learner"], unit=unit, full_name="Ir. Hendra Wijaya")
    boss.supervised.append(unit)
    learner = make_user(unit=unit, supervisor=boss, full_name="Dewi Lestari")
    course = import_course(write_course(tmp_path, "etika", title="Etika ASN", lessons=1, jp=2))
    db.session.add(
        Completion(user_id=learner.id, course_id=course.id,
                   version_id=course.current_version_id, completed_at=utcnow(), jp=2)
    )  # fmt: skip
    ensure_kinds()
    kinds = {k.code: k for k in db.session.scalars(select(ActivityKind))}
    year = today().year
    first = date(year, 1, 1)

    def activity(code, jp, status=ActivityStatus.APPROVED, end=first):
        db.session.add(
            Activity(
                user_id=learner.id,
                kind_id=kinds[code].id,
                title=f"{code} {jp}",
                organiser_name="Panitia",
                start_date=end,
                end_date=end,
                duration_amount=Decimal(1),
                duration_unit="day",
                jp=jp,
                status=status,
            )
        )

    activity("seminar", 8)  # counted
    activity("belajar-mandiri", 9)  # 9 + 6 of self-study: the yearly cap of 10 applies
    activity("belajar-mandiri", 6)
    activity("workshop", 5, ActivityStatus.PENDING)  # not approved yet
    activity("workshop", 7, ActivityStatus.RETURNED)
    activity("coaching", 4, end=first - timedelta(days=1))  # last year
    db.session.commit()
    return learner, boss


def test_the_count_itself(person):
    learner, _boss = person
    year = today().year
    assert jp_earned([learner.id], year) == {learner.id: 2 + 8 + 10}
    parts = jp_by_source([learner.id], year)[learner.id]
    assert (parts.courses, parts.formal, parts.social, parts.workplace) == (2, 8, 0, 10)
    assert jp_of_years(learner.id, [year, year - 1]) == {year: 20, year - 1: 4}


def test_every_view_and_export_shows_the_same_figure(app, client, person, login_as):
    learner, boss = person
    year = today().year
    login_as(learner)
    assert "20 dari 25 JP" in client.get("/").get_data(as_text=True)
    plan = client.get(f"/competencies/plan?year={year}").get_data(as_text=True)
    assert "<dd>20</dd>" in plan

    client = app.test_client()
    assert login(client, boss.email).status_code == 302
    team = client.get("/team").get_data(as_text=True)
    assert "20 / 25" in team
    page = client.get(f"/team/people/{learner.id}").get_data(as_text=True)
    by_year = page[page.index('id="jp-title"') :].split("</table>")[0]
    cells = [c.split("<")[0].strip() for c in by_year.split('<td class="num">')[1:]]
    assert cells == ["20", "4"]
    export = client.get("/team/export.csv")
    rows = list(
        csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    header, dewi = rows[0], next(r for r in rows if "Dewi Lestari" in r)
    assert dewi[header.index(f"JP {year}")] == "20"
    digest = digest_for(boss, today())
    assert ("Dewi Lestari", learner.nip, 20) in digest.below_target
