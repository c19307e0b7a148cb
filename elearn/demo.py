"""Demo agency: units and accounts for trying the product (never in production)."""

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from .extensions import db
from .models import Role, Unit, User

DEMO_PASSWORD = "elearn-demo"

# code, name, parent code
UNITS = [
    ("SKM", "Pemerintah Kabupaten Sukamaju", None),
    ("SETDA", "Sekretariat Daerah", "SKM"),
    ("SETDA-ORG", "Bagian Organisasi", "SETDA"),
    ("SETDA-UMUM", "Bagian Umum", "SETDA"),
    ("BKPSDM", "Badan Kepegawaian dan Pengembangan SDM", "SKM"),
    ("BKPSDM-PK", "Bidang Pengembangan Kompetensi", "BKPSDM"),
    ("DISKOMINFO", "Dinas Komunikasi dan Informatika", "SKM"),
    ("DISKOMINFO-APTIKA", "Bidang Aplikasi Informatika", "DISKOMINFO"),
    ("DISKOMINFO-IKP", "Bidang Informasi dan Komunikasi Publik", "DISKOMINFO"),
    ("DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", "SKM"),
    ("DISDUKCAPIL-PD", "Bidang Pelayanan Pendaftaran Penduduk", "DISDUKCAPIL"),
]

# nip, name, email user part, unit, position, grade, roles
PEOPLE = [
    ("198502142010011001", "Andi Pratama, S.Kom.", "admin", "BKPSDM", "Pranata Komputer Ahli Muda", "III/c", ["admin", "learner"]),
    ("197808232003122002", "Dr. Ratna Sari Dewi, M.Si.", "ratna", "BKPSDM-PK", "Widyaiswara Ahli Madya", "IV/b", ["instructor", "learner"]),
    ("198111052006041003", "Budi Santoso, S.T., M.T.", "budi", "DISKOMINFO-APTIKA", "Pranata Komputer Ahli Madya", "IV/a", ["instructor", "learner"]),
    ("197503122000031004", "Ir. Hendra Wijaya, M.M.", "hendra", "DISKOMINFO", "Kepala Dinas Komunikasi dan Informatika", "IV/c", ["supervisor", "learner"]),
    ("197906302005012005", "Siti Nurhaliza, S.Sos., M.AP.", "siti", "DISDUKCAPIL", "Kepala Dinas Kependudukan dan Pencatatan Sipil", "IV/b", ["supervisor", "learner"]),
    ("199001152015031001", "Agus Setiawan, S.Kom.", "agus", "DISKOMINFO-APTIKA", "Pranata Komputer Ahli Pertama", "III/b", ["learner"]),
    ("199203282019022002", "Dewi Lestari, A.Md.", "dewi", "DISKOMINFO-APTIKA", "Pranata Komputer Terampil", "II/d", ["learner"]),
    ("198807092014061001", "Rudi Hartono, S.I.Kom.", "rudi", "DISKOMINFO-IKP", "Pranata Humas Ahli Muda", "III/c", ["learner"]),
    ("199509172020122003", "Nur Aini, S.Sos.", "nuraini", "DISKOMINFO-IKP", "Pranata Humas Ahli Pertama", "III/a", ["learner"]),
    ("198612012011011002", "Yusuf Maulana, S.H.", "yusuf", "DISDUKCAPIL-PD", "Administrator Database Kependudukan", "III/b", ["learner"]),
    ("199311242019032001", "Fitri Handayani, S.E.", "fitri", "DISDUKCAPIL-PD", "Pengadministrasi Kependudukan", "III/a", ["learner"]),
    ("198404182009021003", "Joko Susilo", "joko", "DISDUKCAPIL", "Pengelola Layanan Operasional", "II/c", ["learner"]),
    ("199102062016082002", "Maria Ulfa, S.AP.", "maria", "SETDA-ORG", "Analis Kebijakan Ahli Pertama", "III/b", ["learner"]),
    ("198908312014031002", "Bayu Aji Nugroho, S.E.", "bayu", "SETDA-UMUM", "Analis Keuangan", "III/a", ["learner"]),
    ("199406122022032001", "Putri Ayu Wulandari, S.Psi.", "putri", "BKPSDM-PK", "Analis SDM Aparatur Ahli Pertama", "III/a", ["learner"]),
    ("198703252012121001", "Wahyu Hidayat, S.Kom.", "wahyu", "SETDA-ORG", "Analis Sistem Informasi", "III/b", ["learner"]),
    ("199712052023212001", "Lina Marlina, S.Kom.", "lina", "DISKOMINFO-APTIKA", "Pranata Komputer Ahli Pertama (PPPK)", "IX", ["learner"]),
]  # fmt: skip

SUPERVISES = {"hendra": ["DISKOMINFO"], "siti": ["DISDUKCAPIL"]}
EMAIL_DOMAIN = "sukamaju.go.id"


