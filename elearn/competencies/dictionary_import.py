"""Import of the competency dictionary and of the position standards from CSV or XLSX.

The browser page, `flask competencies import|import-standards|load-defaults` and the demo share
it. All or nothing: every row is checked first; a file with any bad row changes nothing, and
every problem is reported with its line. A re-import updates what it names; an empty cell keeps
what is stored. Assessments keep the indicator text they were made against, so a new text
never rewrites history.
"""

from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from .. import tabular
from ..extensions import db
from ..models import (
    Competency,
    CompetencyKind,
    CompetencyLevel,
    PositionKind,
    PositionStandard,
    audit,
)
from ..models.competency import position_key
from ..tabular import Problem
from ..timeutil import utcnow

DATA_DIR = Path(__file__).parent / "data"
MAX_ROWS = 5000
LEVELS = (1, 2, 3, 4, 5)
NAME_MAX, CODE_MAX, SECTOR_MAX, POSITION_MAX, TEXT_MAX = 150, 40, 120, 200, 4000

DICTIONARY = "dictionary"
STANDARDS = "standards"
LEVEL_COLUMNS = tuple(f"level_{n}" for n in LEVELS)
DICTIONARY_REQUIRED = ("kode", "nama", "jenis", *LEVEL_COLUMNS)
DICTIONARY_OPTIONAL = ("sektor", "definisi")
STANDARDS_REQUIRED = ("kode_kompetensi", "level")
STANDARDS_EITHER = ("jenis_jabatan", "jabatan")  # at least one of the two columns
# Other spellings of a header (English, or as agencies write them).
HEADER_ALIASES = {
    "code": "kode",
    "name": "nama",
    "kind": "jenis",
    "jenis_kompetensi": "jenis",
    "sector": "sektor",
    "definition": "definisi",
    "deskripsi": "definisi",
    "competency_code": "kode_kompetensi",
    "competency": "kode_kompetensi",
    "kompetensi": "kode_kompetensi",
    "position_kind": "jenis_jabatan",
    "position": "jabatan",
    "nama_jabatan": "jabatan",
    **{f"indikator_{n}": f"level_{n}" for n in LEVELS},
    **{f"level{n}": f"level_{n}" for n in LEVELS},
}
KIND_NAMES = {
    "teknis": CompetencyKind.TEKNIS,
    "technical": CompetencyKind.TEKNIS,
    "manajerial": CompetencyKind.MANAJERIAL,
    "managerial": CompetencyKind.MANAJERIAL,
    "sosial kultural": CompetencyKind.SOSIAL_KULTURAL,
    "sosial_kultural": CompetencyKind.SOSIAL_KULTURAL,
    "sosial-kultural": CompetencyKind.SOSIAL_KULTURAL,
    "sosiokultural": CompetencyKind.SOSIAL_KULTURAL,
    "socio-cultural": CompetencyKind.SOSIAL_KULTURAL,
}
KIND_LABELS = {
    CompetencyKind.TEKNIS: _l("Technical"),
    CompetencyKind.MANAJERIAL: _l("Managerial"),
    CompetencyKind.SOSIAL_KULTURAL: _l("Socio-cultural"),
}


@dataclass
class ImportResult(tabular.ImportResult):
    what: str = DICTIONARY


def clean(value):
    """Trim and collapse the runs of spaces that spreadsheets and copy-paste leave."""
    return " ".join(str(value or "").split())


