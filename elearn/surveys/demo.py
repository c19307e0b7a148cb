"""Survey answers for the demo agency (`flask demo seed`), so the survey reports of the
shipped courses are not empty after `make run`. Never in production (the caller checks)."""

from datetime import timedelta

from sqlalchemy import select

from ..demo import EMAIL_DOMAIN
from ..extensions import db
from ..models import (
    Completion,
    Course,
    InvitationState,
    SurveyAnswer,
    SurveyAudience,
    SurveyInvitation,
    SurveyLevel,
    SurveyResponse,
    User,
)
from ..supervision.services import today
from ..timeutil import utcnow
from .instruments import default_version

# course slug: [(learner key, scores of material, relevance, instructor, method, platform,
# overall, "good" comment, "improve" comment)]
REACTIONS = {
    "komunikasi-pelayanan-publik": [
        ("agus", (5, 5, 4, 4, 4, 5), "Contoh kasus pengaduan masyarakat sangat nyata.", ""),
        (
            "yusuf",
            (4, 5, 4, 4, 3, 4),
            "Teknik menanggapi keluhan bisa langsung dipakai di loket.",
            "Video kadang lambat dibuka dari kantor.",
        ),
        ("fitri", (4, 4, 5, 4, 4, 4), "", "Tambahkan latihan menulis balasan surat."),
        ("joko", (3, 4, 3, 3, 3, 3), "Bahasa materi mudah dipahami.", "Kuis terlalu sedikit."),
        ("rudi", (5, 4, 4, 5, 4, 5), "Bagian komunikasi krisis sangat bermanfaat.", ""),
        ("nuraini", (4, 4, 4, 3, 2, 4), "", "Aplikasi sering keluar sendiri di ponsel saya."),
        (
            "maria",
            (4, 3, 4, 4, 4, 4),
            "Ringkas dan runtut.",
            "Perlu contoh dari pemerintah daerah lain.",
        ),
    ],
    "literasi-digital-asn": [
        ("dewi", (4, 5, 4, 4, 4, 4), "Materi keamanan kata sandi sangat penting.", ""),
        ("lina", (5, 5, 5, 4, 4, 5), "Praktik mengenali surel phishing membuka mata.", ""),
        ("agus", (3, 3, 4, 3, 4, 3), "", "Sebagian materi terlalu dasar bagi pranata komputer."),
        (
            "wahyu",
            (4, 4, 4, 4, 3, 4),
            "Panduan berbagi berkas dengan aman.",
            "Perbarui tangkapan layar aplikasi.",
        ),
        ("bayu", (4, 5, 3, 4, 4, 4), "", ""),
        ("putri", (5, 4, 4, 5, 5, 5), "Cocok untuk pegawai baru.", ""),
        (
            "rudi",
            (4, 4, 4, 3, 3, 4),
            "Materi hoaks relevan dengan tugas humas.",
            "Tambahkan studi kasus media sosial.",
        ),
    ],
    "manajemen-proyek-pemerintah": [
        (
            "maria",
            (4, 4, 4, 3, 2, 4),
            "Template rencana proyek langsung saya pakai.",
            "Berkas unduhan sulit dibuka di komputer kantor.",
        ),
        ("wahyu", (3, 4, 3, 3, 2, 3), "", "Halaman lambat dimuat lewat jaringan intranet."),
        ("bayu", (4, 5, 4, 4, 3, 4), "Bagian pengelolaan risiko sangat jelas.", ""),
        ("putri", (3, 3, 4, 3, 2, 3), "", "Terlalu banyak teks, kurang gambar."),
        ("budi", (5, 4, 5, 4, 3, 4), "Contoh jadwal proyek pengadaan bermanfaat.", ""),
        ("yusuf", (4, 4, 3, 3, 2, 3), "", "Aplikasi perlu dioptimalkan untuk ponsel."),
    ],
}
REACTION_CODES = ("material", "relevance", "instructor", "method", "platform", "overall")

# course slug: [(learner key, supervisor key, learner's applied 1-4, frequency index, example,
# supervisor's applied 1-4, frequency index, performance 1-4, example)]
FOLLOWUPS = {
    "komunikasi-pelayanan-publik": [
        (
            "agus",
            "hendra",
            4,
            2,
            "Saya menyusun template jawaban pengaduan untuk kanal WhatsApp dinas.",
            3,
            2,
            3,
            "Balasan pengaduan kini lebih cepat dan sopan.",
        ),
        (
            "yusuf",
            "siti",
            3,
            3,
            "Menerapkan teknik mendengar aktif di loket pendaftaran.",
            4,
            3,
            4,
            "Keluhan di loket berkurang bulan ini.",
        ),
        ("fitri", "siti", 2, 1, "", 2, 1, 2, ""),
    ],
    "literasi-digital-asn": [
        (
            "dewi",
            "hendra",
            3,
            2,
            "Mengaktifkan verifikasi dua langkah pada akun kantor.",
            3,
            2,
            3,
            "Tim lebih waspada terhadap surel mencurigakan.",
        ),
        (
            "lina",
            "hendra",
            4,
            3,
            "Membuat panduan singkat berbagi dokumen aman untuk bidang.",
            4,
            3,
            4,
            "",
        ),
    ],
}


