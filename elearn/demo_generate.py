"""A synthetic agency at scale (`flask demo generate`): thousands of people in a unit tree, small
synthetic courses, enrolments with progress, quiz attempts, completions with certificates and
unit assignments, for trying the team pages and for benchmarks. Never in production.

Rows are written with bulk INSERTs in batches, with ids chosen here (PostgreSQL sequences are
moved past them at the end), so 10,000 people and 200,000 enrolments take seconds.
"""

import hashlib
import random
from dataclasses import dataclass, field
from datetime import timedelta

import click
from flask import current_app
from sqlalchemy import bindparam, func, insert, select, text
from werkzeug.security import generate_password_hash

from .competencies.needs_generate import generate_needs
from .extensions import db
from .models import (
    Assignment,
    AssignmentPerson,
    Attempt,
    Certificate,
    Completion,
    Course,
    CourseVersion,
    Enrollment,
    Lesson,
    Module,
    Question,
    Quiz,
    Unit,
    User,
    UserRole,
    supervised_units,
)
from .timeutil import local_time, utcnow

ROOT_CODE = "GEN"
PASSWORD = "elearn-demo"  # noqa: S105 (the documented demo password, as in demo.py)
EMAIL_DOMAIN = "sintetis.go.id"
LESSONS_PER_COURSE = 4
BATCH = 5000
CERT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

OPD_NAMES = [
    "Dinas Pendidikan", "Dinas Kesehatan", "Dinas Pekerjaan Umum", "Dinas Sosial",
    "Dinas Perhubungan", "Dinas Lingkungan Hidup", "Dinas Komunikasi dan Informatika",
    "Dinas Kependudukan dan Pencatatan Sipil", "Badan Perencanaan Pembangunan Daerah",
    "Badan Keuangan dan Aset Daerah", "Inspektorat", "Sekretariat DPRD", "Satpol PP",
    "Dinas Pertanian", "Dinas Perdagangan", "Dinas Pariwisata",
]  # fmt: skip
SUB_NAMES = ["Bidang", "Seksi", "Subbagian", "UPT"]
TOPICS = [
    "Literasi Digital", "Pelayanan Publik", "Manajemen Proyek", "Etika ASN", "Keamanan Informasi",
    "Penulisan Naskah Dinas", "Analisis Kebijakan", "Pengelolaan Keuangan", "Kepemimpinan",
    "Komunikasi Efektif", "Manajemen Risiko", "Pengadaan Barang dan Jasa", "Data dan Statistik",
    "Kearsipan Digital", "Inovasi Daerah", "Budaya Kerja BerAKHLAK", "Moderasi Beragama",
    "Perencanaan Anggaran", "SPBE", "Pengawasan Internal",
]  # fmt: skip
FIRST_NAMES = [
    "Agus", "Budi", "Citra", "Dewi", "Eko", "Fitri", "Gita", "Hadi", "Indah", "Joko", "Kartika",
    "Lina", "Made", "Nur", "Oka", "Putri", "Rina", "Sari", "Teguh", "Utami", "Wahyu", "Yusuf",
    "Zahra", "Bayu", "Dian", "Fajar", "Hendra", "Ratna", "Siti", "Tono",
]  # fmt: skip
LAST_NAMES = [
    "Pratama", "Santoso", "Wijaya", "Lestari", "Hidayat", "Nugroho", "Handayani", "Saputra",
    "Kusuma", "Wulandari", "Setiawan", "Rahmawati", "Susilo", "Maulana", "Purnama", "Hartono",
]  # fmt: skip
POSITIONS = [
    "Analis Kebijakan Ahli Pertama", "Pranata Komputer Ahli Muda", "Analis SDM Aparatur",
    "Pengadministrasi Umum", "Arsiparis Terampil", "Perencana Ahli Muda", "Auditor Ahli Pertama",
    "Pengelola Keuangan", "Penyuluh Ahli Madya", "Pengelola Layanan Operasional",
]  # fmt: skip
GRADES = ["II/c", "II/d", "III/a", "III/b", "III/c", "III/d", "IV/a", "IV/b"]


