"""Development beyond courses for the demo agency (`flask demo seed`, never in production):
activities of several kinds (approved, waiting, returned; some with a PDF certificate), a
partner university with a lecturer who co-authors a shipped course, a mentoring pair with its
sessions, a strategic project with members, and the badges the rules give.

Dates are counted back from the seed day, within its year, so that "this year" has data.
Seeding again adds nothing: each part is looked up first.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from hashlib import sha256

from sqlalchemy import select

from ..demo import DEMO_PASSWORD, EMAIL_DOMAIN
from ..extensions import db
from ..media import store as media_store
from ..models import (
    Activity,
    ActivityEvidence,
    ActivityKind,
    ActivityOrigin,
    ActivityStatus,
    Course,
    DurationUnit,
    EmployeeType,
    MentoringKind,
    MentoringPair,
    MentoringSession,
    Partner,
    PartnerKind,
    Project,
    ProjectMember,
    Role,
    Unit,
    User,
)
from ..models import NotificationKind as K
from ..notifications.services import internal_path, notify, notify_approval_needed
from ..timeutil import local_time, utcnow
from .badges import award_badges
from .kinds import credit, ensure_kinds

PARTNER = "Universitas Sukamaju"
PARTNER_PERSON = ("Dr. Rina Kusumawati, M.Kom.", "rina.kusumawati@unsuka.ac.id")
PARTNER_COURSE = "literasi-digital-asn"  # co-organised with the partner, its lecturer co-authors
PROJECT = "Aplikasi Layanan Kependudukan Terpadu"

APPROVED, PENDING, RETURNED = (
    ActivityStatus.APPROVED,
    ActivityStatus.PENDING,
    ActivityStatus.RETURNED,
)
DAY, HOUR = DurationUnit.DAY, DurationUnit.HOUR


@dataclass
class Row:
    person: str
    kind: str
    title: str
    organiser: str  # "partner", a unit code ("unit:BKPSDM") or a name
    days_ago: int  # the end date, counted back from the seed day
    amount: str
    unit: str
    status: str
    decider: str | None = None
    note: str = ""
    evidence: str = ""  # file name of a PDF certificate
    reflection: str = ""


ACTIVITIES = [
    Row("agus", "seminar", "Seminar Nasional Transformasi Digital Pemerintah", "partner", 40,
        "1", DAY, APPROVED, "hendra", evidence="sertifikat-seminar-transformasi-digital.pdf",
        reflection="Contoh arsitektur SPBE dari daerah lain bisa dipakai untuk aplikasi kami."),
    Row("agus", "workshop", "Lokakarya Keamanan Aplikasi Web", "Badan Siber dan Sandi Negara", 6,
        "2", DAY, PENDING, evidence="sertifikat-lokakarya-keamanan-web.pdf",
        reflection="Daftar periksa OWASP akan saya terapkan pada aplikasi layanan."),
    Row("dewi", "bimbingan-teknis", "Bimbingan Teknis Pengelolaan Data SPBE", "unit:BKPSDM-PK",
        30, "16", HOUR, APPROVED, "hendra", evidence="sertifikat-bimtek-data-spbe.pdf"),
    Row("dewi", "komunitas-praktik", "Forum diskusi bulanan pranata komputer", "unit:DISKOMINFO",
        12, "2", HOUR, RETURNED, "hendra", note="Lampirkan daftar hadir forum, lalu kirim lagi."),
    Row("rudi", "seminar-internasional", "International Conference on Public Sector "
        "Communication", "partner", 55, "1", DAY, APPROVED, "hendra",
        evidence="certificate-icpsc.pdf"),
    Row("nuraini", "sosialisasi", "Sosialisasi Keterbukaan Informasi Publik",
        "Komisi Informasi Provinsi", 4, "3", HOUR, PENDING),
    Row("yusuf", "job-shadowing", "Job shadowing di Disdukcapil Provinsi",
        "Disdukcapil Provinsi", 20, "16", HOUR, APPROVED, "siti",
        reflection="Alur verifikasi berkas di provinsi lebih singkat: kami usulkan di loket."),
    Row("fitri", "belajar-mandiri", "Belajar mandiri: modul pelayanan prima", "Perpustakaan "
        "Kabupaten Sukamaju", 25, "6", HOUR, APPROVED, "siti"),
    Row("joko", "kursus", "Kursus Bahasa Inggris Dasar", "Lembaga Bahasa Sukamaju", 15, "12",
        HOUR, RETURNED, "siti", note="Sertakan sertifikat kursus sebagai bukti."),
    Row("maria", "benchmarking", "Studi banding tata kelola organisasi ke Kota Bandung",
        "Bagian Organisasi Kota Bandung", 35, "2", DAY, APPROVED, "hendra",
        evidence="laporan-studi-banding.pdf"),
    Row("wahyu", "workshop-internasional", "International Workshop on Open Government Data",
        "partner", 8, "1", DAY, PENDING),
    Row("lina", "pelatihan-kantor-sendiri", "Pelatihan internal: pengelolaan server kantor",
        "unit:DISKOMINFO-APTIKA", 18, "4", HOUR, APPROVED, "hendra"),
]  # fmt: skip

# Mentoring: mentor, mentee, who set the pair up, and sessions (days ago, minutes, topic,
# next step, confirmed?). Logged by the mentor; the last one waits for the mentee.
PAIR = ("budi", "lina", "hendra", "Membimbing pegawai PPPK baru: tata kelola aplikasi dan "
        "budaya kerja.")  # fmt: skip
SESSIONS = [
    (50, 90, "Pengenalan arsitektur aplikasi dinas", "Membaca dokumen arsitektur SPBE.", True),
    (28, 60, "Tinjauan kode modul pengaduan", "Memperbaiki validasi formulir.", True),
    (3, 60, "Rencana uji keamanan aplikasi", "Menyusun daftar uji bersama tim.", False),
]
# Project members: person, role, hours, approved?
MEMBERS = [
    ("agus", "Ketua tim pengembang", "24", True),
    ("dewi", "Analis data kependudukan", "16", False),
    ("yusuf", "Penghubung Dinas Dukcapil", "12", False),
]


def _pdf(title):
    """A small valid one-page PDF naming `title` (ASCII), as a scanned certificate would be."""
    text = title.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 60 760 Td (Sertifikat / Certificate) Tj 0 -24 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def _attach_pdf(activity, filename, now):
    data = _pdf(activity.title)
    digest = sha256(data).hexdigest()
    media_store.ensure_blob(digest, data)
    db.session.add(
        ActivityEvidence(
            activity_id=activity.id,
            filename=filename,
            content_type="application/pdf",
            size=len(data),
            sha256=digest,
            uploaded_at=now,
        )
    )


class _Seeder:
    def __init__(self, now):
        self.now = now
        self.today = local_time(now).date()
        self.first = date(self.today.year, 1, 1)
        self.people = {
            u.email.split("@")[0]: u
            for u in db.session.scalars(select(User).where(User.email.endswith("@" + EMAIL_DOMAIN)))
        }
        self.units = {u.code: u for u in db.session.scalars(select(Unit))}
        self.people_by_id = {p.id: p for p in self.people.values()}
        self.kinds = {k.code: k for k in db.session.scalars(select(ActivityKind))}
        self.added = 0

    def day(self, days_ago):
        """`days_ago` before the seed day, but in its year (an early-January seed keeps its
        activities in "this year")."""
        return max(self.today - timedelta(days=days_ago), self.first)

    # The partner and its lecturer --------------------------------------------------------------
    def partner(self):
        partner = db.session.scalar(select(Partner).where(Partner.name == PARTNER))
        if partner is None:
            partner = Partner(
                name=PARTNER,
                kind=PartnerKind.UNIVERSITY,
                contact_name="Dr. Hadi Prasetyo (Kantor Kerja Sama)",
                contact_email="kerjasama@unsuka.ac.id",
                contact_phone="0265 123456",
            )
            db.session.add(partner)
            db.session.flush()
            self.added += 1
        name, email = PARTNER_PERSON
        person = db.session.scalar(select(User).where(User.email == email))
        if person is None:
            person = User(
                full_name=name,
                email=email,
                nip=None,
                employee_type=EmployeeType.NON_ASN,
                position="Dosen Sistem Informasi",
                partner_id=partner.id,
            )
            person.roles = [Role.INSTRUCTOR]
            person.set_password(DEMO_PASSWORD)
            db.session.add(person)
            db.session.flush()
            self.added += 1
        course = db.session.scalar(select(Course).where(Course.slug == PARTNER_COURSE))
        if course is not None:
            if course.partner_id is None:
                course.partner_id = partner.id
                self.added += 1
            if all(o.id != person.id for o in course.owners):
                course.owners.append(person)
                self.added += 1
        return partner

    # Activities ----------------------------------------------------------------------------------
    def activity(self, person, kind, title, amount, unit, end, start=None, **values):
        amount = Decimal(amount)
        activity = Activity(
            user_id=person.id,
            kind_id=kind.id,
            title=title,
            start_date=start or end,
            end_date=end,
            duration_amount=amount,
            duration_unit=unit,
            jp=credit(kind, amount, unit).jp,
            revision=1,
            created_at=self.now,
            updated_at=self.now,
            **values,
        )
        db.session.add(activity)
        db.session.flush()
        self.added += 1
        return activity

    def decide(self, activity, status, decider, note=""):
        activity.status = status
        if status != PENDING and decider in self.people:
            activity.decided_by_id = self.people[decider].id
            activity.decided_at = self.now
            activity.decision_note = note
        if status == PENDING:  # the people who decide see it waiting
            notify_approval_needed(
                self.people_by_id[activity.user_id],
                "activity",
                activity.title,
                internal_path("activities.detail", activity_id=activity.id),
                f"activity:{activity.id}:r{activity.revision}",
                now=self.now,
            )

    def activities(self, partner):
        mine = select(Activity.id).where(
            Activity.user_id.in_([p.id for p in self.people.values()]),
            Activity.origin == ActivityOrigin.SELF,
        )
        if db.session.scalar(mine.limit(1)) is not None:
            return
        for row in ACTIVITIES:
            person, kind = self.people.get(row.person), self.kinds.get(row.kind)
            if person is None or kind is None:
                continue
            organiser = {}
            if row.organiser == "partner":
                organiser["partner_id"] = partner.id
            elif row.organiser.startswith("unit:") and row.organiser[5:] in self.units:
                organiser["organiser_unit_id"] = self.units[row.organiser[5:]].id
            else:
                organiser["organiser_name"] = row.organiser
            end = self.day(row.days_ago)
            days = max(int(Decimal(row.amount)), 1) if row.unit == DAY else 1
            start = max(end - timedelta(days=days - 1), self.first)
            activity = self.activity(
                person, kind, row.title, row.amount, row.unit, end, start,
                origin=ActivityOrigin.SELF, reflection=row.reflection, **organiser,
            )  # fmt: skip
            if row.evidence:
                _attach_pdf(activity, row.evidence, self.now)
            self.decide(activity, row.status, row.decider, row.note)

    # Mentoring -----------------------------------------------------------------------------------
    def mentoring(self):
        mentor_key, mentee_key, by, goals = PAIR
        mentor, mentee = self.people.get(mentor_key), self.people.get(mentee_key)
        if mentor is None or mentee is None:
            return
        exists = db.session.scalar(
            select(MentoringPair.id).where(
                MentoringPair.mentor_id == mentor.id, MentoringPair.mentee_id == mentee.id
            )
        )
        if exists is not None:
            return
        pair = MentoringPair(
            kind=MentoringKind.MENTORING,
            mentor_id=mentor.id,
            mentee_id=mentee.id,
            goals=goals,
            starts_on=self.day(60),
            ends_on=self.today + timedelta(days=120),
            created_by_id=self.people[by].id if by in self.people else None,
            created_at=self.now,
        )
        db.session.add(pair)
        db.session.flush()
        self.added += 1
        kind = self.kinds["mentoring"]
        for days_ago, minutes, topic, next_step, confirmed in SESSIONS:
            held_on = self.day(days_ago)
            session = MentoringSession(
                pair_id=pair.id,
                held_on=held_on,
                minutes=minutes,
                topic=topic,
                next_step=next_step,
                logged_by_id=mentor.id,
                logged_at=self.now,
            )
            db.session.add(session)
            db.session.flush()
            self.added += 1
            if not confirmed:  # the mentee is asked to confirm it
                notify(
                    mentee.id,
                    K.SESSION_TO_CONFIRM,
                    {"title": topic, "due": held_on.isoformat(), "by": mentor.full_name},
                    internal_path("activities.pair", pair_id=pair.id),
                    f"session:{session.id}",
                    self.now,
                )
                continue
            # Confirmed by the mentee: the session is the mentee's approved activity.
            hours = (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.01"), ROUND_HALF_UP)
            activity = self.activity(
                mentee, kind, f"{kind.name}: {topic}", hours, HOUR,
                held_on, origin=ActivityOrigin.MENTORING, organiser_name=mentor.full_name,
                reflection=next_step, status=APPROVED, decided_by_id=mentee.id,
                decided_at=self.now,
            )  # fmt: skip
            session.confirmed_by_id = mentee.id
            session.confirmed_at = self.now
            session.activity_id = activity.id

    # The strategic project -----------------------------------------------------------------------
    def project(self):
        unit = self.units.get("DISKOMINFO")
        boss = self.people.get("hendra")
        if unit is None or boss is None:
            return
        if db.session.scalar(select(Project.id).where(Project.name == PROJECT)) is not None:
            return
        project = Project(
            name=PROJECT,
            unit_id=unit.id,
            starts_on=self.day(75),
            ends_on=self.today + timedelta(days=180),
            description="Satu aplikasi untuk layanan akta, KTP-el dan pindah datang, "
            "dikerjakan bersama Diskominfo dan Disdukcapil.",
            created_by_id=boss.id,
            created_at=self.now,
        )
        db.session.add(project)
        db.session.flush()
        self.added += 1
        kind = self.kinds["proyek-strategis"]
        for key, role, hours, approved in MEMBERS:
            person = self.people.get(key)
            if person is None:
                continue
            activity = self.activity(
                person, kind, f"{PROJECT} — {role}", hours, HOUR, self.today,
                project.starts_on, origin=ActivityOrigin.PROJECT, organiser_unit_id=unit.id,
            )  # fmt: skip
            db.session.add(
                ProjectMember(
                    project_id=project.id, user_id=person.id, role=role, activity_id=activity.id
                )
            )
            self.decide(activity, APPROVED if approved else PENDING, "hendra")


def seed_development(now=None):
    """Load the demo's development data once (see the module's docstring) and award the badges
    the rules give everyone. Returns how many rows were added (0 on a second run)."""
    now = now or utcnow()
    ensure_kinds()
    seeder = _Seeder(now)
    if not seeder.people:  # not the demo agency
        return 0
    partner = seeder.partner()
    seeder.activities(partner)
    seeder.mentoring()
    seeder.project()
    db.session.flush()
    seeder.added += award_badges(None, now=now)
    return seeder.added
