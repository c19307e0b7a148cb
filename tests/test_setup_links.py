"""Password setup links for imported people: the offer after an import, sending in rounds
through a real SMTP server, failures with their reason, resuming without duplicates, the
"belum aktif" list, the command line, and who may do it."""

import io
import re
from collections import Counter
from datetime import timedelta

import pytest
from conftest import csrf_token, login
from sqlalchemy import event, select, update

from elearn.admin.setup_links import send_setup_links
from elearn.extensions import db
from elearn.models import (
    AuditLog,
    InvitationStatus,
    SetupBatch,
    SetupInvitation,
    User,
)
from elearn.timeutil import utcnow

HEADER = "nip,nama,email,unit,jabatan,golongan,roles"
NEW_PEOPLE = [
    ("198609262015051001", "Rina Kartika, S.E.", "rina@sukamaju.go.id"),
    ("199001152015031001", "Agus Setiawan, S.Kom.", "agus@sukamaju.go.id"),
    ("197503122000031004", "Ir. Hendra Wijaya, M.M.", "hendra@sukamaju.go.id"),
    ("198111052006041003", "Budi Santoso, S.T.", "budi@sukamaju.go.id"),
    ("197906302005012005", "Siti Rahmawati, S.Sos.", "siti@sukamaju.go.id"),
]


def csv_of(people):
    lines = [HEADER]
    for nip, name, email in people:
        lines.append(f'{nip},"{name}",{email},APTIKA,Pelaksana,III/a,peserta')
    return "\n".join(lines) + "\n"


def text(response):
    return response.get_data(as_text=True)


def submit(client, url, data=None, page=None, **kwargs):
    """Post a form as a browser does: with the CSRF token of the page showing it."""
    token = csrf_token(client, page or url)
    return client.post(url, data={**(data or {}), "csrf_token": token}, **kwargs)


@pytest.fixture(autouse=True)
def mail(app, smtp_server):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    app.config.update(SETUP_LINKS_PER_ROUND=2)
    return smtp_server


@pytest.fixture
def refused(smtp_server):
    """Addresses the SMTP server refuses (550), as a real server does for a dead mailbox."""
    addresses = set()

    async def handle_RCPT(server, session, envelope, address, rcpt_options):
        if address in addresses:
            return f"550 5.1.1 <{address}>: Recipient address rejected: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    smtp_server.handle_RCPT = handle_RCPT
    return addresses


@pytest.fixture
def unit(make_unit):
    return make_unit("Bidang Aplikasi Informatika", code="APTIKA")


@pytest.fixture
def admin(make_user, login_as, unit):
    user = make_user(roles=["admin"], full_name="Admin Impor", email="admin@sukamaju.go.id")
    login_as(user)
    return user


def import_csv(client, people=NEW_PEOPLE):
    response = client.post(
        "/admin/users/import",
        data={
            "csrf_token": csrf_token(client, "/admin/users/import"),
            "file": (io.BytesIO(csv_of(people).encode()), "pegawai-baru.csv"),
        },
    )
    assert response.status_code == 302, text(response)
    return response.headers["Location"]


def the_batch():
    return db.session.scalar(select(SetupBatch).order_by(SetupBatch.id.desc()))


def recipients(inbox):
    return [m["To"] for m in inbox.messages]


def progress_bar(html):
    match = re.search(r'<progress id="setup-progress-bar" max="(\d+)" value="(\d+)"', html)
    return int(match.group(1)), int(match.group(2))


def stat(html, label):
    match = re.search(rf"<dt>{label}</dt><dd[^>]*>(\d+)</dd>", html)
    return int(match.group(1))


def table_rows(html):
    return html.split("<tbody>")[1].split("</tbody>")[0]


def send_round(client, batch, **kwargs):
    url = f"/admin/users/setup-links/{batch.id}"
    return submit(client, f"{url}/send", page=url, **kwargs)


def link_in(message):
    body = message.get_payload(decode=True).decode()
    return re.search(r"http://localhost(/reset/\S+)", body).group(1)


