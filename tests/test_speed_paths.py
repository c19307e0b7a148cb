"""The lighter lesson path keeps what a user notices: the language switch in the footer (a plain
form now), the session check on every request (one query for the user, roles and session), no
session cookie rewritten when nothing changed, and the lesson page's outline."""

import html as html_lib
import re

from factories_course import enrol, import_course, mark_done, write_course
from sqlalchemy import update

from elearn.extensions import db
from elearn.models import UserSession

LANG_FORM = re.compile(
    r'<form method="post" action="/language" class="lang-form">(.*?)</form>', re.S
)


def footer_fields(page):
    form = LANG_FORM.search(page)
    assert form, "no language switch in the footer"
    fields = dict(re.findall(r'<input name="([^"]+)" type="hidden" value="([^"]*)">', form[1]))
    options = re.findall(r'<option value="([^"]+)"( selected)?>([^<]+)</option>', form[1])
    return {k: html_lib.unescape(v) for k, v in fields.items()}, options


def test_the_footer_switches_the_language_and_comes_back_to_the_same_page(
    client, make_user, login_as, tmp_path
):
    import_course(write_course(tmp_path, "bahasa", lessons=2))
    login_as(make_user())
    enrol(client, "bahasa")
    url = "/learn/bahasa/modul/pelajaran-1?from=mail&x=1"
    page = client.get(url).get_data(as_text=True)
    fields, options = footer_fields(page)
    assert fields["next"] == url  # the query string is kept
    assert fields["csrf_token"]
    assert [(v, sel, label) for v, sel, label in options] == [
        ("id", " selected", "Bahasa Indonesia"),
        ("en", "", "English"),
    ]
    assert "Tandai selesai" in page

    response = client.post("/language", data={**fields, "lang": "en"})
    assert response.status_code == 302 and response.headers["Location"] == url
    page = client.get(url).get_data(as_text=True)
    assert '<html lang="en">' in page and "Mark as done" in page
    _fields, options = footer_fields(page)
    assert ("en", " selected", "English") in options


def test_the_language_switch_still_needs_its_csrf_token(client):
    fields, _options = footer_fields(client.get("/login").get_data(as_text=True))
    response = client.post("/language", data={"lang": "en", "next": fields["next"]})
    assert response.status_code == 400  # the form expired page, nothing changed
    assert '<html lang="id">' in client.get("/login").get_data(as_text=True)
    # An unknown language is refused as well.
    client.post("/language", data={**fields, "lang": "xx"})
    assert '<html lang="id">' in client.get("/login").get_data(as_text=True)


def test_sign_out_from_the_header_form(client, make_user, login_as):
    login_as(make_user())
    page = client.get("/").get_data(as_text=True)
    form = re.search(
        r'<form method="post" action="/logout" class="inline">(.*?)</form>', page, re.S
    )
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form[1])[1]
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302


def test_a_role_taken_away_is_gone_from_the_next_page(client, make_user, login_as):
    user = make_user(roles=("learner", "instructor"))
    login_as(user)
    assert 'data-nav="teaching"' in client.get("/").get_data(as_text=True)
    assert client.get("/teach/").status_code == 200
    user.roles = ["learner"]
    db.session.commit()
    assert 'data-nav="teaching"' not in client.get("/").get_data(as_text=True)
    assert client.get("/teach/").status_code == 403


def test_an_ended_session_or_a_new_password_elsewhere_ends_access_at_once(
    client, app, make_user, login_as
):
    user = make_user()
    login_as(user)
    db.session.execute(update(UserSession).values(ended_at=db.func.now()))
    db.session.commit()
    assert client.get("/").status_code == 302  # signed out on another device's request

    login_as(user)
    assert client.get("/").status_code == 200
    user.set_password("a-new-password-2")  # bumps session_version
    db.session.commit()
    assert client.get("/").status_code == 302


def test_reading_a_lesson_again_rewrites_no_cookie(client, make_user, login_as, tmp_path):
    import_course(write_course(tmp_path, "baca", lessons=3))
    login_as(make_user())
    enrol(client, "baca")
    mark_done(client, "baca", "modul/pelajaran-1")
    client.get("/learn/baca/modul/pelajaran-2")
    again = client.get("/learn/baca/modul/pelajaran-2")
    assert again.status_code == 200
    assert again.headers.getlist("Set-Cookie") == []
    page = again.get_data(as_text=True)
    # The outline: the module's count of done items, the current lesson, the done mark.
    assert '<span class="kind">(1/3)</span>' in page
    assert 'href="/learn/baca/modul/pelajaran-2" aria-current="page"' in page
    assert page.count('<span class="mark" aria-hidden="true">✓</span>') == 1


def test_a_course_without_a_published_version_or_unknown_is_not_found(
    client, make_user, login_as, tmp_path
):
    course = import_course(write_course(tmp_path, "tarik", lessons=1))
    login_as(make_user())
    enrol(client, "tarik")
    assert client.get("/learn/tarik/modul/pelajaran-1").status_code == 200
    course.current_version_id = None
    db.session.commit()
    assert client.get("/learn/tarik/modul/pelajaran-1").status_code == 404
    assert client.get("/learn/tidak-ada/modul/pelajaran-1").status_code == 404
