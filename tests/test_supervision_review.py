"""Review of the assign picker, the preview and the bell: stale tabs and double submits make
no duplicate, markup typed anywhere comes back escaped, dates typed wrong are explained in
Indonesian, and the bell's count is one query drawn with the header only."""

import re
from datetime import timedelta

import pytest
from conftest import csrf_token
from test_supervision_helpers import build_agency, count_queries

from elearn.extensions import db
from elearn.models import Assignment, AssignmentPerson, Notification
from elearn.notifications.services import notify
from elearn.supervision.services import today
from elearn.timeutil import utcnow

FINGERPRINT_RE = re.compile(r'name="fingerprint" type="hidden" value="([^"]+)"')
NEW = "/team/assignments/new"
XSS = '"><script>alert(1)</script><img src=x onerror=alert(1)>'


@pytest.fixture
def agency(app, make_unit, make_user, tmp_path):
    return build_agency(make_unit, make_user, tmp_path)


def text(response):
    return response.get_data(as_text=True)


def confirm_data(client, course, units=(), people=()):
    """The preview's form as the browser would send it (an open tab)."""
    choice = {
        "sent": "1",
        "course_id": str(course.id),
        "unit_ids": [str(u.id) for u in units],
        "user_ids": [str(p.id) for p in people],
        "due_date": (today() + timedelta(days=14)).isoformat(),
        "include_future_members": "y",
    }
    html = text(client.get(NEW, query_string={**choice, "step": "preview"}))
    del choice["sent"]
    return {
        **choice,
        "csrf_token": csrf_token(client, NEW),
        "fingerprint": FINGERPRINT_RE.search(html).group(1),
        "due_policy": "keep",
    }


def count(model):
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_the_same_confirmation_sent_twice_assigns_once(client, agency, login_as):
    login_as(agency.sup_a)
    data = confirm_data(client, agency.course, units=[agency.a], people=[agency.agus])
    assert client.post(NEW, data=data).status_code == 302
    again = client.post(NEW, data=data)
    assert again.status_code == 200  # the preview again, saying what changed
    assert "Ada yang berubah" in text(again)
    assert count(Assignment) == 1
    assert count(AssignmentPerson) == 3  # Kepala A, Agus and Dewi, once each


def test_two_tabs_confirming_the_same_preview_make_no_duplicate(app, client, agency, login_as):
    login_as(agency.sup_a)
    first = confirm_data(client, agency.course, units=[agency.a1])
    second = confirm_data(client, agency.course, units=[agency.a1])
    assert client.post(NEW, data=first).status_code == 302
    assert client.post(NEW, data=second).status_code == 200
    assert count(Assignment) == 1


def test_markup_typed_in_the_picker_comes_back_escaped(client, agency, login_as):
    login_as(agency.sup_a)
    html = text(
        client.get(
            NEW, query_string={"sent": "1", "unit_q": XSS, "people_q": XSS, "search": "units"}
        )
    )
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html or "&#34;&gt;&lt;script&gt;" in html
    found = client.get("/team/assignments/search", query_string={"kind": "people", "q": XSS})
    assert found.get_json()["results"] == []
    assert found.mimetype == "application/json"  # never read as a page
    assert found.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("field", ["date_from", "date_to"])
def test_a_report_date_that_does_not_parse_is_explained_in_indonesian(
    client, agency, login_as, field
):
    login_as(agency.sup_a)
    response = client.get("/team/completions.csv", query_string={field: "31-02-x"})
    assert response.status_code == 400
    html = text(response)
    assert "Not a valid" not in html
    assert "Masukkan tanggal" in html


def test_a_date_out_of_range_is_named_as_on_the_pages(client, agency, login_as):
    login_as(agency.sup_a)
    response = client.get(
        NEW,
        query_string={
            "sent": "1",
            "step": "preview",
            "course_id": agency.course.id,
            "unit_ids": agency.a.id,
            "due_date": "2150-01-01",
        },
    )
    assert response.status_code == 400
    assert "1 Jan 2000" in text(response) and "31 Des 2099" in text(response)
    assert count(Assignment) == 0


def test_a_notification_with_an_outside_link_leads_to_the_list(app, client, agency, login_as):
    for link in (
        "https://evil.example/x",
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "/\t/evil.example",
    ):
        notify(agency.agus.id, "assigned", {"title": "x"}, link, f"test:{link}")
    db.session.execute(  # a row written by mistake, past notify's own check
        db.insert(Notification).values(
            user_id=agency.agus.id,
            kind="assigned",
            params={},
            link="//evil.example/y",
            dedupe_key="raw",
            created_at=utcnow(),
        )
    )
    db.session.commit()
    assert {n.link for n in db.session.scalars(db.select(Notification))} == {"", "//evil.example/y"}
    login_as(agency.agus)
    for n in db.session.scalars(db.select(Notification)):
        response = client.get(f"/notifications/{n.id}")
        assert response.status_code == 302
        assert response.headers["Location"] == "/notifications"


def test_the_bell_is_one_query_and_none_without_the_header(client, agency, login_as):
    login_as(agency.sup_a)
    client.get("/")  # warm up
    with count_queries() as page:
        client.get("/")
    assert sum("FROM notifications" in s for s in page) == 1
    with count_queries() as search:
        client.get("/team/assignments/search", query_string={"kind": "units"})
    assert not any("FROM notifications" in s for s in search)
