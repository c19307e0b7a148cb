"""A synthetic agency at scale (`flask demo generate`): people in a unit tree, small synthetic
courses, enrolments with progress, quiz attempts with their graded answers, completions with
certificates, unit assignments and competency assessments, for trying the team pages and for
benchmarks. Never in production.

The people and everything they did are streamed: a few thousand people at a time are made in
memory and written, COPY on PostgreSQL (psycopg 3) and batched executemany elsewhere, so memory
stays flat whatever the size (a million people and ~100M rows in one run). Ids are chosen here
in ranges (the next free id of each table, read once; PostgreSQL sequences are moved past them at
the end), NIPs and certificate numbers are unique by construction (a stride through their whole
space) instead of being remembered, and indexes stay in place. The same seed and sizes give the
same data.
"""

import hashlib
import json
import random
import time
from dataclasses import dataclass, field
from datetime import timedelta
from math import prod
from zoneinfo import ZoneInfo

import click
from flask import current_app
from sqlalchemy import JSON, bindparam, func, insert, select, text
from werkzeug.security import generate_password_hash

from .competencies.needs_generate import KIND_BY_POSITION, _dictionary, _kinds_and_standards
from .extensions import db
from .learn.services import current_year
from .models import (
    AssessorRole,
    Assignment,
    AssignmentPerson,
    Attempt,
    AttemptAnswer,
    Certificate,
    CompetencyAssessment,
    CompetencyAssessmentItem,
    Completion,
    Course,
    CourseCompetency,
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
from .models.competency import CompetencyLevelEffective
from .timeutil import local_time, utcnow

ROOT_CODE = "GEN"
PASSWORD = "elearn-demo"  # noqa: S105 (the documented demo password, as in demo.py)
EMAIL_DOMAIN = "sintetis.go.id"
LESSONS_PER_COURSE = 4
BATCH = 5000
CHUNK = 1000  # people made in memory, then written, at a time
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
    answers: int = 0
    completions: int = 0
    certificates: int = 0
    assignments: int = 0
    extra: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)  # phase -> seconds


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


