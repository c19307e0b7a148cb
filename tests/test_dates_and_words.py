"""Dates say which year and which clock ("2 Des 2026, 13.00 WITA") on pages, in the certificate
PDF, in reminder mails and in exports, for each of the three Indonesian zones and in English;
instructors' CSV files speak the interface's language; lengths of time are words ("4 jam 15
menit"); and every message the code can show has its Indonesian translation."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from conftest import login
from factories_course import import_course, write_course
from flask import render_template_string
from flask_babel import force_locale
from pypdf import PdfReader
from test_supervision_helpers import assign, build_agency, complete

from elearn.authoring.drafts import start_draft
from elearn.extensions import db
from elearn.i18n import date_formatter, duration, local_datetime, moment_formatter
from elearn.models import CourseDraft
from elearn.supervision.services import today

ROOT = Path(__file__).resolve().parent.parent
ZONES = [("Asia/Jakarta", "WIB", 0), ("Asia/Makassar", "WITA", 1), ("Asia/Jayapura", "WIT", 2)]
# 2 December 2026, 05:00 UTC: 12.00 in Jakarta, 13.00 in Makassar, 14.00 in Jayapura.
MOMENT = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)
TWO_DIGIT_YEAR = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2}\b(?![\d/.-])")


def zone_params():
    return pytest.mark.parametrize(
        "config_overrides, zone, shift",
        [({"TIMEZONE": name}, zone, shift) for name, zone, shift in ZONES],
        ids=[zone for _n, zone, _s in ZONES],
    )


def csv_rows(response):
    data = response.get_data().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(data), delimiter=";"))


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def agency(app, make_unit, make_user, tmp_path):
    return build_agency(make_unit, make_user, tmp_path)


# The formatting itself --------------------------------------------------------------------------
@zone_params()
def test_a_moment_is_shown_with_its_year_and_the_zone_of_the_instance(app, zone, shift):
    with app.test_request_context():
        assert local_datetime(MOMENT) == f"2 Des 2026, {12 + shift}.00 {zone}"
        # The exports' formatters (looked up once per file) write the same text.
        assert moment_formatter()(MOMENT) == local_datetime(MOMENT)
        assert moment_formatter()(MOMENT.replace(tzinfo=None)) == local_datetime(MOMENT)  # SQLite
        assert date_formatter()(MOMENT.date()) == "2 Des 2026"
        with force_locale("en"):
            assert local_datetime(MOMENT) == f"2 Dec 2026, {12 + shift}:00 {zone}"
            assert moment_formatter()(MOMENT) == local_datetime(MOMENT)
            assert date_formatter()(MOMENT.date()) == "2 Dec 2026"


def test_lengths_of_time_are_words_in_each_language(app):
    with app.test_request_context():
        macro = '{% from "learn/_macros.html" import minutes %}{{ minutes(n) }}'
        assert render_template_string(macro, n=255) == "4 jam 15 menit"
        assert render_template_string(macro, n=0) == ""
        assert [duration(n) for n in (1, 45, 60, 61, 120)] == [
            "1 menit", "45 menit", "1 jam", "1 jam 1 menit", "2 jam",
        ]  # fmt: skip
        with force_locale("en"):
            assert render_template_string(macro, n=255) == "4 hours 15 minutes"
            assert [duration(n) for n in (1, 60, 61)] == ["1 minute", "1 hour", "1 hour 1 minute"]


# Pages ------------------------------------------------------------------------------------------
@zone_params()
def test_draft_status_and_audit_log_name_the_year_and_the_zone(
    app, client, make_user, tmp_path, zone, shift
):
    course = import_course(write_course(tmp_path, "waktu", title="Zona Waktu"))
    owner = make_user(roles=["instructor", "admin"], full_name="Dr. Ratna Sari, M.Si.")
    course.owners.append(owner)
    draft = start_draft(course, owner)
    draft.updated_at = MOMENT
    db.session.commit()
    assert db.session.get(CourseDraft, draft.id) is not None
    login(client, owner.email)

    html = text(client.get(f"/teach/{course.slug}/"))
    status = re.search(r'<p class="draft-status[^"]*">(.*?)</p>', html, re.S).group(1)
    status = " ".join(status.split())
    assert (
        f"terakhir diubah oleh Dr. Ratna Sari, M.Si. pada 2 Des 2026, {12 + shift}.00 {zone}."
        in status
    )
    assert ".." not in status and not TWO_DIGIT_YEAR.search(status)

    audit = text(client.get("/admin/audit"))
    year = today().year
    assert re.search(
        rf"<td class=\"nowrap\">\d{{1,2}} \w{{3}} {year}, \d\d\.\d\d {zone}</td>", audit
    )


def test_draft_status_in_english(app, client, make_user, tmp_path):
    course = import_course(write_course(tmp_path, "waktu", title="Zona Waktu"))
    owner = make_user(roles=["instructor"], full_name="Dr. Ratna Sari, M.Si.", locale="en")
    course.owners.append(owner)
    start_draft(course, owner).updated_at = MOMENT
    db.session.commit()
    login(client, owner.email)
    html = " ".join(text(client.get(f"/teach/{course.slug}/")).split())
    assert "last changed by Dr. Ratna Sari, M.Si. on 2 Dec 2026, 12:00 WIB." in html


# The certificate PDF ------------------------------------------------------------------------------
def pdf_text(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@zone_params()
def test_certificate_pdf_names_the_zone_and_says_how_long_a_jp_is(app, client, agency, zone, shift):
    _completion, cert = complete(agency.agus, agency.course, when=MOMENT)
    login(client, agency.agus.email)
    content = pdf_text(client.get(f"/certificates/{cert.number}.pdf").data)
    assert "4 JP (1 JP = 45 menit)" in content and "@" not in content
    assert "diselesaikan pada 2 Desember 2026" in content
    issued = re.search(r"Diterbitkan pada (\d{1,2}) (\w+) (\d{4}), (\d\d)\.(\d\d) (\w+)", content)
    assert issued, content
    assert issued.group(6) == zone
    local = cert.issued_at.astimezone(UTC) + timedelta(hours=7 + shift)
    assert (int(issued.group(1)), int(issued.group(3))) == (local.day, local.year)
    assert (int(issued.group(4)), int(issued.group(5))) == (local.hour, local.minute)
    assert "e-learning" not in content  # Indonesian throughout: "pelatihan daring"


# Reminder mails ---------------------------------------------------------------------------------
@zone_params()
def test_reminder_mail_gives_the_deadline_with_year_and_zone(
    app, runner, agency, smtp_server, zone, shift
):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    agency.dewi.locale = "en"
    db.session.commit()
    assign(agency.sup_a, agency.course, people=[agency.agus, agency.dewi], due_in_days=2)
    due = today() + timedelta(days=2)
    result = runner.invoke(args=["reminders", "send", "--day", today().isoformat()])
    assert result.exit_code == 0, result.output
    mails = {m["To"]: m for m in smtp_server.messages}
    agus = mails[agency.agus.email].get_payload(decode=True).decode()
    months_id = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
    assert f"paling lambat {due.day} {months_id[due.month - 1]} {due.year}, 23.59 {zone}" in agus
    assert not TWO_DIGIT_YEAR.search(agus)
    dewi = mails[agency.dewi.email].get_payload(decode=True).decode()
    assert f"due by {due.day} {due.strftime('%b')} {due.year}, 23:59 {zone}" in dewi


# Exports ----------------------------------------------------------------------------------------
@zone_params()
def test_instructor_learners_csv_shows_moments_with_zone_in_the_interface_language(
    app, client, agency, make_user, zone, shift
):
    complete(agency.agus, agency.course, when=MOMENT)
    owner = make_user(roles=["instructor"])
    agency.course.owners.append(owner)
    db.session.commit()
    login(client, owner.email)
    response = client.get(f"/teach/{agency.course.slug}/results/learners.csv")
    assert f"{agency.course.slug}-peserta.csv" in response.headers["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][:4] == ["NIP", "Nama", "Unit kerja", "Terdaftar pada"]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Selesai pada"] == f"2 Des 2026, {12 + shift}.00 {zone}"
    assert row["Terdaftar pada"] == f"29 Nov 2026, {12 + shift}.00 {zone}"

    owner.locale = "en"
    db.session.commit()
    response = client.get(f"/teach/{agency.course.slug}/results/learners.csv")
    assert f"{agency.course.slug}-learners.csv" in response.headers["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][:4] == ["NIP", "Name", "Unit", "Enrolled at"]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Completed at"] == f"2 Dec 2026, {12 + shift}:00 {zone}"


def test_instructor_questions_csv_headers_and_types_in_the_interface_language(
    app, client, make_user, tmp_path
):
    course = import_course(write_course(tmp_path, "soal", quizzes=True))
    owner = make_user(roles=["instructor"])
    course.owners.append(owner)
    db.session.commit()
    login(client, owner.email)
    response = client.get(f"/teach/{course.slug}/results/questions.csv")
    assert f"{course.slug}-soal.csv" in response.headers["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][:5] == ["Kunci kuis", "Kuis", "Nomor", "Id soal", "Jenis"]
    assert "Tingkat kesulitan" in rows[0] and "Difficulty" not in rows[0]
    types = {r[4] for r in rows[1:]}
    assert types and types <= _labels("id") and "Pilihan tunggal" in types
    assert not types & {"single", "multiple", "true_false", "short", "numeric"}

    owner.locale = "en"
    db.session.commit()
    response = client.get(f"/teach/{course.slug}/results/questions.csv")
    assert f"{course.slug}-questions.csv" in response.headers["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][:5] == ["Quiz key", "Quiz", "Number", "Question id", "Type"]
    assert {r[4] for r in rows[1:]} <= set(_labels("en"))


def _labels(language):
    from elearn.authoring.forms import QUESTION_TYPE_LABELS

    with force_locale(language):
        return {str(label) for label in QUESTION_TYPE_LABELS.values()}


@zone_params()
def test_supervisor_exports_show_days_people_read(app, client, agency, zone, shift):
    complete(agency.agus, agency.course, when=MOMENT)
    login(client, agency.sup_a.email)
    first = "2026-01-01"
    rows = csv_rows(client.get(f"/team/completions.csv?date_from={first}&date_to=2026-12-31"))
    agus = next(r for r in rows[1:] if r[1] == "Agus Setiawan")
    assert agus[6] == "2 Des 2026"
    rows = csv_rows(client.get("/team/completions.csv?layout=siasn&date_from=2026-01-01"))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["tanggalSelesaiKursus"] == "02-12-2026"  # SIASN's own field format
    assert record["tanggalKursus"] == "29-11-2026"


# The catalog ------------------------------------------------------------------------------------
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def extracted_messages():
    """{msgid: first location} of every message in the code and templates, extracted by Babel
    with the project's babel.cfg and the keywords of `make extract-messages`."""
    with open(ROOT / "babel.cfg") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}
    found = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        ROOT, method_map, options_map, keywords=keywords
    ):
        found.setdefault((message, context), f"{filename}:{lineno}")
    return found


def test_every_message_of_the_code_has_an_indonesian_translation():
    # About 1.5 s: Babel reads every module and template once.
    found = extracted_messages()
    assert len(found) > 500  # the extraction saw the code and the templates
    with open(ROOT / "elearn/translations/id/LC_MESSAGES/messages.po", "rb") as fh:
        catalog = read_po(fh, locale="id")
    missing, broken = [], []
    for (message, context), where in sorted(found.items(), key=lambda kv: kv[1]):
        msgid = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(msgid, context)
        strings = entry and (entry.string if isinstance(entry.string, tuple) else (entry.string,))
        if not entry or entry.fuzzy or not all(strings):
            missing.append(f"{where}: {msgid!r}")
            continue
        ids = message if isinstance(message, tuple) else (message,)
        wanted = set().union(*(PLACEHOLDER.findall(i) for i in ids))
        for string in strings:
            if not set(PLACEHOLDER.findall(string)) <= wanted:
                broken.append(f"{where}: {msgid!r} -> {string!r}")
    assert not missing, "untranslated:\n" + "\n".join(missing)
    assert not broken, "translation uses a placeholder the message does not have:\n" + "\n".join(
        broken
    )
