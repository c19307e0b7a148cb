"""Regressions of the attacker's round: each test failed on the code before the fix."""

import csv
import io
import re
from html.parser import HTMLParser

import pytest
from conftest import PASSWORD, csrf_token, login
from sqlalchemy.exc import IntegrityError

from elearn import create_app
from elearn.exports import csv_bytes, safe_cell, xlsx_bytes
from elearn.extensions import db
from elearn.models import Attempt, Course, User
from elearn.nip import clean_nip

PUBLIC = "https://elearn.example.go.id"


# Links that leave the application ----------------------------------------------------------------
@pytest.mark.parametrize(
    "headers",
    [{"Host": "evil.example"}, {"X-Forwarded-Host": "evil.example"}],
    ids=["host", "forwarded-host"],
)
def test_reset_mail_links_to_the_public_address_whatever_the_headers(
    app, make_user, smtp_server, headers
):
    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, PUBLIC_BASE_URL=PUBLIC,
        SERVER_NAME=None, TRUSTED_PROXIES=1,
    )  # fmt: skip
    make_user(email="korban@example.go.id")
    client = app.test_client()
    page = client.get("/reset", headers=headers).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post(
        "/reset", data={"email": "korban@example.go.id", "csrf_token": token}, headers=headers
    )
    assert len(smtp_server.messages) == 1
    body = smtp_server.messages[0].get_payload(decode=True).decode()
    assert "evil.example" not in body
    assert re.search(re.escape(PUBLIC) + r"/reset/\S+", body)


def test_production_needs_a_public_address_and_refuses_other_hosts():
    base = {"PRODUCTION": True, "SECRET_KEY": "s" * 64, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
        create_app({**base, "PUBLIC_BASE_URL": ""})
    app = create_app({**base, "PUBLIC_BASE_URL": PUBLIC})
    client = app.test_client()
    assert client.get("/login", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/login", headers={"Host": "elearn.example.go.id"}).status_code == 200


# Escaped messages --------------------------------------------------------------------------------
MARKUP = '<meta http-equiv="refresh" content="0;url=//evil.example">'


class _Forms(HTMLParser):
    """The POST forms of a page: action and the names of their text inputs and textareas."""

    def __init__(self):
        super().__init__()
        self.forms, self._current = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._current = {"action": a.get("action") or "", "fields": {}, "text": []}
            self.forms.append(self._current)
        elif self._current is not None and tag in ("input", "textarea", "select"):
            name = a.get("name")
            if not name:
                return
            kind = a.get("type", "text") if tag == "input" else tag
            if kind in ("hidden", "checkbox", "radio", "submit", "select", "file"):
                if kind in ("hidden", "checkbox", "radio"):
                    self._current["fields"].setdefault(name, a.get("value", "y"))
            else:
                self._current["text"].append(name)

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def test_markup_typed_into_any_admin_form_never_comes_back_raw(
    app, client, make_user, make_unit, login_as
):
    unit = make_unit(name="Bagian Umum")
    admin = make_user(roles=["admin", "supervisor", "instructor"], unit=unit)
    # Stored markup: a person's name is quoted by "already used by <name>".
    other = make_user(full_name=MARKUP, email="dipakai@example.go.id", unit=unit)
    login_as(admin)
    pages = ["/admin/users/new", f"/admin/users/{other.id}", "/admin/units/new", "/admin/users",
             "/admin/api-tokens/new"]  # fmt: skip
    walked = 0
    for page in pages:
        parser = _Forms()
        parser.feed(client.get(page).get_data(as_text=True))
        for form in parser.forms:
            if not form["text"]:
                continue
            data = dict(form["fields"])
            for name in form["text"]:
                data[name] = MARKUP
            # The stored name comes back in the duplicate-email message.
            if "email" in data:
                data["email"] = "dipakai@example.go.id"
            html = client.post(form["action"] or page, data=data).get_data(as_text=True)
            assert MARKUP not in html, (page, form["action"])
            assert "<meta http-equiv" not in html, (page, form["action"])
            walked += 1
    assert walked >= 4
    # A token named with markup (a service's token: no owner to look up) is listed escaped.
    token = csrf_token(client, "/admin/api-tokens/new")
    created = client.post("/admin/api-tokens/new", data={
        "csrf_token": token, "name": MARKUP, "kind": "service", "service_name": MARKUP,
        "scopes": "reports:read", "days": "90",
    })  # fmt: skip
    assert created.status_code == 200 and "elr_" in created.get_data(as_text=True)
    listed = client.get("/admin/api-tokens").get_data(as_text=True)
    assert MARKUP not in listed and "&lt;" in listed


def test_lazy_strings_are_escaped_in_templates(app):
    from flask import render_template_string
    from flask_babel import lazy_gettext as _l

    with app.test_request_context():
        message = _l("%(email)s is not a valid email address.", email="<b>x</b>")
        html = render_template_string("{{ m }}", m=message)
    assert "<b>" not in html and "&lt;b&gt;" in html


# Exports -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised_in_csv_and_xlsx(start):
    value = f'{start}HYPERLINK("http://evil.example","klik")'
    assert safe_cell(value) == "'" + value
    text = csv_bytes(["a"], [[value]]).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text), delimiter=";"))[1] == ["'" + value]
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx_bytes(["a"], [[value]], "x"))).active
    # A carriage return is stored as the spreadsheet escape _x000D_, which Excel reads back as the
    # character (openpyxl does not); what matters is that the cell is text behind the apostrophe.
    stored = re.sub(r"_x([0-9A-F]{4})_", lambda m: chr(int(m[1], 16)), sheet.cell(2, 1).value)
    assert stored == "'" + value
    assert sheet.cell(2, 1).data_type == "s"
    assert safe_cell(-5) == -5  # numbers stay numbers


