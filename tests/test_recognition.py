"""Recognition lists: the people of a unit who reached the JP target this year (each person may
choose not to be named, and is still counted), and the ranking of units by the share of people
at target for supervisors (their scope) and admins (every unit). Fixed query counts."""

from contextlib import contextmanager
from decimal import Decimal

import pytest
from conftest import csrf_token
from factories_course import import_course, write_course
from sqlalchemy import event, select

from elearn.activities.kinds import ensure_kinds
from elearn.extensions import db
from elearn.models import Activity, ActivityKind, ActivityStatus, Completion, User
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


def named(page):
    """The names on the list of a recognition page."""
    if 'id="named-title"' not in page:
        return []
    part = page[page.index('id="named-title"') :].split("</table>")[0]
    return [cell.split("</td>")[0] for cell in part.split("<td>")[1:]]


@pytest.fixture
def agency(app, tmp_path, make_unit, make_user):
    root = make_unit("Pemerintah Kabupaten", code="ROOT")
    a = make_unit("Dinas A", root, code="A")
    a1 = make_unit("Bidang A1", a, code="A1")
    b = make_unit("Dinas B", root, code="B")
    boss = make_user(roles=["supervisor", "learner"], unit=a, full_name="Kepala A")
    boss.supervised = [a]
    admin = make_user(roles=["admin"], unit=root, full_name="Admin")
    course = import_course(write_course(tmp_path, "besar", title="Kursus Besar", lessons=1, jp=20))
    small = import_course(write_course(tmp_path, "kecil", title="Kursus Kecil", lessons=1, jp=5))
    people = {}
    for name, unit, jp, hidden in [
        ("Agus Setiawan", a, 20, False),
        ("Dewi Lestari", a1, 25, False),
        ("Rahasia Sekali", a1, 20, True),
        ("Belum Cukup", a1, 5, False),
        ("Budi Santoso", b, 20, False),
        ("Citra Dewanti", b, 0, False),
    ]:
        person = make_user(unit=unit, full_name=name, hide_from_recognition=hidden)
        people[name.split()[0].lower()] = person
        if jp >= 20:
            _complete(person, course)
        if jp in (5, 25):
            _complete(person, small)
    db.session.commit()
    return {"root": root, "a": a, "a1": a1, "b": b, "boss": boss, "admin": admin, **people}


def _complete(person, course):
    db.session.add(
        Completion(user_id=person.id, course_id=course.id, version_id=course.current_version_id,
                   completed_at=utcnow(), jp=course.current_version.jp)
    )  # fmt: skip


def test_a_learner_sees_who_of_their_unit_reached_the_target(client, agency, login_as):
    login_as(agency["dewi"])
    page = html(client.get("/activities/recognition"))
    assert f"Pegawai yang mencapai target JP tahun {today().year}" in page
    assert named(page) == ["Dewi Lestari"]  # Rahasia reached it too but chose not to be named
    assert "Rahasia" not in page
    stats = page[page.index('class="stats"') :].split("</dl>")[0]
    assert "<dd>3</dd>" in stats and "<dd>2</dd>" in stats and "<dd>67%</dd>" in stats
    # Another unit's list is not theirs to choose: the unit in the address is ignored.
    other = html(client.get(f"/activities/recognition?unit={agency['b'].id}"))
    assert named(other) == ["Dewi Lestari"] and "Budi" not in other
    assert 'name="unit"' not in other


def test_a_supervisor_chooses_among_the_units_in_scope(client, agency, login_as):
    login_as(agency["boss"])
    page = html(client.get("/activities/recognition"))
    assert named(page) == ["Agus Setiawan", "Dewi Lestari"]  # Dinas A with Bidang A1
    assert 'name="unit"' in page and "Dinas B" not in page
    a1 = html(client.get(f"/activities/recognition?unit={agency['a1'].id}"))
    assert named(a1) == ["Dewi Lestari"]
    outside = html(client.get(f"/activities/recognition?unit={agency['b'].id}"))
    assert named(outside) == ["Agus Setiawan", "Dewi Lestari"] and "Budi" not in outside
    last_year = html(client.get(f"/activities/recognition?year={today().year - 1}"))
    assert named(last_year) == [] and "Belum ada yang mencapai target" in last_year


def test_an_admin_opens_any_unit(client, agency, login_as):
    login_as(agency["admin"])
    page = html(client.get(f"/activities/recognition?unit={agency['b'].id}"))
    assert named(page) == ["Budi Santoso"]
    everyone = html(client.get(f"/activities/recognition?unit={agency['root'].id}"))
    assert named(everyone) == ["Agus Setiawan", "Budi Santoso", "Dewi Lestari"]


