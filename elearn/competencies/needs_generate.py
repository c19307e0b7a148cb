"""Competency data for the synthetic agency of `flask demo generate`: the nine managerial and
socio-cultural competencies and a few technical ones (used from the dictionary when it is
loaded, else created), position kinds and their standards, each generated person's position
kind, and self and supervisor assessments for this year and the previous one. Bulk INSERTs,
as the rest of demo_generate."""

from sqlalchemy import and_, func, insert, select, update

from ..extensions import db
from ..learn.services import current_year
from ..models import (
    AssessorRole,
    Competency,
    CompetencyAssessment,
    CompetencyAssessmentItem,
    CompetencyLevel,
    Course,
    CourseCompetency,
    PositionKind,
    PositionStandard,
    User,
)
from ..models.competency import refresh_effective_levels

# code, name, kind: the dictionary's codes (elearn/competencies/data/kompetensi.csv), so that a
# dictionary loaded later completes these rows instead of adding others.
CORE = [
    ("M.1", "Integritas"), ("M.2", "Kerja Sama"), ("M.3", "Komunikasi"),
    ("M.4", "Orientasi pada Hasil"), ("M.5", "Pelayanan Publik"),
    ("M.6", "Pengembangan Diri dan Orang Lain"), ("M.7", "Mengelola Perubahan"),
    ("M.8", "Pengambilan Keputusan"),
]  # fmt: skip
SOCIAL = ("SK.1", "Perekat Bangsa")
TECHNICAL = [
    ("GEN.T.1", "Analisis Data Sintetis"), ("GEN.T.2", "Tata Naskah Sintetis"),
    ("GEN.T.3", "Pengelolaan Anggaran Sintetis"),
]  # fmt: skip
# position kind code, name, group, order, managerial level (the shipped convention)
KINDS = [
    ("jpt_pratama", "JPT Pratama", "jpt", 3, 4),
    ("administrator", "Administrator", "administrasi", 4, 3),
    ("pengawas", "Pengawas", "administrasi", 5, 2),
    ("pelaksana", "Pelaksana", "administrasi", 6, 1),
    ("fungsional_ahli_madya", "Fungsional Ahli Madya", "fungsional", 8, 3),
    ("fungsional_ahli_muda", "Fungsional Ahli Muda", "fungsional", 9, 2),
    ("fungsional_ahli_pertama", "Fungsional Ahli Pertama", "fungsional", 10, 1),
    ("fungsional_terampil", "Fungsional Terampil", "fungsional", 13, 1),
]
# The kind of a generated person, by a word of their jabatan (first match; else pelaksana).
KIND_BY_POSITION = [
    ("Kepala ", "jpt_pratama"),
    ("Ahli Madya", "fungsional_ahli_madya"),
    ("Ahli Muda", "fungsional_ahli_muda"),
    ("Ahli Pertama", "fungsional_ahli_pertama"),
    ("Terampil", "fungsional_terampil"),
    ("Analis SDM", "pengawas"),
]


def _dictionary():
    """[(competency id, kind)] of the nine core competencies and the technical ones, creating
    what is missing (by code, else by name and kind)."""
    wanted = [(c, n, "manajerial") for c, n in CORE] + [(*SOCIAL, "sosial_kultural")]
    wanted += [(c, n, "teknis") for c, n in TECHNICAL]
    existing = db.session.scalars(select(Competency)).all()
    by_code = {c.code: c for c in existing if c.code}
    by_name = {(c.name.casefold(), c.kind): c for c in existing}
    out = []
    for code, name, kind in wanted:
        comp = by_code.get(code) or by_name.get((name.casefold(), kind))
        if comp is None:
            comp = Competency(code=code, name=name, kind=kind, active=True)
            comp.levels = [
                CompetencyLevel(level=n, indicator=f"{name}: perilaku tingkat {n}")
                for n in range(1, 6)
            ]
            db.session.add(comp)
        out.append((comp, kind))
    db.session.flush()
    return [(c.id, kind) for c, kind in out]