def seed():
    """Create the demo agency once; return the number of accounts created (0 if present)."""
    if db.session.scalar(select(Unit).where(Unit.code == "SKM")) is not None:
        return 0
    units = {}
    for code, name, parent in UNITS:
        unit = Unit(code=code, name=name)
        unit.set_parent(units[parent] if parent else None)
        units[code] = unit
    users = {}
    for nip, name, key, unit, position, grade, roles in PEOPLE:
        user = User(
            nip=nip,
            full_name=name,
            email=f"{key}@{EMAIL_DOMAIN}",
            unit=units[unit],
            position=position,
            grade=grade,
            employee_type="pppk" if grade.isalpha() else "pns",
        )
        user.roles = [Role(r) for r in roles]
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        users[key] = user
    for key, codes in SUPERVISES.items():
        users[key].supervised = [units[c] for c in codes]
    # Direct reports outside the supervised units: a supervisor may also have those.
    users["maria"].supervisor = users["hendra"]
    db.session.flush()
    return len(users)


# Activity, once the shipped courses are imported ------------------------------------------------
DEMO_OWNERS = {
    "literasi-digital-asn": "budi",
    "manajemen-proyek-pemerintah": "ratna",
    "komunikasi-pelayanan-publik": "ratna",
}


def seed_activity(now=None):
    """Owners, assignments and some progress on the shipped courses, so that every demo role
    has something to look at. Once only; returns False when skipped."""
    from .learn.completion import evaluate
    from .models import Assignment, Attempt, Course, Enrollment, LessonProgress, QuizRole
    from .supervision.assignments import create_assignments
    from .timeutil import utcnow

    now = now or utcnow()
    courses = {
        c.slug: c
        for c in db.session.scalars(select(Course).where(Course.slug.in_(DEMO_OWNERS)))
        if c.current_version is not None
    }
    if len(courses) < len(DEMO_OWNERS) or db.session.scalar(select(Assignment.id).limit(1)):
        return False
    people = {
        u.email.split("@")[0]: u
        for u in db.session.scalars(select(User).where(User.email.endswith("@" + EMAIL_DOMAIN)))
    }
    units = {u.code: u for u in db.session.scalars(select(Unit))}
    for slug, owner in DEMO_OWNERS.items():
        if people[owner] not in courses[slug].owners:
            courses[slug].owners.append(people[owner])

    today = now.date()
    create_assignments(
        people["hendra"], courses["literasi-digital-asn"].id, [units["DISKOMINFO"].id], "",
        today + timedelta(days=14), True, now=now,
    )  # fmt: skip
    create_assignments(
        people["siti"], courses["komunikasi-pelayanan-publik"].id, [units["DISDUKCAPIL"].id], "",
        today + timedelta(days=7), True, now=now,
    )  # fmt: skip

    def study(key, slug, lessons=None, pass_quizzes=False):
        """Mark lessons done (all, or the first `lessons`) and pass the required quizzes."""
        user, course = people[key], courses[slug]
        version = course.current_version
        enrollment = db.session.scalar(
            select(Enrollment).where(
                Enrollment.user_id == user.id, Enrollment.course_id == course.id
            )
        )
        if enrollment is None:
            enrollment = Enrollment(user=user, course=course, version=version, enrolled_at=now)
            db.session.add(enrollment)
        done = version.lessons[: lessons or None]
        for lesson in done:
            db.session.add(
                LessonProgress(
                    user_id=user.id, course_id=course.id, lesson_key=lesson.key,
                    first_viewed_at=now, completed_at=now,
                )
            )  # fmt: skip
        if pass_quizzes:
            for quiz in version.quizzes:
                if quiz.role == QuizRole.PRETEST or not quiz.required:
                    continue
                db.session.add(
                    Attempt(
                        user_id=user.id, course_id=course.id, quiz_id=quiz.id,
                        quiz_key=quiz.key, role=quiz.role, number=1, started_at=now,
                        submitted_at=now, score_percent=Decimal("88"), score_points=Decimal("88"),
                        max_points=Decimal("100"), passed=True,
                    )
                )  # fmt: skip
        if done:
            enrollment.last_item_key = done[-1].key
            enrollment.last_activity_at = now
        db.session.flush()
        evaluate(enrollment)

    study("agus", "komunikasi-pelayanan-publik", pass_quizzes=True)  # completed: a certificate
    study("dewi", "literasi-digital-asn", lessons=4)
    study("yusuf", "komunikasi-pelayanan-publik", lessons=6)
    study("maria", "manajemen-proyek-pemerintah", lessons=2)
    db.session.flush()
    from .surveys.demo import seed_survey_answers

    seed_survey_answers(now)  # reaction and follow-up answers, so survey reports show data
    return True
