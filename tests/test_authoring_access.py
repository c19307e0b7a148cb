"""Who may open the teaching pages of a course: its instructors and admins. Every other
instructor gets 404 on every URL of the course (existence is not revealed), other roles 403;
owners add and remove co-instructors by NIP or email."""

import pytest
from conftest import csrf_token, login
from sqlalchemy import select
from test_authoring import SLUG, build_course, post

from elearn.extensions import db
from elearn.models import AuditLog, Course


def course_urls(app, user_id):
    """(method, URL) of every authoring URL of the course built by build_course."""
    values = {
        "slug": SLUG,
        "module": "nilai-dasar",
        "item": "kuis-nilai-dasar",
        "qkey": "singkatan",
        "number": 1,
        "user_id": user_id,
        "path": "images/x.png",
    }
    urls = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("authoring.") or "slug" not in rule.arguments:
                continue
            url = url_for(rule.endpoint, **{a: values[a] for a in rule.arguments})
            for method in ("GET", "POST"):
                if method in rule.methods:
                    urls.append((method, url))
    return urls


@pytest.fixture
def course_of_owner(app, client, make_user):
    owner = make_user(roles=["instructor"], full_name="Pemilik")
    login(client, owner.email)
    build_course(client)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/teach/")})
    return owner


def statuses(client, urls):
    token = csrf_token(client, "/")
    out = {}
    for method, url in urls:
        if method == "GET":
            out[(method, url)] = client.get(url).status_code
        else:
            out[(method, url)] = client.post(url, data={"csrf_token": token}).status_code
    return out


def test_another_instructor_gets_404_on_every_url_of_the_course(
    app, client, make_user, course_of_owner
):
    outsider = make_user(roles=["instructor"])
    login(client, outsider.email)
    urls = course_urls(app, course_of_owner.id)
    assert len(urls) > 30
    found = statuses(client, urls)
    assert {k: v for k, v in found.items() if v != 404} == {}
    # A course that does not exist looks the same.
    assert client.get("/teach/tidak-ada/").status_code == 404
    # And the course is not in the outsider's list.
    assert SLUG not in client.get("/teach/").get_data(as_text=True)


def test_learners_and_supervisors_get_403(app, client, make_user, course_of_owner):
    for roles in (["learner"], ["supervisor"]):
        user = make_user(roles=roles)
        login(client, user.email)
        urls = course_urls(app, course_of_owner.id)
        found = statuses(client, urls)
        assert set(found.values()) == {403}, roles
        assert client.get("/teach/").status_code == 403
        client.post("/logout", data={"csrf_token": csrf_token(client, "/")})


def test_admins_reach_every_course(app, client, make_user, course_of_owner):
    admin = make_user(roles=["admin"])
    login(client, admin.email)
    for page in ("", "settings", "files", "publish", "versions", "instructors", "results"):
        assert client.get(f"/teach/{SLUG}/{page}").status_code == 200, page
    assert SLUG in client.get("/teach/").get_data(as_text=True)


def test_owner_adds_and_removes_a_co_instructor(app, client, make_user, course_of_owner):
    colleague = make_user(roles=["instructor"], full_name="Rekan", nip="198609262015051001")
    learner = make_user(full_name="Bukan Instruktur")
    login(client, course_of_owner.email)

    response = post(client, f"/teach/{SLUG}/instructors", {"who": learner.email})
    assert response.status_code == 200
    assert "bukan instruktur" in response.get_data(as_text=True)
    response = post(client, f"/teach/{SLUG}/instructors", {"who": "tidak@ada.go.id"})
    assert "Tidak ditemukan" in response.get_data(as_text=True)
    response = post(client, f"/teach/{SLUG}/instructors", {"who": "198609262015051001"})
    assert response.status_code == 302
    course = db.session.scalar(select(Course).where(Course.slug == SLUG))
    assert {o.full_name for o in course.owners} == {"Pemilik", "Rekan"}
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "course.owner_add"))

    # The co-instructor can now edit the course.
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, colleague.email)
    assert client.get(f"/teach/{SLUG}/").status_code == 200
    assert client.get(f"/teach/{SLUG}/results").status_code == 200
    assert SLUG in client.get("/teach/").get_data(as_text=True)

    # Removing: the co-instructor loses access; the last instructor cannot be removed.
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, course_of_owner.email)
    response = post(client, f"/teach/{SLUG}/instructors/{colleague.id}/remove")
    assert response.status_code == 302
    response = post(client, f"/teach/{SLUG}/instructors/{course_of_owner.id}/remove")
    assert response.status_code == 302
    course = db.session.scalar(select(Course).where(Course.slug == SLUG))
    assert [o.full_name for o in course.owners] == ["Pemilik"]
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, colleague.email)
    assert client.get(f"/teach/{SLUG}/").status_code == 404