def _kinds_and_standards(competencies):
    have = set(db.session.scalars(select(PositionKind.code)))
    for code, name, group, position, _level in KINDS:
        if code not in have:
            db.session.add(PositionKind(code=code, name=name, group=group, position=position))
    db.session.flush()
    stored = {
        (s.position_kind, s.competency_id)
        for s in db.session.scalars(
            select(PositionStandard).where(PositionStandard.position_kind != "")
        )
    }
    rows = []
    for code, _name, group, _position, level in KINDS:
        for cid, kind in competencies:
            if kind == "teknis" and group != "fungsional":
                continue
            need = level if kind != "teknis" else min(5, level + 1)
            if (code, cid) not in stored:
                rows.append({"position_kind": code, "position_key": "", "position_name": "",
                             "competency_id": cid, "level": need})  # fmt: skip
    if rows:
        db.session.execute(insert(PositionStandard), rows)
    standards = {}
    for kind_code, cid, level in db.session.execute(
        select(
            PositionStandard.position_kind, PositionStandard.competency_id, PositionStandard.level
        ).where(PositionStandard.position_kind != "")
    ):
        standards.setdefault(kind_code, []).append((cid, level))
    return standards


def generate_needs(rng, now, user_rows, email_domain, bulk, move_sequences):
    """Everything above for the generated people (`user_rows` as demo_generate wrote them),
    written with demo_generate's `bulk(model, rows)` and `move_sequences(models)`.
    Returns {"assessments": n, "assessment items": n}."""
    competencies = _dictionary()
    standards = _kinds_and_standards(competencies)
    generated = User.email.endswith("@" + email_domain)
    db.session.execute(update(User).where(generated).values(position_kind="pelaksana"))
    # First match wins: apply in reverse so that earlier words overwrite later ones.
    for word, code in reversed(KIND_BY_POSITION):
        db.session.execute(
            update(User)
            .where(and_(generated, User.position.contains(word)))
            .values(position_kind=code)
        )
    # Each synthetic course trains one competency at a level (evidence and recommendations).
    versions = db.session.scalars(
        select(Course.current_version_id)
        .where(Course.slug.startswith("sintetis-"), Course.current_version_id.is_not(None))
        .order_by(Course.id)
    ).all()
    bulk(
        CourseCompetency,
        [{"version_id": vid, "competency_id": competencies[i % len(competencies)][0],
          "level": rng.randint(1, 5), "position": 0} for i, vid in enumerate(versions)],
    )  # fmt: skip
    kind_of = {}
    for row in user_rows:
        kind_of[row["id"]] = next(
            (code for word, code in KIND_BY_POSITION if word in row["position"]), "pelaksana"
        )
    this_year = current_year(now)
    next_id = max_assessment_id() + 1
    assessments, items = [], []
    for row in user_rows:
        uid = row["id"]
        required = standards.get(kind_of[uid], [])
        if not required:
            continue
        for year, drift in ((this_year - 1, -1), (this_year, 0)):
            own = {cid: max(1, min(5, need + rng.randint(-2, 1) + drift)) for cid, need in required}
            roles = [(AssessorRole.SELF, uid, own)]
            if row["supervisor_id"] and rng.random() < 0.8:
                sup = {
                    cid: max(1, min(5, lv + rng.choice([-1, 0, 0, 0]))) for cid, lv in own.items()
                }
                roles.append((AssessorRole.SUPERVISOR, row["supervisor_id"], sup))
            for role, assessor, levels in roles:
                aid, next_id = next_id, next_id + 1
                assessments.append({"id": aid, "user_id": uid, "period": year, "role": role,
                                    "assessor_id": assessor, "revision": 1, "created_at": now,
                                    "updated_at": now})  # fmt: skip
                items += [{"assessment_id": aid, "competency_id": cid, "level": lv, "note": "",
                           "indicator": ""} for cid, lv in levels.items()]  # fmt: skip
    bulk(CompetencyAssessment, assessments)
    bulk(CompetencyAssessmentItem, items)
    move_sequences([CompetencyAssessment])
    # Bulk INSERTs pass no ORM flush: the derived levels are rebuilt here, in the same transaction.
    refresh_effective_levels(db.session.connection())
    return {"assessments": len(assessments), "assessment items": len(items)}


def max_assessment_id():
    return db.session.scalar(select(func.max(CompetencyAssessment.id))) or 0