def test_no_view_writes_csv_or_xlsx_by_itself():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "elearn"
    offenders = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if p.name != "exports.py"
        and re.search(r"csv\.writer\(|Workbook\(", p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


# Sessions ----------------------------------------------------------------------------------------
def test_sign_out_ends_that_session_on_the_server_only(app, make_user):
    user = make_user()
    office, phone = app.test_client(), app.test_client()
    assert login(office, user.email).status_code == 302
    assert login(phone, user.email).status_code == 302
    copied = office.get_cookie("session").value
    office.post("/logout", data={"csrf_token": csrf_token(office, "/")})
    thief = app.test_client()
    thief.set_cookie("session", copied, domain="localhost")
    response = thief.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert phone.get("/").status_code == 200  # the other device stays signed in


# Dates, NIPs, throttling -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "query", ["completions.csv?date_to=9999-12-31", "completions.xlsx?date_from=0001-01-01"]
)
def test_report_dates_out_of_range_are_a_form_error(client, make_user, login_as, query):
    login_as(make_user(roles=["supervisor", "admin"]))
    response = client.get(f"/team/{query}")
    assert response.status_code == 400
    assert "Pilih tanggal antara" in response.get_data(as_text=True)


def test_nip_in_other_digits_is_stored_in_ascii_and_stays_unique(client, make_user, login_as):
    arabic = "١٩٨٦٠٩٢٦٢٠١٥٠٥١٠٠١"
    assert clean_nip(arabic) == "198609262015051001"
    make_user(nip="198609262015051001")
    assert User.query.filter_by(nip=clean_nip(arabic)).count() == 1
    admin = make_user(roles=["admin"])
    login_as(admin)
    token = csrf_token(client, "/admin/users/new")
    client.post(
        "/admin/users/new",
        data={"csrf_token": token, "nip": arabic, "full_name": "Kembar", "email": "k@example.go.id",
              "employee_type": "pns", "roles": "learner", "active": "y"},
    )  # fmt: skip
    assert User.query.filter_by(full_name="Kembar").count() == 0
    assert User.query.filter(User.nip.like("%\u0661%")).count() == 0


def test_sign_in_limit_counts_the_account_whatever_identifier(app, client, make_user):
    user = make_user(nip="198609262015051001", email="satu@example.go.id")
    for _ in range(5):
        assert login(client, user.email, "wrong-password").status_code == 200
    response = login(client, "1986 0926 2015 05 1 001", "wrong-password")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    # The right password does not get through either while the account is locked.
    assert login(client, user.nip, PASSWORD).status_code == 429


# Quizzes -----------------------------------------------------------------------------------------
def test_the_database_refuses_a_second_open_attempt(app, make_user, tmp_path):
    from factories_course import import_course, write_course

    from elearn.models import Quiz
    from elearn.timeutil import utcnow

    course = import_course(write_course(tmp_path, "aman", quizzes=True))
    quiz = db.session.scalars(db.select(Quiz)).first()
    user = make_user()

    def attempt(number, submitted=None):
        return Attempt(
            user_id=user.id, course_id=course.id, quiz_id=quiz.id, quiz_key=quiz.key,
            role=quiz.role, number=number, started_at=utcnow(), submitted_at=submitted,
            question_ids=[], option_order={}, saved_answers={}, late=False,
        )  # fmt: skip

    db.session.add_all([attempt(1, submitted=utcnow()), attempt(2)])
    db.session.commit()
    db.session.add(attempt(3))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert db.session.query(Course).count() == 1