# The offer and the rounds ------------------------------------------------------------------------
def test_import_offers_the_links_and_rounds_send_each_once(app, client, admin, mail):
    result = text(client.get(import_csv(client)))
    assert "5 orang baru belum memiliki kata sandi dan belum dapat masuk" in result
    batch = the_batch()
    assert f'href="/admin/users/setup-links/{batch.id}"' in result
    assert mail.messages == []  # an offer: nothing leaves before the admin says so

    page = text(client.get(f"/admin/users/setup-links/{batch.id}"))
    assert "Mulai mengirim (5 tautan)" in page
    assert progress_bar(page) == (5, 0)

    # Without JavaScript, each click sends the next round of 2 and comes back to the page.
    response = send_round(client, batch)
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert len(mail.messages) == 2
    assert progress_bar(page) == (5, 2)
    assert stat(page, "Terkirim") == 2 and stat(page, "Masih menunggu") == 3
    assert "Kirim 3 tautan yang tersisa" in page

    # The page's script asks for JSON and continues round after round.
    data = send_round(client, batch, headers={"Accept": "application/json"}).get_json()
    assert data["sent"] == 4 and data["pending"] == 1 and data["percent"] == 80
    data = send_round(client, batch, headers={"Accept": "application/json"}).get_json()
    assert data["sent"] == 5 and data["pending"] == 0 and data["done"] is True
    assert data["message"] == "5 dari 5 diproses: 5 terkirim, 0 gagal, 0 masih menunggu."

    page = text(client.get(f"/admin/users/setup-links/{batch.id}"))
    assert progress_bar(page) == (5, 5)
    assert "data-setup-links" not in page  # nothing left to send
    assert sorted(recipients(mail)) == sorted(email for _n, _name, email in NEW_PEOPLE)
    assert admin.email not in recipients(mail)

    # A link from the mail lets the person choose a password and sign in.
    rina = next(m for m in mail.messages if m["To"] == "rina@sukamaju.go.id")
    assert "Atur kata sandi" in rina["Subject"]
    other = app.test_client()
    new = {"new_password": "pilihan-sendiri-7", "confirm": "pilihan-sendiri-7"}
    assert submit(other, link_in(rina), new).status_code == 302
    assert login(other, "198609262015051001", "pilihan-sendiri-7").status_code == 302

    # Another click after the end mails nobody again.
    send_round(client, batch)
    assert len(mail.messages) == 5


def test_a_refused_mail_counts_as_failed_with_its_reason_and_can_be_retried(
    client, admin, mail, refused
):
    refused.add("agus@sukamaju.go.id")
    import_csv(client)
    batch = the_batch()
    for _round in range(3):
        send_round(client, batch)
    page = text(client.get(f"/admin/users/setup-links/{batch.id}"))
    assert stat(page, "Terkirim") == 4 and stat(page, "Gagal") == 1
    assert progress_bar(page) == (5, 5)
    assert "Tidak terkirim" in page
    assert "Agus Setiawan, S.Kom." in page
    assert "550 5.1.1" in page and "mailbox unavailable" in page  # the server's own words
    assert "agus@sukamaju.go.id" not in recipients(mail)

    # The mailbox works again: retry sends to Agus only.
    refused.clear()
    url = f"/admin/users/setup-links/{batch.id}"
    response = submit(client, f"{url}/retry", page=url)
    assert "1 orang kembali menunggu tautan." in text(client.get(response.headers["Location"]))
    send_round(client, batch)
    page = text(client.get(url))
    assert stat(page, "Terkirim") == 5 and stat(page, "Gagal") == 0
    assert "Tidak terkirim" not in page
    assert Counter(recipients(mail))["agus@sukamaju.go.id"] == 1
    assert len(mail.messages) == 5
    inv = db.session.scalar(
        select(SetupInvitation).join(User).where(User.email == "agus@sukamaju.go.id")
    )
    assert inv.attempts == 2 and inv.error == ""


def test_a_mail_server_that_is_down_fails_the_round_and_says_why(app, client, admin, mail):
    import_csv(client)
    batch = the_batch()
    app.config.update(MAIL_PORT=1)  # nothing listens there
    page = text(client.get(send_round(client, batch).headers["Location"]))
    assert stat(page, "Gagal") == 2 and stat(page, "Terkirim") == 0
    assert "Connection refused" in page
    app.config.update(MAIL_PORT=mail.port)
    submit(
        client,
        f"/admin/users/setup-links/{batch.id}/retry",
        page=f"/admin/users/setup-links/{batch.id}",
    )
    while batch_pending(batch):
        send_round(client, batch)
    assert sorted(recipients(mail)) == sorted(email for _n, _name, email in NEW_PEOPLE)