@dataclass
class Generated:
    units: int = 0
    people: int = 0
    supervisors: int = 0
    courses: int = 0
    enrollments: int = 0
    attempts: int = 0
    completions: int = 0
    certificates: int = 0
    assignments: int = 0
    extra: dict = field(default_factory=dict)


class _Ids:
    """The next free id of each table (ids are chosen here for bulk inserts)."""

    def __init__(self, *models):
        self.next = {}
        for model in models:
            table = model if hasattr(model, "c") else model.__table__
            top = db.session.scalar(select(func.max(table.c.id)))
            self.next[table.name] = (top or 0) + 1

    def take(self, model):
        name = model.__table__.name
        value = self.next[name]
        self.next[name] = value + 1
        return value


def _bulk(model, rows):
    table = model if hasattr(model, "c") else model.__table__
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(table), rows[start : start + BATCH])


def _move_sequences(models):
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for model in models:
        name = model.__table__.name
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608 (our names)
                f"(SELECT COALESCE(MAX(id), 1) FROM {name}))"
            )
        )


def generate_agency(people=10_000, units=200, courses=30, seed=1, per_person=20, now=None):
    """Create the synthetic agency in the current database (the caller commits).

    Raises ValueError when it is already there or the sizes make no sense."""
    if people < 1 or units < 2 or courses < 1:
        raise ValueError("need at least 1 person, 2 units and 1 course")
    if db.session.scalar(select(Unit.id).where(Unit.code == ROOT_CODE)) is not None:
        raise ValueError("the synthetic agency is already there")
    rng = random.Random(seed)  # noqa: S311 (synthetic data, repeatable by seed)
    now = now or utcnow()
    out = Generated()
    models = (
        Unit, User, Course, CourseVersion, Module, Lesson, Quiz, Question, Enrollment, Attempt,
        Completion, Certificate, Assignment,
    )  # fmt: skip
    ids = _Ids(*models)

    # Units: the agency, its OPDs, then bidang/seksi under them. The first OPD is about a
    # fifth of the agency, so that one supervisor has a large team.
    unit_rows, opds, subs = [], [], {}
    root_id = ids.take(Unit)
    unit_rows.append(
        {"id": root_id, "name": "Pemerintah Kabupaten Sintetis", "code": ROOT_CODE,
         "parent_id": None, "path": f"/{root_id}/"}
    )  # fmt: skip
    n_opd = max(2, min(len(OPD_NAMES), units // 20))
    for i in range(n_opd):
        uid = ids.take(Unit)
        row = {"id": uid, "name": f"{OPD_NAMES[i]} (Sintetis)", "code": f"{ROOT_CODE}-{i + 1:02d}",
               "parent_id": root_id, "path": f"/{root_id}/{uid}/"}  # fmt: skip
        unit_rows.append(row)
        opds.append(row)
        subs[uid] = []
    weights = [(n_opd - 1) / 4] + [1.0] * (n_opd - 1)  # OPD 1: a fifth of the sub-units
    for n in range(units - 1 - n_opd):
        opd = rng.choices(opds, weights=weights)[0]
        level2 = subs[opd["id"]]
        parent = opd if not level2 or rng.random() < 0.5 else rng.choice(level2)
        uid = ids.take(Unit)
        kind = SUB_NAMES[0] if parent is opd else rng.choice(SUB_NAMES[1:])
        row = {"id": uid, "name": f"{kind} {n + 1} {opd['name'].split(' (')[0]}",
               "code": f"{ROOT_CODE}-{n + 1:04d}", "parent_id": parent["id"],
               "path": f"{parent['path']}{uid}/"}  # fmt: skip
        unit_rows.append(row)
        if parent is opd:
            level2.append(row)
    _bulk(Unit, unit_rows)
    out.units = len(unit_rows)
    member_units = unit_rows[1:]
    opd_of = {}
    for row in member_units:
        opd_of[row["id"]] = int(row["path"].strip("/").split("/")[1])

    # People: spread over the units; the first person of each OPD heads and supervises it.
    password_hash = generate_password_hash(
        PASSWORD, method=current_app.config["PASSWORD_HASH_METHOD"]
    )
    taken_nips = set(db.session.scalars(select(User.nip).where(User.nip.is_not(None))))
    user_rows, role_rows, supervision = [], [], []
    heads = {}
    opd_members = {opd["id"]: [] for opd in opds}
    for n in range(people):
        uid = ids.take(User)
        unit = opds[n] if n < len(opds) else rng.choice(member_units)
        nip = _nip(rng, taken_nips)
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        head_of = unit["id"] if n < len(opds) else None
        user_rows.append(
            {
                "id": uid,
                "nip": nip,
                "full_name": f"{first} {last} {n + 1}",
                "email": f"gen{n + 1:05d}@{EMAIL_DOMAIN}",
                "password_hash": password_hash,
                "employee_type": "pns",
                "unit_id": unit["id"],
                "position": f"Kepala {unit['name']}" if head_of else rng.choice(POSITIONS),
                "grade": "IV/b" if head_of else rng.choice(GRADES),
                "supervisor_id": None,
                "active": True,
                "session_version": 1,
                "created_at": now,
            }
        )
        role_rows.append({"user_id": uid, "role": "learner"})
        if head_of:
            heads[head_of] = uid
            role_rows.append({"user_id": uid, "role": "supervisor"})
            supervision.append({"user_id": uid, "unit_id": head_of})
        else:
            opd_members[opd_of[unit["id"]]].append(uid)
    for row in user_rows:
        opd_id = opd_of[row["unit_id"]]
        if heads.get(opd_id) != row["id"]:
            row["supervisor_id"] = heads.get(opd_id)
    _bulk(User, user_rows)
    _bulk(UserRole, role_rows)
    _bulk(supervised_units, supervision)
    out.people, out.supervisors = len(user_rows), len(heads)

    # Courses: one module of a few lessons and a final exam of two questions each.
    course_rows, version_rows, module_rows, lesson_rows, quiz_rows, question_rows = (
        [], [], [], [], [], []
    )  # fmt: skip
    catalog = []
    for i in range(courses):
        cid, vid, mid, qid = (
            ids.take(Course),
            ids.take(CourseVersion),
            ids.take(Module),
            ids.take(Quiz),
        )
        topic = TOPICS[i % len(TOPICS)]
        title = f"{topic} {i // len(TOPICS) + 1}" if i >= len(TOPICS) else topic
        slug = f"sintetis-{i + 1:02d}"
        jp = rng.choice([2, 2, 3, 4, 4, 6, 8])
        course_rows.append({"id": cid, "slug": slug, "current_version_id": None,
                            "restricted": False, "created_at": now})  # fmt: skip
        version_rows.append(
            {"id": vid, "course_id": cid, "number": 1, "title": f"{title} (Sintetis)",
             "summary": f"Kursus sintetis tentang {topic.lower()}.",
             "description_html": f"<p>Kursus sintetis tentang {topic.lower()}.</p>", "jp": jp,
             "level": "dasar", "language": "id", "category": "Sintetis", "authors": ["Generator"],
             "version_label": "1.0", "content_hash": hashlib.sha256(slug.encode()).hexdigest(),
             "source_yml": "", "created_at": now, "published_at": now}
        )  # fmt: skip
        module_rows.append(
            {"id": mid, "version_id": vid, "slug": "modul-1", "position": 1, "title": "Modul 1",
             "summary": "", "source_path": "01-modul-1"}
        )  # fmt: skip
        for k in range(1, LESSONS_PER_COURSE + 1):
            lesson_rows.append(
                {"id": ids.take(Lesson), "version_id": vid, "module_id": mid,
                 "key": f"modul-1/pelajaran-{k}", "position": k, "title": f"Pelajaran {k}",
                 "duration_minutes": 10, "required": True, "body_md": f"Isi pelajaran {k}.",
                 "body_html": f"<p>Isi pelajaran {k}.</p>",
                 "source_path": f"01-modul-1/{k:02d}-pelajaran-{k}.md", "source": ""}
            )  # fmt: skip
        quiz_rows.append(
            {"id": qid, "version_id": vid, "module_id": None, "key": "final", "role": "final",
             "position": 0, "title": "Ujian Akhir", "intro_html": "", "pass_mark": 70,
             "source_path": "final-exam.md", "source": ""}
        )  # fmt: skip
        for q in (1, 2):
            question_rows.append(
                {"id": ids.take(Question), "quiz_id": qid, "key": f"soal-{q}", "position": q,
                 "type": "single", "points": 1, "prompt_html": f"<p>Soal {q}?</p>",
                 "options": [{"key": "a", "html": "Benar", "correct": True},
                             {"key": "b", "html": "Salah", "correct": False}],
                 "answer": {}, "explanation_html": ""}
            )  # fmt: skip
        catalog.append({"id": cid, "version_id": vid, "quiz_id": qid, "jp": jp,
                        "title": f"{title} (Sintetis)"})  # fmt: skip
    _bulk(Course, course_rows)
    _bulk(CourseVersion, version_rows)
    db.session.execute(
        Course.__table__.update()
        .where(Course.__table__.c.id == bindparam("cid"))
        .values(current_version_id=bindparam("vid")),
        [{"cid": c["id"], "vid": c["version_id"]} for c in catalog],
    )
    _bulk(Module, module_rows)
    _bulk(Lesson, lesson_rows)
    _bulk(Quiz, quiz_rows)
    _bulk(Question, question_rows)
    out.courses = len(catalog)

    # Assignments: a few courses per OPD, due from two months ago to two months ahead.
    day = local_time(now).date()
    assignment_rows, reached = [], []
    assigned = {}  # user id -> {course index: due}
    for opd in opds:
        for ci in rng.sample(range(len(catalog)), min(3, len(catalog))):
            aid = ids.take(Assignment)
            due = day + timedelta(days=rng.randint(-60, 60))
            assignment_rows.append(
                {"id": aid, "course_id": catalog[ci]["id"], "unit_id": opd["id"], "user_id": None,
                 "due_date": due, "include_future_members": rng.random() < 0.5,
                 "assigned_by_id": heads.get(opd["id"]), "created_at": now - timedelta(days=90)}
            )  # fmt: skip
            for uid in opd_members[opd["id"]]:
                reached.append({"assignment_id": aid, "user_id": uid, "added_at": now})
                assigned.setdefault(uid, {})[ci] = due
    _bulk(Assignment, assignment_rows)
    _bulk(AssignmentPerson, reached)
    out.assignments = len(assignment_rows)

    # Enrolments, attempts, completions and certificates.
    enrol_rows, attempt_rows, completion_rows, cert_rows = [], [], [], []
    numbers = set()
    names = {r["id"]: (r["full_name"], r["nip"]) for r in user_rows}
    institution = current_app.config["INSTANCE_NAME"]
    prefix = current_app.config["CERTIFICATE_NUMBER_PREFIX"]
    jp_minutes = current_app.config["JP_MINUTES"]
    per_person = max(0, min(per_person, len(catalog)))
    for row in user_rows:
        uid = row["id"]
        mine = assigned.get(uid, {})
        k = max(0, min(len(catalog), int(rng.gauss(per_person, 3))))
        chosen = set(mine) | set(rng.sample(range(len(catalog)), k))
        for ci in chosen:
            course = catalog[ci]
            roll = rng.random()
            enrolled_at = now - timedelta(days=rng.randint(30, 600), minutes=rng.randint(0, 1440))
            enrolment = {
                "id": ids.take(Enrollment), "user_id": uid, "course_id": course["id"],
                "version_id": course["version_id"],
                "source": "assigned" if ci in mine else "self", "enrolled_at": enrolled_at,
                "last_item_key": None, "last_activity_at": None, "progress_percent": 0,
                "completed_at": None,
            }  # fmt: skip
            if roll < 0.45:  # completed
                done_at = min(now, enrolled_at + timedelta(days=rng.randint(1, 60)))
                score = rng.randint(70, 100)
                number = _certificate_number(rng, prefix, local_time(done_at).year, numbers)
                completion_id = ids.take(Completion)
                enrolment.update(progress_percent=100, last_activity_at=done_at,
                                 completed_at=done_at, last_item_key="final")  # fmt: skip
                completion_rows.append(
                    {"id": completion_id, "user_id": uid, "course_id": course["id"],
                     "version_id": course["version_id"], "completed_at": done_at,
                     "final_score": score, "jp": course["jp"]}
                )  # fmt: skip
                attempt_rows.append(_attempt(ids, uid, course, 1, done_at, score, True))
                cert_rows.append(
                    {"id": ids.take(Certificate), "number": number,
                     "completion_id": completion_id, "user_id": uid, "course_id": course["id"],
                     "version_id": course["version_id"], "full_name": names[uid][0],
                     "nip": names[uid][1], "course_title": course["title"],
                     "version_number": 1, "version_label": "1.0", "jp": course["jp"],
                     "jp_minutes": jp_minutes, "completed_at": done_at, "final_score": score,
                     "institution": institution, "signatory_name": "", "signatory_title": "",
                     "signatory_nip": "", "issued_at": done_at, "revoked_reason": ""}
                )  # fmt: skip
            elif roll < 0.75:  # in progress
                last = min(now, enrolled_at + timedelta(days=rng.randint(0, 30)))
                enrolment.update(
                    progress_percent=rng.choice([20, 40, 60, 80]),
                    last_activity_at=last,
                    last_item_key=f"modul-1/pelajaran-{rng.randint(1, 4)}",
                )
                if rng.random() < 0.3:
                    attempt_rows.append(
                        _attempt(ids, uid, course, 1, last, rng.randint(20, 65), False)
                    )
            enrol_rows.append(enrolment)
    _bulk(Enrollment, enrol_rows)
    _bulk(Attempt, attempt_rows)
    _bulk(Completion, completion_rows)
    _bulk(Certificate, cert_rows)
    out.enrollments, out.attempts = len(enrol_rows), len(attempt_rows)
    out.completions, out.certificates = len(completion_rows), len(cert_rows)
    out.extra.update(generate_needs(rng, now, user_rows, EMAIL_DOMAIN, _bulk, _move_sequences))
    _move_sequences(models)
    db.session.flush()
    return out


def _attempt(ids, user_id, course, number, at, score, passed):
    return {
        "id": ids.take(Attempt), "user_id": user_id, "course_id": course["id"],
        "quiz_id": course["quiz_id"], "quiz_key": "final", "role": "final", "number": number,
        "started_at": at - timedelta(minutes=15), "deadline_at": None, "submitted_at": at,
        "question_ids": [], "option_order": {}, "saved_answers": {}, "saved_at": at,
        "score_points": score * 2 / 100, "max_points": 2, "score_percent": score,
        "passed": passed, "late": False,
    }  # fmt: skip


def _nip(rng, taken):
    """A PNS NIP with a plausible structure (birth date, TMT, gender, serial), unused so far."""
    while True:
        year = rng.randint(1965, 1999)
        birth = f"{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        tmt = f"{year + rng.randint(22, 30)}{rng.choice([1, 3, 4, 12]):02d}"
        nip = f"{birth}{tmt}{rng.randint(1, 2)}{rng.randint(1, 999):03d}"
        if nip not in taken:
            taken.add(nip)
            return nip


def _certificate_number(rng, prefix, year, taken):
    while True:
        symbols = "".join(rng.choice(CERT_ALPHABET) for _ in range(12))
        number = f"{prefix}-{year:04d}-{symbols[:4]}-{symbols[4:8]}-{symbols[8:]}"
        if number not in taken:
            taken.add(number)
            return number


@click.command("generate")
@click.option("--people", default=10_000, show_default=True, help="People in the agency.")
@click.option("--units", default=200, show_default=True, help="Units in the tree.")
@click.option("--courses", default=30, show_default=True, help="Synthetic courses.")
@click.option(
    "--per-person", default=20, show_default=True, help="Mean number of enrolments per person."
)
@click.option("--seed", default=1, show_default=True, help="Seed of the random generator.")
def generate(people, units, courses, per_person, seed):
    """Create a large synthetic agency (refused in production)."""
    if current_app.config["PRODUCTION"]:
        raise click.ClickException("refusing to load synthetic data into a production instance")
    try:
        out = generate_agency(people, units, courses, seed, per_person)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(
        f"synthetic agency: {out.units} units, {out.people} people ({out.supervisors} "
        f"supervisors), {out.courses} courses, {out.enrollments} enrolments, {out.attempts} "
        f"attempts, {out.completions} completions, {out.certificates} certificates, "
        f"{out.assignments} assignments, "
        + "".join(f"{n} {name}, " for name, n in out.extra.items())
        + f"(password: {PASSWORD})"
    )
