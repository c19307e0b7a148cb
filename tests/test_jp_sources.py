"""The 10:20:70 picture: JP of the year by source (formal: courses and other formal learning;
coaching and mentoring; on the job and other) as a small server-drawn bar with the model's
marks and a table of the same figures, for a person (My learning, the person view) and for the
team on the dashboard. Only approved activities count. Query counts pinned."""

import re
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from conftest import login
from factories_course import import_course, write_course
from sqlalchemy import event, select

from elearn.activities.kinds import ensure_kinds
from elearn.activities.recognition import source_picture
from elearn.extensions import db
from elearn.learn.jp import JPBySource
from elearn.models import Activity, ActivityKind, ActivityStatus, Completion
from elearn.supervision.services import today
from elearn.timeutil import utcnow


@contextmanager
def count_queries():
    statements = []

    def listener(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def html(response):
    assert response.status_code == 200
    return response.get_data(as_text=True)


def picture(page, sid):
    """(rows of the table as (label, JP, share, model), the SVG) of the picture `sid`."""
    part = page[page.index(f'id="{sid}-title"') :].split("</section>")[0]
    svg = part[part.index("<svg") : part.index("</svg>")] if "<svg" in part else ""
    rows = []
    for row in part.split("<tbody>")[1].split("</tbody>")[0].split("<tr")[1:]:
        label = re.sub(r"<br>.*", "", row.split("</th>")[0], flags=re.S)
        label = re.sub(r"<[^>]+>", "", label.split(">", 1)[1]).strip()
        cells = [c.split("</td>")[0] for c in row.split('<td class="num">')[1:]]
        rows.append((label, *cells))
    total = re.search(r"<tfoot>.*?<td class=\"num\">(\d+)</td>", part, re.S).group(1)
    return rows, svg, int(total)


@pytest.fixture
def team(app, tmp_path, make_unit, make_user):
    unit = make_unit("Dinas A", code="A")
    other = make_unit("Dinas B", code="B")
    boss = make_user(roles=["supervisor", "learner"], unit=unit, full_name="Kepala A")
    boss.supervised = [unit]
    learner = make_user(unit=unit, full_name="Dewi Lestari")
    colleague = make_user(unit=unit, full_name="Agus Setiawan")
    outsider = make_user(unit=other, full_name="Budi Luar")
    course = import_course(write_course(tmp_path, "etika", title="Etika ASN", lessons=1, jp=2))
    for person in (learner, outsider):
        db.session.add(
            Completion(user_id=person.id, course_id=course.id,
                       version_id=course.current_version_id, completed_at=utcnow(), jp=2)
        )  # fmt: skip
    ensure_kinds()
    kinds = {k.code: k for k in db.session.scalars(select(ActivityKind))}
    end = today()

    def activity(person, code, jp, status=ActivityStatus.APPROVED, when=end):
        db.session.add(
            Activity(user_id=person.id, kind_id=kinds[code].id, title=f"{code} {jp}",
                     start_date=when, end_date=when, duration_amount=Decimal(1), jp=jp,
                     status=status)
        )  # fmt: skip

    activity(learner, "seminar", 4)  # other formal
    activity(learner, "coaching", 4)  # social
    activity(learner, "proyek-strategis", 10)  # workplace
    activity(learner, "workshop", 5, ActivityStatus.PENDING)  # not counted
    activity(learner, "magang", 30, when=date(end.year - 1, 12, 31))  # last year
    activity(colleague, "mentoring", 6)
    activity(outsider, "detasering", 40)
    db.session.commit()
    return {"boss": boss, "learner": learner, "colleague": colleague, "outsider": outsider,
            "activity": activity, "unit": unit}  # fmt: skip


def test_my_learning_shows_my_jp_by_source_beside_the_model(client, team, login_as):
    login_as(team["learner"])
    rows, svg, total = picture(html(client.get("/")), "my-sources")
    assert total == 20
    assert rows == [
        ("Pembelajaran formal", "6", "30%", "10%"),
        ("di antaranya kursus di platform ini", "2"),
        ("di antaranya pembelajaran formal lain", "4"),
        ("Coaching dan mentoring", "4", "20%", "20%"),
        ("Belajar di tempat kerja dan kegiatan lain", "10", "50%", "70%"),
    ]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert 'width="100%"' in svg and 'viewBox="0 0 300 58"' in svg  # scales down to a phone
    assert 'class="src-formal"' in svg and 'width="90.0"' in svg  # 6 of 20 JP: 30% of the bar
    assert svg.count('class="src-mark"') == 2  # the model's 10% and 30% boundaries
    assert "style=" not in svg


def test_an_empty_year_says_so_and_still_shows_the_table(client, make_user, login_as):
    login_as(make_user())
    page = html(client.get("/"))
    rows, svg, total = picture(page, "my-sources")
    assert svg == "" and total == 0
    assert f"Belum ada JP yang tercatat pada tahun {today().year}." in page
    assert rows[0] == ("Pembelajaran formal", "0", "0%", "10%")


def test_the_person_view_and_the_dashboard_show_the_same_figures(client, team, login_as):
    login_as(team["boss"])
    person = html(client.get(f"/team/people/{team['learner'].id}"))
    rows, _svg, total = picture(person, "person-sources")
    assert total == 20 and rows[3] == ("Coaching dan mentoring", "4", "20%", "20%")
    # The team: Dewi's 20 and Agus's 6 JP of mentoring; Budi of Dinas B is not in scope.
    rows, _svg, total = picture(html(client.get("/team")), "team-sources")
    assert total == 26
    assert rows[3] == ("Coaching dan mentoring", "10", "38%", "20%")
    # The unit and search filters narrow the picture as they narrow the list.
    rows, _svg, total = picture(html(client.get("/team?q=agus")), "team-sources")
    assert total == 6 and rows[3][1] == "6"
    last_year = html(client.get(f"/team?year={today().year - 1}"))
    assert picture(last_year, "team-sources")[2] == 30


def test_shares_and_bar_widths():
    parts = JPBySource(courses=2, formal=1, social=0, workplace=7)
    pic = source_picture(parts, 2026)
    assert [(r.key, r.jp, r.percent, r.x, r.width) for r in pic.rows] == [
        ("formal", 3, 30, 0, 90.0),
        ("social", 0, 0, 90.0, 0.0),
        ("workplace", 7, 70, 90.0, 210.0),
    ]
    assert pic.marks == [(30.0, 10), (90.0, 30)]
    assert [w for _k, _x, w in pic.reference] == [30.0, 60.0, 210.0]
    assert source_picture(JPBySource(), 2026).rows[0].width == 0


# Queries -----------------------------------------------------------------------------------------
# Every signed-in page: the user with their roles and session (1) and the bell's unread count (1).
MY_LEARNING = 9  # + enrolments, completions, progress, due dates, JP, surveys, by source, badges
PERSON_VIEW = 16  # + the person and roles (2), supervised units, courses (2), attempts,
# completions, activity years, JP by year, certificates, plan status, and what this feature
# adds: the year's activities, JP by source, badges
DASHBOARD = 11  # + supervised units, scope units, courses, kept summary lookup, summary, ids,
# page, surveys, by source


@pytest.mark.parametrize("many", [False, True])
def test_query_counts_do_not_grow_with_the_activities(app, client, team, login_as, many):
    if many:
        for n in range(30):
            code = ("seminar", "coaching", "proyek-strategis")[n % 3]
            team["activity"](team["learner"], code, 1)
            team["activity"](team["colleague"], code, 1)
        db.session.commit()
    login_as(team["learner"])
    client.get("/")  # outlines kept per process: count a warm page
    with count_queries() as statements:
        html(client.get("/"))
    assert len(statements) == MY_LEARNING, statements
    client = app.test_client()  # the supervisor's own browser
    assert login(client, team["boss"].email).status_code == 302
    learner_id = team["learner"].id
    with count_queries() as statements:
        html(client.get(f"/team/people/{learner_id}"))
    assert len(statements) == PERSON_VIEW, statements
    with count_queries() as statements:
        html(client.get("/team"))
    assert len(statements) == DASHBOARD, statements