def batch_pending(batch):
    return db.session.scalar(
        select(SetupInvitation.id)
        .where(
            SetupInvitation.batch_id == batch.id,
            SetupInvitation.status == InvitationStatus.PENDING,
        )
        .limit(1)
    )


def test_an_interrupted_run_sends_the_rest_and_nobody_twice(app, client, admin, mail, monkeypatch):
    import_csv(client)
    batch = the_batch()

    # The worker dies right after the third mail left, before it could record it.
    from elearn.admin import setup_links

    real_send = setup_links.send_mail
    sent = []

    def dying_send(to, subject, body):
        real_send(to, subject, body)
        sent.append(to)
        if len(sent) == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr(setup_links, "send_mail", dying_send)
    with pytest.raises(KeyboardInterrupt):
        send_setup_links(batch.id, 10)
    monkeypatch.setattr(setup_links, "send_mail", real_send)
    db.session.rollback()
    assert len(mail.messages) == 3

    # Resumed from the page: only the two who were never reached get a mail.
    page = text(client.get(f"/admin/users/setup-links/{batch.id}"))
    assert "Kirim 2 tautan yang tersisa" in page
    send_round(client, batch)
    assert len(mail.messages) == 5
    assert max(Counter(recipients(mail)).values()) == 1
    send_round(client, batch)
    assert len(mail.messages) == 5

    # The third person is in doubt; once the claim is old, the page says so, and only an
    # explicit retry mails them again.
    db.session.execute(
        update(SetupInvitation)
        .where(SetupInvitation.status == InvitationStatus.SENDING)
        .values(claimed_at=utcnow() - timedelta(hours=1))
    )
    db.session.commit()
    page = text(client.get(f"/admin/users/setup-links/{batch.id}"))
    assert "Terputus saat mengirim: tautannya mungkin sudah sampai." in page
    assert progress_bar(page) == (5, 5)
    assert len(mail.messages) == 5
    url = f"/admin/users/setup-links/{batch.id}"
    submit(client, f"{url}/retry", page=url)
    send_round(client, batch)
    assert len(mail.messages) == 6
    assert Counter(recipients(mail))[sent[2]] == 2


def test_two_runs_at_once_never_take_the_same_person(app, client, admin, mail):
    import_csv(client)
    batch = the_batch()
    # Two workers interleaving: each call claims before it mails.
    first = send_setup_links(batch.id, 2)
    second = send_setup_links(batch.id, 2)
    third = send_setup_links(batch.id, 2)
    assert (first.sent, second.sent, third.sent) == (2, 4, 5)
    assert sorted(recipients(mail)) == sorted(email for _n, _name, email in NEW_PEOPLE)


def test_people_who_activate_or_are_deactivated_meanwhile_are_skipped(client, admin, mail):
    import_csv(client)
    batch = the_batch()
    siti = db.session.scalar(select(User).where(User.email == "siti@sukamaju.go.id"))
    budi = db.session.scalar(select(User).where(User.email == "budi@sukamaju.go.id"))
    siti.set_password("dipilih-sendiri-1")
    budi.active = False
    db.session.commit()
    for _round in range(3):
        send_round(client, batch)
    page = text(client.get(f"/admin/users/setup-links/{batch.id}"))
    assert stat(page, "Terkirim") == 3 and stat(page, "Dilewati") == 2
    assert progress_bar(page) == (5, 5)
    assert {"siti@sukamaju.go.id", "budi@sukamaju.go.id"}.isdisjoint(recipients(mail))


def test_the_rest_can_be_cancelled(client, admin, mail):
    import_csv(client)
    batch = the_batch()
    send_round(client, batch)
    url = f"/admin/users/setup-links/{batch.id}"
    response = submit(client, f"{url}/cancel", page=url)
    page = text(client.get(response.headers["Location"]))
    assert "3 tautan tidak akan dikirim." in page
    send_round(client, batch)
    assert len(mail.messages) == 2