def seed_survey_answers(now=None):
    """Answers on the shipped courses by demo people, once (the invitations' unique key makes
    a second run add nothing). Returns how many answer sets were added."""
    now = now or utcnow()
    day = today(now)
    courses = {
        c.slug: c
        for c in db.session.scalars(select(Course).where(Course.slug.in_(REACTIONS)))
        if c.current_version_id is not None
    }
    people = {
        u.email.split("@")[0]: u
        for u in db.session.scalars(select(User).where(User.email.endswith("@" + EMAIL_DOMAIN)))
    }
    reaction = default_version(SurveyLevel.REACTION, SurveyAudience.LEARNER)
    behaviour = {
        a: default_version(SurveyLevel.BEHAVIOUR, a)
        for a in (SurveyAudience.LEARNER, SurveyAudience.SUPERVISOR)
    }
    if not courses or not people or reaction is None:
        return 0
    added = 0
    for slug, rows in REACTIONS.items():
        course = courses.get(slug)
        if course is None:
            continue
        for n, (key, scores, good, improve) in enumerate(rows):
            learner = people.get(key)
            if learner is None:
                continue
            answers = dict(zip(REACTION_CODES, scores, strict=True))
            texts = {"good": good, "improve": improve}
            when = day - timedelta(days=3 + 5 * n)
            added += _answer(course, learner, learner, reaction, 1, answers, texts, when, now)
    for slug, rows in FOLLOWUPS.items():
        course = courses.get(slug)
        if course is None:
            continue
        for n, (key, boss, applied, freq, example, s_applied, s_freq, perf, s_example) in enumerate(
            rows
        ):
            learner, supervisor = people.get(key), people.get(boss)
            if learner is None or supervisor is None:
                continue
            when = day - timedelta(days=2 + 4 * n)
            version = behaviour[SurveyAudience.LEARNER]
            if version is not None:
                added += _answer(
                    course, learner, learner, version, 3,
                    {"applied": applied, "frequency": freq, "support": min(4, applied + 1)},
                    {"example": example}, when, now,
                    choices={"barriers": [0] if applied < 3 else [4]},
                )  # fmt: skip
            version = behaviour[SurveyAudience.SUPERVISOR]
            if version is not None:
                added += _answer(
                    course, learner, supervisor, version, 3,
                    {"applied": s_applied, "frequency": s_freq, "performance": perf},
                    {"example": s_example}, when, now,
                )  # fmt: skip
    db.session.flush()
    return added


def _answer(course, learner, respondent, version, level, scores, texts, day, now, choices=None):
    audience = version.instrument.audience
    invitation = db.session.scalar(
        select(SurveyInvitation).where(
            SurveyInvitation.course_id == course.id,
            SurveyInvitation.subject_id == learner.id,
            SurveyInvitation.level == level,
            SurveyInvitation.audience == audience,
        )
    )
    if invitation is not None and invitation.state != InvitationState.OPEN:
        return 0
    if invitation is None:
        completion_id = db.session.scalar(
            select(Completion.id).where(
                Completion.user_id == learner.id, Completion.course_id == course.id
            )
        )
        invitation = SurveyInvitation(
            course_id=course.id,
            version_id=course.current_version_id,
            completion_id=completion_id,
            subject_id=learner.id,
            respondent_id=respondent.id,
            level=level,
            audience=audience,
            instrument_version_id=version.id,
            opens_on=day,
        )
        db.session.add(invitation)
    invitation.state = InvitationState.ANSWERED
    invitation.closed_at = now
    db.session.flush()
    by_code = {q.code: q for q in invitation.instrument_version.questions}
    response = SurveyResponse(
        invitation_id=invitation.id,
        respondent_id=respondent.id,
        subject_id=learner.id,
        course_id=course.id,
        version_id=invitation.version_id,
        instrument_version_id=invitation.instrument_version_id,
        level=level,
        audience=audience,
        unit_id=learner.unit_id,
        anonymous=False,
        submitted_on=day,
        submitted_at=now,
    )
    for code, value in scores.items():
        if code in by_code:
            response.answers.append(SurveyAnswer(question_id=by_code[code].id, choice=value))
    for code, values in (choices or {}).items():
        for value in values if code in by_code else ():
            response.answers.append(SurveyAnswer(question_id=by_code[code].id, choice=value))
    for code, text in texts.items():
        if text and code in by_code:
            response.answers.append(SurveyAnswer(question_id=by_code[code].id, text=text))
    db.session.add(response)
    return 1