def test_certificate_page_masks_the_birth_date_of_the_nip():
    from elearn.certificates.services import mask_nip

    masked = mask_nip("198609262015051001")
    assert masked == "**************1001"
    assert "1986" not in masked


# Indonesian on every install path ----------------------------------------------------------------
def _key(value):
    return (value,) if isinstance(value, str) else tuple(value)


def test_compiled_catalogs_are_shipped_and_match_their_sources():
    """The production steps and a package install never compile anything: the shipped `.mo`
    files must hold exactly what the `.po` files say (`make translations` refreshes them)."""
    from pathlib import Path

    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parent.parent / "elearn/translations"
    for po in [root / "id/LC_MESSAGES/messages.po"]:
        mo = po.with_suffix(".mo")
        assert mo.exists(), f"{mo} is missing: run make translations and commit it"
        with open(po, "rb") as fh:
            source = {
                _key(m.id): _key(m.string)
                for m in read_po(fh)
                if m.id and any(_key(m.string)) and not m.fuzzy
            }
        with open(mo, "rb") as fh:
            compiled = {_key(m.id): _key(m.string) for m in read_mo(fh) if m.id}
        assert compiled == source, f"{mo} is stale: run make translations"


def test_production_app_speaks_indonesian(tmp_path):
    app = create_app(
        {"PRODUCTION": True, "SECRET_KEY": "s" * 64, "PUBLIC_BASE_URL": PUBLIC,
         "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}"}
    )  # fmt: skip
    html = app.test_client().get("/login", headers={"Host": "elearn.example.go.id"})
    text = html.get_data(as_text=True)
    assert html.status_code == 200
    assert "Kata sandi" in text and "Password" not in text


def test_protocol_relative_images_are_external(tmp_path):
    from factories_course import write_course

    from elearn.content.package import load_package
    from elearn.content.render import render_markdown

    html = render_markdown("![x](//evil.example/y.png)")
    # Never loaded from the other site: shown as a link to it (tests/test_content_links.py).
    assert 'href="https://evil.example/y.png"' in html and "<img" not in html
    path = write_course(tmp_path, "luar", body="![x](//evil.example/y.png)")
    package, _problems = load_package(path)
    assert any("evil.example" in str(p) and p.warning for p in package.warnings)


def test_files_of_a_restricted_course_follow_its_access_rule(app, client, make_user, login_as):
    from test_content_package import PACKAGES

    from elearn.content import import_package, load_package
    from elearn.models import Enrollment

    package, problems = load_package(PACKAGES / "complete")
    assert problems == []
    course = import_package(package).course
    course.restricted = True
    db.session.commit()
    url = "/media/contoh-lengkap/v1/01-pengantar/images/alur.png"
    learner = make_user()
    login_as(learner)
    assert client.get(url).status_code == 404
    db.session.add(
        Enrollment(user_id=learner.id, course_id=course.id, version_id=course.current_version_id)
    )
    db.session.commit()
    assert client.get(url).status_code == 200


def test_a_nul_character_anywhere_is_a_clear_400(client, make_user, login_as):
    """PostgreSQL refuses NUL in text: a request carrying one is answered before the
    database, with the reason, and changes nothing."""
    user = make_user(full_name="Sari Pelajar")
    for url in ("/courses/?q=%00", "/certificates/verify?number=ELN%00", "/courses/a%00b"):
        answer = client.get(url)
        assert answer.status_code == 400, url
        assert "karakter NUL" in answer.get_data(as_text=True)
    token = csrf_token(client)
    answer = client.post("/login", data={"csrf_token": token, "identifier": user.email + "\x00",
                                         "password": PASSWORD})  # fmt: skip
    assert answer.status_code == 400
    login_as(user)
    token = csrf_token(client, "/account/password")
    answer = client.post("/account/password", data={
        "csrf_token": token, "current_password": PASSWORD,
        "new_password": "kata-sandi-baru\x00", "confirm": "kata-sandi-baru\x00",
    })  # fmt: skip
    assert answer.status_code == 400
    assert db.session.get(User, user.id).check_password(PASSWORD)  # nothing changed