# "Belum aktif" --------------------------------------------------------------------------------
def test_not_activated_filter_and_count_show_who_still_has_no_password(
    app, client, admin, mail, make_user
):
    make_user(full_name="Sudah Aktif", email="aktif@sukamaju.go.id")
    import_csv(client)
    page = text(client.get("/admin/users"))
    assert "5 orang belum mengaktifkan akunnya (kata sandi belum diatur)." in page
    assert "5 di antaranya belum pernah menerima tautan pengaturan." in page

    send_round(client, the_batch())  # Rina and Agus get their link
    page = text(client.get("/admin/users?status=not_activated"))
    assert "5 orang ditemukan" in page
    rows = table_rows(page)
    assert "Sudah Aktif" not in rows and "Admin Impor" not in rows
    assert rows.count("Belum aktif</span>") == 5
    assert rows.count("Tautan dikirim ") == 2  # with when
    assert rows.count("Belum pernah dikirimi tautan") == 3
    assert "3 di antaranya belum pernah menerima tautan pengaturan." in page
    assert re.search(r"Tautan dikirim \d{1,2} \w{3} \d{4}, \d{2}\.\d{2} WIB", page)

    # Rina sets her password from the mail: she drops out of the list and the count.
    other = app.test_client()
    new = {"new_password": "pilihan-sendiri-7", "confirm": "pilihan-sendiri-7"}
    assert submit(other, link_in(mail.messages[0]), new).status_code == 302
    page = text(client.get("/admin/users?status=not_activated"))
    assert "4 orang ditemukan" in page
    assert "Rina Kartika" not in table_rows(page)
    assert "4 orang belum mengaktifkan akunnya" in page


def test_a_batch_for_everyone_not_activated_skips_those_already_mailed_unless_asked(
    client, admin, mail
):
    import_csv(client)
    send_round(client, the_batch())  # 2 of the 5 received a link; 3 wait in the import batch
    submit(client, f"/admin/users/setup-links/{the_batch().id}/cancel",
           page=f"/admin/users/setup-links/{the_batch().id}")  # fmt: skip

    response = submit(client, "/admin/users/setup-links/new", page="/admin/users/setup-links")
    batch = the_batch()
    assert response.headers["Location"] == f"/admin/users/setup-links/{batch.id}"
    assert batch.total == 3  # never mailed
    while batch_pending(batch):
        send_round(client, batch)
    assert len(mail.messages) == 5 and max(Counter(recipients(mail)).values()) == 1

    # Everyone has had a link now: a plain batch finds nobody, resend asks explicitly.
    response = submit(client, "/admin/users/setup-links/new", page="/admin/users/setup-links")
    assert "Tidak ada yang menunggu tautan pengaturan." in text(
        client.get(response.headers["Location"])
    )
    submit(client, "/admin/users/setup-links/new", {"resend": "y"},
           page="/admin/users/setup-links")  # fmt: skip
    again = the_batch()
    assert again.id != batch.id and again.total == 5
    actions = db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions.count("setup_links.create") == 2


def test_resend_from_a_finished_batch_reaches_only_those_not_activated(app, client, admin, mail):
    import_csv(client)
    batch = the_batch()
    while batch_pending(batch):
        send_round(client, batch)
    other = app.test_client()
    new = {"new_password": "pilihan-sendiri-7", "confirm": "pilihan-sendiri-7"}
    assert submit(other, link_in(mail.messages[0]), new).status_code == 302
    url = f"/admin/users/setup-links/{batch.id}"
    page = text(client.get(url))
    assert "4 orang sudah menerima tautan tetapi belum mengatur kata sandi." in page
    submit(client, f"{url}/resend", page=url)
    while batch_pending(batch):
        send_round(client, batch)
    assert len(mail.messages) == 9
    assert Counter(recipients(mail))[mail.messages[0]["To"]] == 1


