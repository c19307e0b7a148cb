"""Shared setup of the development activity tests (no tests here): a small agency and helpers
that record, edit and decide activities through HTTP as a browser would.

    Root ── A (supervised by sup_a and sup_a2) ── A1
         └─ B (supervised by sup_b)

agus (in A) has sup_a as his direct supervisor; dewi (in A1) has none; budi is in B.
"""

import html as htmlmod
import io
import re
from dataclasses import dataclass
from datetime import timedelta

from conftest import csrf_token, login
from sqlalchemy import func, select

from elearn.activities.kinds import ensure_kinds
from elearn.activities.services import today_of
from elearn.extensions import db
from elearn.models import Activity, ActivityKind, AssetBlob, AuditLog, Notification

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


@dataclass
class Org:
    root: object
    a: object
    a1: object
    b: object
    sup_a: object
    sup_a2: object
    sup_b: object
    admin: object
    agus: object
    dewi: object
    budi: object


def build_org(make_unit, make_user):
    root = make_unit("Pemerintah Kabupaten", code="ROOT")
    a = make_unit("Dinas A", root, code="DINAS-A")
    a1 = make_unit("Bidang A1", a, code="A1")
    b = make_unit("Dinas B", root, code="DINAS-B")
    sup_a = make_user(roles=["supervisor", "learner"], unit=a, full_name="Kepala A")
    sup_a2 = make_user(roles=["supervisor", "learner"], unit=a, full_name="Wakil A")
    sup_b = make_user(roles=["supervisor", "learner"], unit=b, full_name="Kepala B")
    admin = make_user(roles=["admin", "learner"], unit=root, full_name="Admin")
    agus = make_user(unit=a, full_name="Agus Setiawan", supervisor=sup_a)
    dewi = make_user(unit=a1, full_name="Dewi Lestari")
    budi = make_user(unit=b, full_name="Budi Rahasia")
    sup_a.supervised = [a]
    sup_a2.supervised = [a]
    sup_b.supervised = [b]
    db.session.commit()
    ensure_kinds()
    db.session.commit()
    return Org(root, a, a1, b, sup_a, sup_a2, sup_b, admin, agus, dewi, budi)


def kind(code):
    return db.session.scalar(select(ActivityKind).where(ActivityKind.code == code))


def text(response):
    """The page as text, tags dropped and entities decoded (what a person reads)."""
    body = response.get_data(as_text=True)
    return " ".join(htmlmod.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def today():
    return today_of()


def seminar(**overrides):
    """A one-day national seminar today (4 JP), organised by a typed name."""
    day = today()
    data = {
        "kind_id": kind("seminar").id,
        "title": "Seminar Nasional Pelayanan Publik",
        "organiser": "name",
        "organiser_name": "Kementerian PANRB",
        "start_date": day.isoformat(),
        "end_date": day.isoformat(),
        "duration_amount": "1",
        "duration_unit": "day",
        "reflection": "Belajar standar pelayanan dan menerapkannya di loket.",
        "action": "save",
    }
    data.update(overrides)
    return data


def self_study(hours="6", **overrides):
    """Self-study today in hours (belajar mandiri: hours ÷ 45 minutes, at most 10 JP a year)."""
    return seminar(
        kind_id=kind("belajar-mandiri").id,
        title=overrides.pop("title", "Membaca buku manajemen risiko"),
        duration_amount=hours,
        duration_unit="hour",
        **overrides,
    )


def post_new(client, data, files=()):
    data = dict(data)
    data.setdefault("csrf_token", csrf_token(client, "/activities/new"))
    if files:
        data["evidence"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post("/activities/new", data=data, content_type="multipart/form-data")


def post_edit(client, activity, data, files=(), revision=None):
    data = dict(data)
    data.setdefault("csrf_token", csrf_token(client, f"/activities/{activity.id}/edit"))
    data.setdefault("revision", activity.revision if revision is None else revision)
    if files:
        data["evidence"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post(
        f"/activities/{activity.id}/edit", data=data, content_type="multipart/form-data"
    )


def post_decision(client, activity, action, note="", revision=None):
    token = csrf_token(client, "/activities/review")
    return client.post(
        f"/activities/{activity.id}/decide",
        data={
            "csrf_token": token,
            "action": action,
            "note": note,
            "revision": activity.revision if revision is None else revision,
        },
    )


def signed_in(app, user):
    """A new test client (a browser of its own) signed in as `user`."""
    client = app.test_client()
    assert login(client, user.email).status_code == 302
    return client


def record(app, person, data=None, files=()):
    """Record an activity as `person` in a browser of their own; returns it."""
    response = post_new(signed_in(app, person), data or seminar(), files)
    assert response.status_code == 302, text(response)
    return last_activity(person)


def approve(app, decider, activity):
    response = post_decision(signed_in(app, decider), activity, "approve")
    assert response.status_code == 302, text(response)
    db.session.refresh(activity)
    return activity


def last_activity(person):
    return db.session.scalar(
        select(Activity).where(Activity.user_id == person.id).order_by(Activity.id.desc())
    )


def activity_count():
    return db.session.scalar(select(func.count(Activity.id)))


def blob_count():
    return db.session.scalar(select(func.count(AssetBlob.sha256)))


def notifications(user, kind=None):
    stmt = select(Notification).where(Notification.user_id == user.id)
    if kind is not None:
        stmt = stmt.where(Notification.kind == kind)
    return db.session.scalars(stmt.order_by(Notification.id)).all()


def audits(action):
    return db.session.scalars(
        select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)
    ).all()


def days_ago(n):
    return (today() - timedelta(days=n)).isoformat()