class _Sink:
    """Rows (tuples) to the database, table by table in the order declared (parents first):
    COPY on PostgreSQL, executemany in batches elsewhere, in the session's transaction.
    Columns a table has but a declaration leaves out get their Python default, once."""

    def __init__(self):
        self.connection = db.session.connection()
        self.pg = self.connection.dialect.name == "postgresql"
        self.specs = {}  # table name -> (table, columns, constants)
        self.rows = {}
        self.written = {}
        self.seconds = {}  # table name -> seconds spent writing it

    def json(self, value):
        """A value for a JSON column: text for COPY, the object for SQLAlchemy."""
        return json.dumps(value) if self.pg else value

    def declare(self, model, *columns):
        """Declare a table and its columns; returns the function adding one row (a tuple)."""
        table = model if hasattr(model, "c") else model.__table__
        constants = {}
        for column in table.c:
            default = column.default
            if column.name in columns or default is None or default.is_clause_element:
                continue
            value = default.arg(None) if default.is_callable else default.arg
            if isinstance(column.type, JSON):
                value = self.json(value)
            constants[column.name] = value
        self.specs[table.name] = (table, (*columns, *constants), tuple(constants.values()))
        self.rows[table.name] = rows = []
        self.written[table.name] = 0
        self.seconds[table.name] = 0.0
        return rows.append

    def suspend_indexes(self):
        """PostgreSQL: drop the declared tables' secondary indexes, unique and foreign-key
        constraints (primary keys stay), to be rebuilt by restore_indexes: checking a foreign
        key and updating five B-trees per row made COPY 3x slower than loading and rebuilding.
        It is one transaction: a failure rolls the drops back with the rows; a rebuilt unique
        index or foreign key is checked against every row, so nothing unchecked remains.
        The tables are locked meanwhile (this is for instances that are not in production)."""
        if not self.pg:
            return
        self.dropped = list(
            self._execute(
                """SELECT c.conname, pg_get_constraintdef(c.oid), 'constraint'
                 FROM pg_constraint c
                WHERE c.conrelid = %(t)s::regclass AND c.contype IN ('f', 'u')
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f'
                                  AND f.conindid = c.conindid AND c.contype = 'u')
               UNION ALL
               SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), 'index'
                 FROM pg_index i
                WHERE i.indrelid = %(t)s::regclass
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""",
                list(self.specs),
            )
        )
        for table, name, _definition, kind in self.dropped:
            if kind == "constraint":
                self._run(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            else:
                self._run(f"DROP INDEX {name}")

    def restore_indexes(self, echo):
        if not self.pg:
            return
        # Unique constraints and indexes first: the foreign keys' checks read them.
        seconds = {}
        for table, name, definition, kind in sorted(self.dropped, key=lambda d: "FOREIGN" in d[2]):
            started = time.perf_counter()
            if kind == "constraint":
                self._run(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            else:
                self._run(definition)
            seconds[table] = seconds.get(table, 0) + time.perf_counter() - started
        for table, spent in seconds.items():
            n = sum(1 for d in self.dropped if d[0] == table)
            echo(f"  {table}: {n} indexes and constraints rebuilt in {spent:.1f} s")

    def _execute(self, sql, tables):
        cursor = self.connection.connection.driver_connection.cursor()
        with cursor:
            for table in tables:
                cursor.execute(sql, {"t": table})
                yield from ((table, *row) for row in cursor.fetchall())

    def _run(self, sql):
        cursor = self.connection.connection.driver_connection.cursor()
        with cursor:
            cursor.execute(sql)

    def flush(self):
        for name, (table, columns, constants) in self.specs.items():
            rows = self.rows[name]
            if not rows:
                continue
            started = time.perf_counter()
            if constants:
                rows[:] = [row + constants for row in rows]
            if self.pg:
                cursor = self.connection.connection.driver_connection.cursor()
                statement = f"COPY {name} ({', '.join(columns)}) FROM STDIN"
                with cursor, cursor.copy(statement) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                for start in range(0, len(rows), BATCH):
                    self.connection.execute(
                        insert(table),
                        [dict(zip(columns, r, strict=True)) for r in rows[start : start + BATCH]],
                    )
            self.written[name] += len(rows)
            self.seconds[name] += time.perf_counter() - started
            rows.clear()


class _Progress:
    """One line per phase (and per few hundred thousand rows of the long one), with rows/s."""

    def __init__(self, echo, out):
        self.echo = echo or (lambda _line: None)
        self.out = out
        self.phase, self.started = None, 0.0

    def start(self, phase):
        self.phase, self.started = phase, time.perf_counter()

    def line(self, rows, detail=""):
        seconds = time.perf_counter() - self.started
        rate = rows / seconds if seconds > 0 else 0
        self.echo(f"{self.phase}: {detail}{rows:,} rows in {seconds:.1f} s ({rate:,.0f} rows/s)")

    def done(self, rows):
        self.line(rows)
        self.out.seconds[self.phase] = round(time.perf_counter() - self.started, 2)


class _Stride:
    """Distinct values of a mixed-radix space, in a scrambled order: the k-th value is the
    digits of (start + k * step) mod size, step prime to the size, so no two are equal and none
    needs to be remembered."""

    def __init__(self, rng, radix, step):
        self.radix, self.size = radix, prod(radix)
        self.step = step
        self.value = rng.randrange(self.size)

    def take(self):
        self.value = (self.value + self.step) % self.size
        v, digits = self.value, []
        for r in self.radix:
            v, d = divmod(v, r)
            digits.append(d)
        return digits


class _Nips(_Stride):
    """PNS NIPs with a plausible structure (birth date, TMT, gender, serial), never repeated,
    skipping those already in the database."""

    TMT_MONTHS = (1, 3, 4, 12)

    def __init__(self, rng, taken):
        # serial, gender, TMT month, years from birth to TMT, day, month, birth year
        super().__init__(rng, (999, 2, 4, 9, 28, 12, 35), step=1_000_003)
        self.taken = taken

    def take(self):
        while True:
            serial, gender, tmt, after, day, month, year = super().take()
            year += 1965
            nip = (
                f"{year}{month + 1:02d}{day + 1:02d}{year + 22 + after}"
                f"{self.TMT_MONTHS[tmt]:02d}{gender + 1}{serial + 1:03d}"
            )
            if nip not in self.taken:
                return nip


class _CertificateNumbers(_Stride):
    """Certificate numbers (PREFIX-YYYY-XXXX-XXXX-XXXX), never repeated."""

    def __init__(self, rng, prefix, taken):
        super().__init__(rng, (len(CERT_ALPHABET),) * 12, step=1_000_000_007)
        self.prefix, self.taken = prefix, taken

    def take(self, year):
        while True:
            s = "".join(CERT_ALPHABET[d] for d in super().take())
            number = f"{self.prefix}-{year:04d}-{s[:4]}-{s[4:8]}-{s[8:]}"
            if number not in self.taken:
                return number


def generate_agency(
    people=10_000, units=200, courses=30, seed=1, per_person=20, now=None, echo=None, chunk=CHUNK
):
    """Create the synthetic agency in the current database (the caller commits); `echo`
    receives a progress line per phase.

    Raises ValueError when it is already there or the sizes make no sense."""
    if people < 1 or units < 2 or courses < 1:
        raise ValueError("need at least 1 person, 2 units and 1 course")
    if db.session.scalar(select(Unit.id).where(Unit.code == ROOT_CODE)) is not None:
        raise ValueError("the synthetic agency is already there")
    rng = random.Random(seed)  # noqa: S311 (synthetic data, repeatable by seed)
    now = now or utcnow()
    out = Generated()
    progress = _Progress(echo, out)
    models = (
        Unit, User, Course, CourseVersion, Module, Lesson, Quiz, Question, Enrollment, Attempt,
        AttemptAnswer, Completion, Certificate, Assignment, CompetencyAssessment,
    )  # fmt: skip
    ids = _Ids(*models)

    progress.start("units")
    unit_rows, opds = _units(rng, ids, units)
    out.units = len(unit_rows)
    progress.done(len(unit_rows))

    progress.start("courses")
    catalog = _courses(rng, ids, courses, now)
    out.courses = len(catalog)
    competencies = _dictionary()
    standards = _kinds_and_standards(competencies)
    _bulk(
        CourseCompetency,
        [{"version_id": c["version_id"], "competency_id": competencies[i % len(competencies)][0],
          "level": rng.randint(1, 5), "position": 0} for i, c in enumerate(catalog)],
    )  # fmt: skip
    progress.done(len(catalog) * (6 + LESSONS_PER_COURSE))

    progress.start("people and their records")
    sink = _Sink()
    written = _people(
        sink, rng, ids, now, people, unit_rows, opds, catalog, per_person, standards, out,
        progress, chunk,
    )  # fmt: skip
    progress.done(written)

    if sink.pg:
        progress.start("indexes and constraints")
        sink.restore_indexes(progress.echo)
        progress.done(written)

    progress.start("sequences and statistics")
    _move_sequences(models)
    if db.session.get_bind().dialect.name == "postgresql":
        # Fresh statistics, so that the first queries on the new data get good plans.
        for model in (*models, UserRole, AssignmentPerson, CompetencyAssessmentItem,
                      CompetencyLevelEffective):  # fmt: skip
            db.session.execute(text(f"ANALYZE {model.__table__.name}"))
        db.session.execute(text(f"ANALYZE {supervised_units.name}"))
    db.session.flush()
    progress.done(0)
    return out


def _units(rng, ids, units):
    """The agency, its OPDs, then bidang/seksi under them. The first OPD is about a fifth of
    the agency, so that one supervisor has a large team."""
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
    return unit_rows, opds


def _courses(rng, ids, courses, now):
    """One module of a few lessons and a final exam of two questions per course."""
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
        question_ids = []
        for q in (1, 2):
            question_ids.append(ids.take(Question))
            question_rows.append(
                {"id": question_ids[-1], "quiz_id": qid, "key": f"soal-{q}", "position": q,
                 "type": "single", "points": 1, "prompt_html": f"<p>Soal {q}?</p>",
                 "options": [{"key": "a", "html": "Benar", "correct": True},
                             {"key": "b", "html": "Salah", "correct": False}],
                 "answer": {}, "explanation_html": ""}
            )  # fmt: skip
        catalog.append({"id": cid, "version_id": vid, "quiz_id": qid, "jp": jp,
                        "title": f"{title} (Sintetis)", "questions": question_ids})  # fmt: skip
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
    return catalog


def _people(sink, rng, ids, now, people, unit_rows, opds, catalog, per_person, standards, out,
            progress, chunk):  # fmt: skip
    """The people, streamed `chunk` at a time with everything they did: roles, supervision,
    assignments, enrolments, attempts and answers, completions and certificates, competency
    assessments and the levels that count. Returns the number of rows written."""
    cfg = current_app.config
    j = sink.json
    add_user = sink.declare(
        User, "id", "nip", "full_name", "email", "password_hash", "employee_type", "unit_id",
        "position", "position_kind", "grade", "supervisor_id", "active", "session_version",
        "created_at",
    )  # fmt: skip
    add_role = sink.declare(UserRole, "user_id", "role")
    add_supervised = sink.declare(supervised_units, "user_id", "unit_id")
    add_assignment = sink.declare(
        Assignment, "id", "course_id", "unit_id", "user_id", "due_date",
        "include_future_members", "assigned_by_id", "created_at",
    )  # fmt: skip
    add_reached = sink.declare(AssignmentPerson, "assignment_id", "user_id", "added_at")
    add_enrolment = sink.declare(
        Enrollment, "id", "user_id", "course_id", "version_id", "source", "enrolled_at",
        "last_item_key", "last_activity_at", "progress_percent", "completed_at",
    )  # fmt: skip
    add_attempt = sink.declare(
        Attempt, "id", "user_id", "course_id", "quiz_id", "quiz_key", "role", "number",
        "started_at", "deadline_at", "submitted_at", "question_ids", "option_order",
        "saved_answers", "saved_at", "score_points", "max_points", "score_percent", "passed",
        "late",
    )  # fmt: skip
    add_answer = sink.declare(
        AttemptAnswer, "id", "attempt_id", "question_id", "response", "points", "max_points",
        "correct",
    )  # fmt: skip
    add_completion = sink.declare(
        Completion, "id", "user_id", "course_id", "version_id", "completed_at", "final_score",
        "jp",
    )  # fmt: skip
    add_certificate = sink.declare(
        Certificate, "id", "number", "completion_id", "user_id", "course_id", "version_id",
        "full_name", "nip", "course_title", "version_number", "version_label", "jp",
        "jp_minutes", "completed_at", "final_score", "institution", "signatory_name",
        "signatory_title", "signatory_nip", "issued_at", "revoked_reason",
    )  # fmt: skip
    add_assessment = sink.declare(
        CompetencyAssessment, "id", "user_id", "period", "role", "assessor_id", "revision",
        "created_at", "updated_at",
    )  # fmt: skip
    add_item = sink.declare(
        CompetencyAssessmentItem, "assessment_id", "competency_id", "level", "note", "indicator"
    )
    add_level = sink.declare(
        CompetencyLevelEffective, "user_id", "period", "competency_id", "level", "role"
    )

    sink.suspend_indexes()
    password_hash = generate_password_hash(PASSWORD, method=cfg["PASSWORD_HASH_METHOD"])
    nips = _Nips(rng, set(db.session.scalars(select(User.nip).where(User.nip.is_not(None)))))
    numbers = _CertificateNumbers(
        rng, cfg["CERTIFICATE_NUMBER_PREFIX"], set(db.session.scalars(select(Certificate.number)))
    )
    institution, jp_minutes = cfg["INSTANCE_NAME"], cfg["JP_MINUTES"]
    zone = ZoneInfo(cfg["TIMEZONE"])
    member_units = unit_rows[1:]
    opd_of = {row["id"]: int(row["path"].strip("/").split("/")[1]) for row in member_units}
    first_user = ids.next[User.__table__.name]
    # The first person of each OPD heads and supervises it (ids are known before any row).
    heads = {opd["id"]: first_user + n for n, opd in enumerate(opds[:people])}

    # Assignments: a few courses per OPD, due from two months ago to two months ahead.
    day = local_time(now).date()
    assigned = {}  # OPD id -> [(assignment id, course index, due)]
    for opd in opds:
        for ci in rng.sample(range(len(catalog)), min(3, len(catalog))):
            aid = ids.take(Assignment)
            due = day + timedelta(days=rng.randint(-60, 60))
            add_assignment(
                (aid, catalog[ci]["id"], opd["id"], None, due, rng.random() < 0.5,
                 heads.get(opd["id"]), now - timedelta(days=90))
            )  # fmt: skip
            assigned.setdefault(opd["id"], []).append((aid, ci, due))
    out.assignments = sum(len(a) for a in assigned.values())

    # What a course's attempts and answers look like, made once.
    for course in catalog:
        course["question_ids"] = j(course["questions"])
    empty_dict = j({})
    right, wrong = j(["a"]), j(["b"])
    kinds = {}  # position -> position kind (first matching word, else pelaksana)
    for position in {*POSITIONS, *(f"Kepala {u['name']}" for u in opds)}:
        kinds[position] = next(
            (code for word, code in KIND_BY_POSITION if word in position), "pelaksana"
        )
    this_year = current_year(now)
    per_person = max(0, min(per_person, len(catalog)))
    n_courses = len(catalog)
    course_range = range(n_courses)
    day_s = timedelta(days=1)
    random_ = rng.random
    supervisors = 0

    def attempt(user_id, course, at, score, passed):
        attempt_id = ids.take(Attempt)
        add_attempt(
            (attempt_id, user_id, course["id"], course["quiz_id"], "final", "final", 1,
             at - timedelta(minutes=15), None, at, course["question_ids"], empty_dict,
             empty_dict, at, score * 2 / 100, 2, score, passed, False)
        )  # fmt: skip
        first, second = course["questions"]
        good_second = passed or random_() < 0.3
        add_answer((ids.take(AttemptAnswer), attempt_id, first, right, 1, 1, True))
        add_answer(
            (ids.take(AttemptAnswer), attempt_id, second, right if good_second else wrong,
             1 if good_second else 0, 1, good_second)
        )  # fmt: skip

    for n in range(people):
        uid = ids.take(User)
        unit = opds[n] if n < len(opds) else rng.choice(member_units)
        unit_id = unit["id"]
        opd_id = opd_of[unit_id]
        nip = nips.take()
        full_name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {n + 1}"
        is_head = n < len(opds)
        position = f"Kepala {unit['name']}" if is_head else rng.choice(POSITIONS)
        supervisor_id = None if is_head else heads.get(opd_id)
        add_user(
            (uid, nip, full_name, f"gen{n + 1:05d}@{EMAIL_DOMAIN}", password_hash, "pns",
             unit_id, position, kinds[position], "IV/b" if is_head else rng.choice(GRADES),
             supervisor_id, True, 1, now)
        )  # fmt: skip
        add_role((uid, "learner"))
        mine = {}
        if is_head:
            supervisors += 1
            add_role((uid, "supervisor"))
            add_supervised((uid, unit_id))
        else:
            for aid, ci, due in assigned.get(opd_id, ()):
                add_reached((aid, uid, now))
                mine[ci] = due

        # Enrolments, attempts, completions and certificates.
        k = max(0, min(n_courses, int(rng.gauss(per_person, 3))))
        for ci in sorted(set(mine).union(rng.sample(course_range, k))):
            course = catalog[ci]
            roll = random_()
            enrolled_at = now - timedelta(
                days=30 + int(random_() * 571), minutes=int(random_() * 1441)
            )
            eid = ids.take(Enrollment)
            source = "assigned" if ci in mine else "self"
            if roll < 0.45:  # completed
                done_at = min(now, enrolled_at + day_s * (1 + int(random_() * 60)))
                score = 70 + int(random_() * 31)
                completion_id = ids.take(Completion)
                add_enrolment(
                    (eid, uid, course["id"], course["version_id"], source, enrolled_at, "final",
                     done_at, 100, done_at)
                )  # fmt: skip
                add_completion(
                    (completion_id, uid, course["id"], course["version_id"], done_at, score,
                     course["jp"])
                )  # fmt: skip
                attempt(uid, course, done_at, score, True)
                add_certificate(
                    (ids.take(Certificate), numbers.take(done_at.astimezone(zone).year),
                     completion_id, uid, course["id"], course["version_id"], full_name, nip,
                     course["title"], 1, "1.0", course["jp"], jp_minutes, done_at, score,
                     institution, "", "", "", done_at, "")
                )  # fmt: skip
            elif roll < 0.75:  # in progress
                last = min(now, enrolled_at + day_s * int(random_() * 31))
                add_enrolment(
                    (eid, uid, course["id"], course["version_id"], source, enrolled_at,
                     f"modul-1/pelajaran-{1 + int(random_() * 4)}", last,
                     20 * (1 + int(random_() * 4)), None)
                )  # fmt: skip
                if random_() < 0.3:
                    attempt(uid, course, last, 20 + int(random_() * 46), False)
            else:
                add_enrolment(
                    (eid, uid, course["id"], course["version_id"], source, enrolled_at, None,
                     None, 0, None)
                )  # fmt: skip

        # Self and supervisor assessments, this year and the last; the supervisor's counts.
        required = standards.get(kinds[position], ())
        for year, drift in ((this_year - 1, -1), (this_year, 0)):
            if not required:
                break
            own = [
                (cid, max(1, min(5, need + rng.randint(-2, 1) + drift))) for cid, need in required
            ]
            aid = ids.take(CompetencyAssessment)
            add_assessment((aid, uid, year, AssessorRole.SELF, uid, 1, now, now))
            for cid, level in own:
                add_item((aid, cid, level, "", ""))
            if supervisor_id and random_() < 0.8:
                aid = ids.take(CompetencyAssessment)
                add_assessment(
                    (aid, uid, year, AssessorRole.SUPERVISOR, supervisor_id, 1, now, now)
                )
                for cid, level in own:
                    level = max(1, min(5, level + rng.choice((-1, 0, 0, 0))))
                    add_item((aid, cid, level, "", ""))
                    add_level((uid, year, cid, level, AssessorRole.SUPERVISOR))
            else:
                for cid, level in own:
                    add_level((uid, year, cid, level, AssessorRole.SELF))

        if (n + 1) % chunk == 0 or n + 1 == people:
            sink.flush()
            if (n + 1) % (chunk * 50) == 0:
                total = sum(sink.written.values())
                progress.line(total, f"{n + 1:,} of {people:,} people, ")

    for name, rows in sink.written.items():
        seconds = sink.seconds[name]
        progress.echo(
            f"  {name}: {rows:,} rows written in {seconds:.1f} s "
            f"({rows / seconds if seconds else 0:,.0f} rows/s)"
        )
    w = sink.written
    out.people, out.supervisors = w["users"], supervisors
    out.enrollments, out.attempts, out.answers = (
        w["enrollments"], w["attempts"], w["attempt_answers"]
    )  # fmt: skip
    out.completions, out.certificates = w["completions"], w["certificates"]
    out.extra.update(
        {"assessments": w["competency_assessments"],
         "assessment items": w["competency_assessment_items"]}
    )  # fmt: skip
    return sum(w.values())


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
        out = generate_agency(people, units, courses, seed, per_person, echo=click.echo)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    started = time.perf_counter()
    db.session.commit()
    click.echo(f"commit: {time.perf_counter() - started:.1f} s")
    click.echo(
        f"synthetic agency: {out.units} units, {out.people} people ({out.supervisors} "
        f"supervisors), {out.courses} courses, {out.enrollments} enrolments, {out.attempts} "
        f"attempts, {out.answers} answers, {out.completions} completions, {out.certificates} "
        f"certificates, {out.assignments} assignments, "
        + "".join(f"{n} {name}, " for name, n in out.extra.items())
        + f"(password: {PASSWORD})"
    )