# Command line ----------------------------------------------------------------------------------
def test_cli_sends_every_waiting_link_and_reports_failures(
    app, runner, unit, mail, refused, tmp_path
):
    path = tmp_path / "pegawai.csv"
    path.write_text(csv_of(NEW_PEOPLE), encoding="utf-8")
    result = runner.invoke(args=["users", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "flask users send-setup-links" in result.output

    refused.add("hendra@sukamaju.go.id")
    result = runner.invoke(args=["users", "send-setup-links"])
    assert result.exit_code == 1
    assert "4 sent, 1 failed" in result.output
    assert "hendra@sukamaju.go.id: 550 5.1.1" in result.output
    assert len(mail.messages) == 4

    result = runner.invoke(args=["users", "send-setup-links"])
    assert result.exit_code == 0 and "no setup link is waiting" in result.output
    assert len(mail.messages) == 4

    refused.clear()
    result = runner.invoke(args=["users", "send-setup-links", "--retry-failed"])
    assert result.exit_code == 0, result.output
    assert len(mail.messages) == 5 and max(Counter(recipients(mail)).values()) == 1


# Who may do it ---------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["learner", "instructor", "supervisor"])
def test_only_admins_see_or_send_setup_links(client, admin, mail, make_user, role):
    import_csv(client)
    batch = the_batch()
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    other = make_user(roles=[role], email=f"{role}@sukamaju.go.id")
    assert login(client, other.email).status_code == 302
    token = csrf_token(client, "/")
    base = f"/admin/users/setup-links/{batch.id}"
    assert client.get("/admin/users/setup-links").status_code == 403
    assert client.get(base).status_code == 403
    for action in ("send", "retry", "resend", "cancel"):
        assert client.post(f"{base}/{action}", data={"csrf_token": token}).status_code == 403
    assert (
        client.post("/admin/users/setup-links/new", data={"csrf_token": token}).status_code == 403
    )
    assert mail.messages == []
    assert the_batch().started_at is None


def test_signed_out_visitors_are_sent_to_sign_in(client, admin, mail):
    import_csv(client)
    batch = the_batch()
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    response = client.get(f"/admin/users/setup-links/{batch.id}")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_sending_needs_the_csrf_token(client, admin, mail):
    import_csv(client)
    batch = the_batch()
    base = f"/admin/users/setup-links/{batch.id}"
    assert client.post(f"{base}/send").status_code == 400
    assert client.post(f"{base}/send", data={"csrf_token": "forged"}).status_code == 400
    response = client.post(
        f"{base}/send", data={"csrf_token": "x"}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 400 and "message" in response.get_json()
    assert mail.messages == []
    assert the_batch().started_at is None


def test_unknown_batch_is_not_found(client, admin):
    assert client.get("/admin/users/setup-links/999").status_code == 404
    assert (
        submit(client, "/admin/users/setup-links/999/send", page="/admin/users").status_code == 404
    )


# Speed -------------------------------------------------------------------------------------------
def count_queries(client, url):
    statements = []

    def before(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    return len(statements)


def test_pages_cost_the_same_queries_with_more_people(client, admin, mail, refused):
    refused.update({"agus@sukamaju.go.id", "budi@sukamaju.go.id"})
    import_csv(client, NEW_PEOPLE[:2])
    small = the_batch()
    while batch_pending(small):
        send_round(client, small)
    many = [
        (f"199001012015012{n:03d}", f"Pegawai {n}", f"p{n}@sukamaju.go.id") for n in range(1, 31)
    ]
    refused.update(email for _nip, _name, email in many)
    import_csv(client, many)
    big = the_batch()
    while batch_pending(big):
        send_round(client, big)
    pages = [
        "/admin/users/setup-links/{}",
        "/admin/users/setup-links",
        "/admin/users?status=not_activated",
    ]
    for url in pages:
        assert count_queries(client, url.format(small.id)) == count_queries(
            client, url.format(big.id)
        ), url


def test_a_link_sent_from_the_persons_page_counts_as_sent(client, admin, mail):
    import_csv(client)
    siti = db.session.scalar(select(User).where(User.email == "siti@sukamaju.go.id"))
    page = text(client.get(f"/admin/users/{siti.id}"))
    assert "<dt>Tautan pengaturan dikirim</dt><dd>Belum pernah</dd>" in page
    submit(client, f"/admin/users/{siti.id}/password-link", page=f"/admin/users/{siti.id}")
    assert recipients(mail) == ["siti@sukamaju.go.id"]
    page = text(client.get(f"/admin/users/{siti.id}"))
    assert re.search(r"<dt>Tautan pengaturan dikirim</dt><dd>\d{1,2} \w{3} \d{4}, ", page)
    assert "4 di antaranya belum pernah menerima tautan pengaturan." in text(
        client.get("/admin/users")
    )