def test_choosing_not_to_be_named_from_my_learning_and_back(client, agency, login_as):
    agus = agency["agus"]
    login_as(agus)
    home = html(client.get("/"))
    assert "Jangan tampilkan nama saya di daftar penghargaan" in home
    token = csrf_token(client, "/")
    assert client.post("/activities/recognition/optout", data={"hide": "1"}).status_code == 400
    response = client.post(
        "/activities/recognition/optout", data={"csrf_token": token, "hide": "1", "next": "/"}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert db.session.get(User, agus.id).hide_from_recognition is True
    page = html(client.get("/activities/recognition"))
    assert "Agus" not in "".join(named(page))
    assert "Tampilkan lagi nama saya di daftar penghargaan" in page
    stats = page[page.index('class="stats"') :].split("</dl>")[0]
    assert "<dd>3</dd>" in stats  # still counted: Agus, Dewi and Rahasia at target
    response = client.post(
        "/activities/recognition/optout",
        data={"csrf_token": token, "hide": "0", "next": "https://evil.example/"},
    )
    assert response.headers["Location"] == "/"  # only same-site paths are followed
    assert db.session.get(User, agus.id).hide_from_recognition is False


def test_only_approved_activities_bring_someone_on_the_list(client, agency, login_as):
    ensure_kinds()
    kind = db.session.scalar(select(ActivityKind).where(ActivityKind.code == "seminar"))
    citra = agency["citra"]
    for jp, status in ((16, ActivityStatus.PENDING), (12, ActivityStatus.APPROVED)):
        db.session.add(
            Activity(user_id=citra.id, kind_id=kind.id, title=f"Seminar {jp}", start_date=today(),
                     end_date=today(), duration_amount=Decimal(1), jp=jp, status=status)
        )  # fmt: skip
    db.session.commit()
    login_as(agency["budi"])
    assert named(html(client.get("/activities/recognition"))) == ["Budi Santoso"]
    db.session.add(
        Activity(user_id=citra.id, kind_id=kind.id, title="Seminar 8", start_date=today(),
                 end_date=today(), duration_amount=Decimal(1), jp=8,
                 status=ActivityStatus.APPROVED)
    )  # fmt: skip
    db.session.commit()
    assert named(html(client.get("/activities/recognition"))) == ["Budi Santoso", "Citra Dewanti"]


NONE = "\u2013"  # the dash of an empty cell


def _ranking(page):
    table = page[page.index('id="ranking-title"') :].split("</table>")[0]
    rows = []
    for row in table.split("<tr>")[2:]:
        cells = [c.split("<")[0] for c in row.split('data-label="')[1:]]
        name = row.split("</a>")[0].rsplit(">", 1)[1]
        rank = row.split('">', 1)[1].split("<")[0]
        rows.append((rank, name, *[c.split('">', 1)[1] if '">' in c else c for c in cells[1:]]))
    return rows


def test_units_are_ranked_by_share_at_target_counting_everyone(client, agency, login_as, make_unit):
    make_unit("Dinas C", agency["root"], code="C")  # nobody in it
    login_as(agency["admin"])
    page = html(client.get("/activities/recognition/units"))
    # The dinas: A 3 of 5 with A1 (Rahasia counted), B 1 of 2, C empty and last.
    assert _ranking(page) == [
        ("1", "Dinas A", "5", "3", "60%"),
        ("2", "Dinas B", "2", "1", "50%"),
        (NONE, "Dinas C", "0", "0", NONE),
    ]
    level3 = html(client.get("/activities/recognition/units?level=3"))
    assert "Tingkat 2: Dinas A, Dinas B, …" in page
    assert _ranking(level3) == [("1", "Bidang A1", "3", "2", "67%")]
    assert client.get("/activities/recognition/units?level=99").status_code == 200


def test_a_supervisor_ranks_the_units_of_their_scope_and_a_learner_may_not(
    client, agency, login_as
):
    login_as(agency["boss"])
    page = html(client.get("/activities/recognition/units"))
    assert "Dinas B" not in page
    assert [r[1] for r in _ranking(page)] == ["Dinas A"]
    below = html(client.get("/activities/recognition/units?level=2"))
    assert [r[1] for r in _ranking(below)] == ["Bidang A1"]
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as(agency["agus"])
    assert client.get("/activities/recognition/units").status_code == 403


def test_equal_shares_have_equal_rank(client, agency, login_as, make_unit, make_user):
    c = make_unit("Dinas C", agency["root"], code="C")
    db.session.add(User(full_name="Satu", email="satu@example.go.id", unit_id=c.id))
    make_user(unit=c)
    db.session.commit()
    login_as(agency["admin"])
    rows = _ranking(html(client.get("/activities/recognition/units")))
    assert [(r[0], r[1]) for r in rows] == [("1", "Dinas A"), ("2", "Dinas B"), ("3", "Dinas C")]
    person = db.session.scalar(select(User).where(User.email == "satu@example.go.id"))
    _complete(person, db.session.scalar(select(Completion)).course)
    db.session.commit()
    rows = _ranking(html(client.get("/activities/recognition/units")))
    assert [(r[0], r[1]) for r in rows] == [("1", "Dinas A"), ("2", "Dinas B"), ("2", "Dinas C")]


@pytest.mark.parametrize("size", [3, 60])
def test_list_and_ranking_queries_do_not_grow(client, agency, login_as, make_user, size):
    course = db.session.scalar(select(Completion)).course
    for n in range(size):
        person = make_user(unit=agency["a1"], full_name=f"Anggota {n:03d}")
        if n % 2:
            _complete(person, course)
    db.session.commit()
    login_as(agency["boss"])
    with count_queries() as statements:
        page = html(client.get("/activities/recognition?page=2"))
    assert len(statements) == 6, statements  # sign-in 1, bell 1, supervised 1, scope 1, list 2
    assert ("Halaman 2 dari 2" in page) == (size == 60)
    with count_queries() as statements:
        html(client.get("/activities/recognition/units"))
    assert len(statements) == 5, statements  # sign-in 1, bell 1, units in scope 2, ranking 1