def clean_block(value):
    """Trim a longer text but keep its line breaks."""
    lines = [" ".join(part.split()) for part in str(value or "").replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip()


# Reading -----------------------------------------------------------------------------------------
def _too_wide(cells, columns, delimiter):
    if any(c.strip() for c in cells[columns:]):  # trailing empty cells are no harm
        return _l(
            "This row has %(cells)d cells but the header has %(columns)d "
            "columns: put values containing the separator in double quotes.",
            cells=len(cells),
            columns=columns,
        )
    return None


def _table(required, either=()):
    """How read_table reads the dictionary's files: CSV or XLSX, other header spellings."""
    return {
        "required": required,
        "either": either,
        "aliases": HEADER_ALIASES,
        "max_rows": MAX_ROWS,
        "too_wide": _too_wide,
    }


# The dictionary ----------------------------------------------------------------------------------
@dataclass
class _CompetencyPlan:
    line: int
    target: Competency | None
    code: str
    name: str
    kind: str
    sector: str
    description: str
    indicators: dict  # {level: text}, only the non-empty cells


def kind_label(kind):
    return KIND_LABELS.get(kind, kind)


def _all_competencies():
    return db.session.scalars(select(Competency).options(selectinload(Competency.levels))).all()


def _check_dictionary(rows):
    stored = _all_competencies()
    by_code = {c.code.casefold(): c for c in stored if c.code}
    by_name = {(c.name.casefold(), c.kind): c for c in stored}
    seen_code, seen_name, seen_target = {}, {}, {}

    def check(row):
        c, errors = row.cells, []
        code, name = clean(c.get("kode")), clean(c.get("nama"))
        raw_kind = clean(c.get("jenis")).lower()
        kind = KIND_NAMES.get(raw_kind)
        sector, description = clean(c.get("sektor")), clean_block(c.get("definisi"))
        indicators = {n: clean_block(c.get(f"level_{n}")) for n in LEVELS}
        if not name:
            errors.append(_l("The name (nama) is empty."))
        elif len(name) > NAME_MAX:
            errors.append(_l("The name is longer than %(max)d characters.", max=NAME_MAX))
        if not raw_kind:
            errors.append(
                _l("The kind (jenis) is empty: use teknis, manajerial or sosial kultural.")
            )
        elif kind is None:
            errors.append(
                _l(
                    "Unknown kind “%(kind)s”: use teknis, manajerial or sosial kultural.",
                    kind=clean(c.get("jenis")),
                )
            )
        if len(code) > CODE_MAX:
            errors.append(_l("The code is longer than %(max)d characters.", max=CODE_MAX))
        if len(sector) > SECTOR_MAX:
            errors.append(_l("The sector is longer than %(max)d characters.", max=SECTOR_MAX))
        for text_value in (description, *indicators.values()):
            if len(text_value) > TEXT_MAX:
                errors.append(_l("A text is longer than %(max)d characters.", max=TEXT_MAX))
                break
        if code:
            if code.casefold() in seen_code:
                errors.append(
                    _l(
                        "The code %(code)s also appears on line %(line)d.",
                        code=code,
                        line=seen_code[code.casefold()],
                    )
                )
            seen_code.setdefault(code.casefold(), row.line)
        if name and kind:
            key = (name.casefold(), kind)
            if key in seen_name:
                errors.append(
                    _l(
                        "“%(name)s” (%(kind)s) also appears on line %(line)d.",
                        name=name,
                        kind=kind_label(kind),
                        line=seen_name[key],
                    )
                )
            duplicate = key in seen_name
            seen_name.setdefault(key, row.line)
        else:
            duplicate = False
        target = None
        if name and kind:
            target = _dictionary_target(code, name, kind, by_code, by_name, errors)
        if target is not None and not duplicate:
            if target.id in seen_target:
                errors.append(
                    _l(
                        "This row describes the same competency as line %(line)d.",
                        line=seen_target[target.id],
                    )
                )
            seen_target.setdefault(target.id, row.line)
        if errors:
            return None, errors
        return _CompetencyPlan(
            line=row.line,
            target=target,
            code=code,
            name=name,
            kind=kind,
            sector=sector,
            description=description,
            indicators={n: t for n, t in indicators.items() if t},
        ), []

    return tabular.check_rows(rows, check)


def _dictionary_target(code, name, kind, by_code, by_name, errors):
    """The stored competency a row describes: by its code, else by kind and name (a
    competency first met in a course package has no code yet: the row gives it one)."""
    named = by_name.get((name.casefold(), kind))
    if code:
        coded = by_code.get(code.casefold())
        if coded is not None:
            if coded.kind != kind:
                errors.append(
                    _l(
                        "The code %(code)s belongs to a competency of the kind %(kind)s: an "
                        "import does not change a competency's kind.",
                        code=code,
                        kind=kind_label(coded.kind),
                    )
                )
            elif named is not None and named is not coded:
                errors.append(
                    _l(
                        "Another competency is already named “%(name)s” (%(kind)s).",
                        name=name,
                        kind=kind_label(kind),
                    )
                )
            return coded
        if named is not None and named.code:
            errors.append(
                _l(
                    "“%(name)s” (%(kind)s) already exists with the code %(other)s.",
                    name=name,
                    kind=kind_label(kind),
                    other=named.code,
                )
            )
            return None
    return named


def _competency_state(comp):
    return (
        comp.name,
        comp.code,
        comp.sector,
        comp.description,
        tuple((lv.level, lv.indicator) for lv in sorted(comp.levels, key=lambda x: x.level)),
    )


def _apply_dictionary(plans, result, fill_only, now):
    for plan in plans:
        comp = plan.target
        if comp is None:
            comp = Competency(
                name=plan.name,
                kind=plan.kind,
                code=plan.code or None,
                sector=plan.sector,
                description=plan.description,
                active=True,
                updated_at=now,
            )
            comp.levels = [
                CompetencyLevel(level=n, indicator=t) for n, t in sorted(plan.indicators.items())
            ]
            db.session.add(comp)
            result.created += 1
            continue
        before = _competency_state(comp)
        if not fill_only:
            comp.name = plan.name
        # An empty cell keeps what is stored; the shipped defaults only fill what is empty.
        for attr, value in (
            ("code", plan.code),
            ("sector", plan.sector),
            ("description", plan.description),
        ):
            if value and (not fill_only or not getattr(comp, attr)):
                setattr(comp, attr, value)
        levels = {lv.level: lv for lv in comp.levels}
        for n, text in sorted(plan.indicators.items()):
            if n not in levels:
                comp.levels.append(CompetencyLevel(level=n, indicator=text))
            elif not fill_only or not levels[n].indicator:
                levels[n].indicator = text
        if _competency_state(comp) != before:
            comp.updated_at = now
            result.updated += 1
        else:
            result.unchanged += 1


# Position standards ------------------------------------------------------------------------------
@dataclass
class _StandardPlan:
    line: int
    position_kind: str
    position_name: str
    competency_id: int
    level: int


def position_kind_lookup():
    """{casefolded code or name: PositionKind}."""
    out = {}
    for kind in db.session.scalars(select(PositionKind)):
        out[kind.code.casefold()] = kind
        out.setdefault(clean(kind.name).casefold(), kind)
    return out


def parse_level(text):
    text = clean(text)
    return int(text) if text.isdigit() and int(text) in LEVELS else None


def _check_standards(rows):
    kinds = position_kind_lookup()
    comps = {c.code.casefold(): c for c in db.session.scalars(select(Competency)) if c.code}
    seen = {}

    def check(row):
        c, errors = row.cells, []
        kind_text, job = clean(c.get("jenis_jabatan")), clean(c.get("jabatan"))
        code, level_text = clean(c.get("kode_kompetensi")), clean(c.get("level"))
        kind = None
        if not kind_text and not job:
            errors.append(
                _l("Fill in either jenis_jabatan (a position kind) or jabatan (a position name).")
            )
        elif kind_text and job:
            errors.append(_l("Fill in only one of jenis_jabatan and jabatan."))
        elif kind_text:
            kind = kinds.get(kind_text.casefold())
            if kind is None:
                errors.append(
                    _l(
                        "Unknown position kind “%(kind)s”: use a code or a name from the list "
                        "of position kinds.",
                        kind=kind_text,
                    )
                )
        elif len(job) > POSITION_MAX:
            errors.append(_l("The position is longer than %(max)d characters.", max=POSITION_MAX))
        comp = None
        if not code:
            errors.append(_l("The competency code (kode_kompetensi) is empty."))
        else:
            comp = comps.get(code.casefold())
            if comp is None:
                errors.append(
                    _l(
                        "Unknown competency code “%(code)s”: import the dictionary first, or "
                        "give the competency this code on its page.",
                        code=code,
                    )
                )
        level = parse_level(level_text)
        if level is None:
            errors.append(
                _l("The level “%(level)s” is not a whole number from 1 to 5.", level=level_text)
            )
        if comp is not None and (kind is not None or (job and not kind_text)):
            key = (kind.code if kind else "", position_key(job) if not kind else "", comp.id)
            if key in seen:
                errors.append(
                    _l(
                        "The standard of %(position)s for %(code)s also appears on line %(line)d.",
                        position=kind.name if kind else job,
                        code=comp.code,
                        line=seen[key],
                    )
                )
            seen.setdefault(key, row.line)
        if errors:
            return None, errors
        return _StandardPlan(
            line=row.line,
            position_kind=kind.code if kind else "",
            position_name="" if kind else job,
            competency_id=comp.id,
            level=level,
        ), []

    return tabular.check_rows(rows, check)


def _apply_standards(plans, result, fill_only):
    ids = {p.competency_id for p in plans}
    stored = {}
    if ids:
        for std in db.session.scalars(
            select(PositionStandard).where(PositionStandard.competency_id.in_(ids))
        ):
            stored[(std.position_kind, std.position_key, std.competency_id)] = std
    for plan in plans:
        key = position_key(plan.position_name) if plan.position_name else ""
        std = stored.get((plan.position_kind, key, plan.competency_id))
        if std is None:
            db.session.add(
                PositionStandard(
                    position_kind=plan.position_kind,
                    position_key=key,
                    position_name=plan.position_name,
                    competency_id=plan.competency_id,
                    level=plan.level,
                )
            )
            result.created += 1
        elif not fill_only and (std.level != plan.level or std.position_name != plan.position_name):
            std.level = plan.level
            std.position_name = plan.position_name or std.position_name
            result.updated += 1
        else:
            result.unchanged += 1


# The one importer --------------------------------------------------------------------------------
def import_file(
    what, data, *, actor=None, filename="", via="web", fill_only=False, audit_action=True
):
    """Check a dictionary (`what` = DICTIONARY) or standards (STANDARDS) file and, if every row
    is good, apply it (flushed, not committed). Returns an ImportResult; with problems nothing
    has been changed. `fill_only` (the shipped defaults): add what is missing, never overwrite."""
    result = ImportResult(what=what)
    if what == DICTIONARY:
        required, either, check = DICTIONARY_REQUIRED, (), _check_dictionary
    else:
        required, either, check = STANDARDS_REQUIRED, STANDARDS_EITHER, _check_standards
    read = tabular.start_import(result, data, filename, **_table(required, either))
    if read is None:
        return result
    rows, problems = read
    with db.session.no_autoflush:
        plans, row_problems = check(rows)
    problems += row_problems
    if problems:
        return result.stop(problems)
    try:
        with db.session.no_autoflush:
            if what == DICTIONARY:
                _apply_dictionary(plans, result, fill_only, utcnow())
            else:
                _apply_standards(plans, result, fill_only)
        db.session.flush()
    except IntegrityError:
        # Two rows swapping names or codes, or another request at the same moment. (No
        # savepoint: on SQLite one would commit; the whole transaction goes instead.)
        db.session.rollback()
        result.created = result.updated = result.unchanged = 0
        result.problems.append(
            Problem(
                None,
                str(
                    _l(
                        "Saving the file clashed with a name or code already stored (or saved "
                        "at the same moment). Nothing was imported: check the file and try "
                        "again."
                    )
                ),
            )
        )
        return result
    if audit_action:
        action = "competencies.import" if what == DICTIONARY else "standards.import"
        result.record(actor, action, filename, via)
    return result


# The shipped defaults ----------------------------------------------------------------------------
class DefaultsError(RuntimeError):
    """A shipped data file has a problem (a bug of the release, never of the user)."""


def load_position_kinds(path=None):
    """Add the shipped position kinds that are missing; return how many were added."""
    path = path or DATA_DIR / "jenis_jabatan.csv"
    try:
        rows, problems = tabular.read_table(
            path.read_bytes(), path.name, **_table(("kode", "nama", "kelompok"))
        )
    except tabular.FileError as exc:
        raise DefaultsError(f"{path.name}: {exc.problem.message}") from None
    if problems:
        raise DefaultsError(f"{path.name}: line {problems[0].line}: {problems[0].message}")
    stored = {k.code for k in db.session.scalars(select(PositionKind))}
    added = 0
    for row in rows:
        code = clean(row.cells["kode"])
        if not code or code in stored:
            continue
        order = clean(row.cells.get("urutan"))
        db.session.add(
            PositionKind(
                code=code,
                name=clean(row.cells["nama"]),
                group=clean(row.cells["kelompok"]),
                position=int(order) if order.isdigit() else 0,
            )
        )
        stored.add(code)
        added += 1
    db.session.flush()
    return added


def load_file(what, path, actor=None, via="cli"):
    """Import one shipped file in `fill_only` mode; return the rows added. DefaultsError on
    a problem (nothing of this file changed)."""
    result = import_file(
        what, path.read_bytes(), actor=actor, filename=path.name, via=via, fill_only=True,
        audit_action=False,
    )  # fmt: skip
    if not result.ok:
        first = result.problems[0]
        where = f"line {first.line}: " if first.line else ""
        raise DefaultsError(f"{path.name}: {where}{first.message}")
    return result


@dataclass
class DefaultsResult:
    position_kinds: int = 0
    competencies: int = 0
    filled: int = 0  # stored competencies that got a code, definition or indicator
    standards: int = 0

    @property
    def added(self):
        return self.position_kinds + self.competencies + self.standards


def load_defaults(actor=None, via="cli"):
    """The shipped position kinds, managerial and socio-cultural competencies and default
    standards: what is missing is added, an admin's edits are kept. Idempotent."""
    out = DefaultsResult()
    out.position_kinds = load_position_kinds()
    dictionary = load_file(DICTIONARY, DATA_DIR / "kompetensi.csv", actor, via)
    out.competencies, out.filled = dictionary.created, dictionary.updated
    out.standards = load_file(STANDARDS, DATA_DIR / "standar.csv", actor, via).created
    if out.added or out.filled:
        audit(
            actor, "competencies.load_defaults", None, position_kinds=out.position_kinds,
            competencies=out.competencies, filled=out.filled, standards=out.standards, via=via,
        )  # fmt: skip
        db.session.flush()
    return out
