"""Survey instruments: the shipped ones (data/instruments.yml), versions, the default per level
and audience. Editing an instrument adds a version; answers keep the version they were given on.
"""

import re
from pathlib import Path

import yaml
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from ..content.quizparse import slugify
from ..extensions import db
from ..models import (
    SurveyAudience,
    SurveyInstrument,
    SurveyInstrumentVersion,
    SurveyLevel,
    SurveyQuestion,
    SurveyQuestionKind,
    SurveyResponse,
)
from ..models.user import audit

DATA = Path(__file__).parent / "data" / "instruments.yml"

# The labels of a scale's points, lowest first.
SCALE_LABELS = {
    SurveyQuestionKind.LIKERT4: (
        _l("Strongly disagree"),
        _l("Disagree"),
        _l("Agree"),
        _l("Strongly agree"),
    ),
    SurveyQuestionKind.LIKERT5: (
        _l("Strongly disagree"),
        _l("Disagree"),
        _l("Neutral"),
        _l("Agree"),
        _l("Strongly agree"),
    ),
}


def scale_top(kind):
    """The highest point of a scale question (4 or 5), None for other kinds."""
    labels = SCALE_LABELS.get(kind)
    return len(labels) if labels else None


def shipped():
    with DATA.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def add_version(instrument, questions, by=None):
    """A new version of `instrument` with `questions` (dicts: code, kind, text, required,
    options), made current. Flushes; the caller commits."""
    number = 1 + max((v.number for v in instrument.versions), default=0)
    version = SurveyInstrumentVersion(instrument=instrument, number=number, created_by_id=by)
    version.questions = [
        SurveyQuestion(
            position=i,
            code=q["code"],
            kind=q["kind"],
            text=q["text"],
            required=q.get("required", True),
            options=list(q.get("options") or []),
        )
        for i, q in enumerate(questions, start=1)
    ]
    db.session.add(version)
    db.session.flush()
    instrument.current_version = version
    db.session.flush()
    return version


def ensure_standard_instruments():
    """Create the shipped instruments that do not exist yet (by key); returns how many."""
    have = set(db.session.scalars(select(SurveyInstrument.key)))
    made = 0
    for spec in shipped():
        if spec["key"] in have:
            continue
        instrument = SurveyInstrument(
            key=spec["key"],
            level=spec["level"],
            audience=spec["audience"],
            title=spec["title"],
            description=spec.get("description", ""),
            is_default=True,
        )
        db.session.add(instrument)
        db.session.flush()
        add_version(instrument, spec["questions"])
        made += 1
    return made


def default_instrument(level, audience):
    """The default active instrument of a level and audience (the shipped ones are created on
    first use, so every install path has them)."""
    query = select(SurveyInstrument).where(
        SurveyInstrument.level == int(level),
        SurveyInstrument.audience == str(audience),
        SurveyInstrument.is_default.is_(True),
        SurveyInstrument.active.is_(True),
    )
    instrument = db.session.scalar(query.limit(1))
    if instrument is None and ensure_standard_instruments():
        instrument = db.session.scalar(query.limit(1))
    return instrument


def default_version(level, audience):
    instrument = default_instrument(level, audience)
    return instrument.current_version if instrument else None


# Editing (admin) --------------------------------------------------------------------------------
TEXT_MAX = 500  # a question's text, and an option's label
OPTIONS_MIN, OPTIONS_MAX = 2, 12
QUESTIONS_MAX = 60
CODE_RE = re.compile(r"^[a-z0-9_-]{1,40}$")
CHOICE_KINDS = {SurveyQuestionKind.SINGLE, SurveyQuestionKind.MULTIPLE}

KIND_LABELS = {
    SurveyQuestionKind.LIKERT4: _l("Scale 1-4"),
    SurveyQuestionKind.LIKERT5: _l("Scale 1-5"),
    SurveyQuestionKind.SINGLE: _l("Single choice"),
    SurveyQuestionKind.MULTIPLE: _l("Multiple choice"),
    SurveyQuestionKind.SHORT_TEXT: _l("Short text"),
    SurveyQuestionKind.LONG_TEXT: _l("Long text"),
}
LEVEL_LABELS = {
    SurveyLevel.REACTION: _l("Level 1: reaction"),
    SurveyLevel.BEHAVIOUR: _l("Level 3: behaviour on the job"),
}
AUDIENCE_LABELS = {
    SurveyAudience.LEARNER: _l("Learner"),
    SurveyAudience.SUPERVISOR: _l("Supervisor"),
}


class InstrumentError(Exception):
    """The instrument was not saved. `problems`: (row index or None, field, message)."""

    def __init__(self, problems):
        super().__init__("; ".join(str(m) for _i, _f, m in problems))
        self.problems = problems


class Refused(Exception):
    """An action that would leave a level without a usable instrument."""


def check_questions(questions, previous=None):
    """Problems of a list of question dicts (code, kind, text, required, options), as
    (index, field, message); `previous` is the version they replace: a code it used keeps its
    kind, since reports line versions up by code."""
    problems = []
    if not questions:
        problems.append((None, "questions", _l("An instrument needs at least one question.")))
    if len(questions) > QUESTIONS_MAX:
        problems.append(
            (None, "questions", _l("At most %(n)d questions per instrument.", n=QUESTIONS_MAX))
        )
    old_kinds = {q.code: q.kind for q in previous.questions} if previous else {}
    seen = set()
    for i, q in enumerate(questions):
        code, kind, text = q.get("code") or "", q.get("kind") or "", q.get("text") or ""
        if kind not in KIND_LABELS:
            problems.append((i, "kind", _l("Choose the kind of the question.")))
        if not text:
            problems.append((i, "text", _l("Write the question.")))
        elif len(text) > TEXT_MAX:
            problems.append(
                (i, "text", _l("At most %(n)d characters (now %(m)d).", n=TEXT_MAX, m=len(text)))
            )
        if not CODE_RE.match(code):
            problems.append(
                (
                    i,
                    "code",
                    _l(
                        "Use 1 to 40 lower-case letters, digits, hyphens or underscores, "
                        "e.g. relevance."
                    ),
                )
            )
        elif code in seen:
            problems.append(
                (i, "code", _l("Another question already has the code %(code)s.", code=code))
            )
        elif code in old_kinds and kind in KIND_LABELS and old_kinds[code] != kind:
            problems.append(
                (
                    i,
                    "code",
                    _l(
                        "The code %(code)s was a question of another kind (%(kind)s) in the "
                        "earlier version: give the changed question a new code.",
                        code=code,
                        kind=KIND_LABELS.get(old_kinds[code], old_kinds[code]),
                    ),
                )
            )
        seen.add(code)
        options = q.get("options") or []
        if kind in CHOICE_KINDS:
            if not OPTIONS_MIN <= len(options) <= OPTIONS_MAX:
                problems.append(
                    (
                        i,
                        "options",
                        _l(
                            "A choice question needs %(low)d to %(high)d options, one per line "
                            "(now %(n)d).",
                            low=OPTIONS_MIN,
                            high=OPTIONS_MAX,
                            n=len(options),
                        ),
                    )
                )
            elif any(len(o) > TEXT_MAX for o in options):
                problems.append(
                    (i, "options", _l("An option has at most %(n)d characters.", n=TEXT_MAX))
                )
            elif len({o.casefold() for o in options}) != len(options):
                problems.append((i, "options", _l("Two options are the same.")))
    return problems


def _normalized(questions):
    out = []
    for q in questions:
        kind = q.get("kind") or ""
        out.append(
            {
                "code": q.get("code") or "",
                "kind": kind,
                "text": q.get("text") or "",
                "required": bool(q.get("required", True)),
                "options": list(q.get("options") or []) if kind in CHOICE_KINDS else [],
            }
        )
    return out


def questions_of(version):
    """The question dicts of a version (the shape add_version takes)."""
    if version is None:
        return []
    return [
        {
            "code": q.code,
            "kind": q.kind,
            "text": q.text,
            "required": q.required,
            "options": list(q.options or []),
        }
        for q in version.questions
    ]


def _unique_key(title):
    base = slugify(title, max_len=50) or "survei"
    taken = set(
        db.session.scalars(
            select(SurveyInstrument.key).where(SurveyInstrument.key.like(f"{base}%"))
        )
    )
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key


def create_instrument(title, description, level, audience, questions, by):
    """A new (not default) instrument with its version 1; InstrumentError when the questions
    are not right (nothing is added then). Flushes and audits."""
    questions = _normalized(questions)
    problems = check_questions(questions)
    if problems:
        raise InstrumentError(problems)
    instrument = SurveyInstrument(
        key=_unique_key(title),
        level=int(level),
        audience=str(audience),
        title=title,
        description=description or "",
        active=True,
        is_default=False,
    )
    db.session.add(instrument)
    db.session.flush()
    version = add_version(instrument, questions, by=by.id if by else None)
    audit(
        by,
        "survey_instrument.create",
        instrument,
        name=title,
        level=int(level),
        audience=str(audience),
        version=version.number,
        questions=len(questions),
    )
    return instrument


def edit_instrument(instrument, title, description, questions, by):
    """Save an edit: the title and description in place, the questions as a NEW version when
    they differ from the current one (answers keep the version they were given on). Returns
    (the new version or None when the questions did not change, whether anything changed);
    InstrumentError: nothing changed."""
    questions = _normalized(questions)
    current = instrument.current_version
    problems = check_questions(questions, previous=current)
    if problems:
        raise InstrumentError(problems)
    changes = {}
    if title != instrument.title:
        changes["title"] = (instrument.title, title)
        instrument.title = title
    if (description or "") != (instrument.description or ""):
        changes["description"] = (instrument.description, description or "")
        instrument.description = description or ""
    version = None
    if questions != questions_of(current):
        version = add_version(instrument, questions, by=by.id if by else None)
        changes["version"] = (current.number if current else None, version.number)
    if changes:
        audit(by, "survey_instrument.edit", instrument, name=instrument.title, changes=changes)
    db.session.flush()
    return version, bool(changes)


def set_active(instrument, active, by):
    """Switch an instrument on or off; the default of its level and audience stays on (make
    another one the default first)."""
    if not active and instrument.is_default:
        raise Refused(
            _l("This is the default instrument of its level: make another one the default first.")
        )
    if bool(instrument.active) == bool(active):
        return False
    instrument.active = bool(active)
    audit(
        by,
        "survey_instrument.activate" if active else "survey_instrument.deactivate",
        instrument,
        name=instrument.title,
    )
    db.session.flush()
    return True


def make_default(instrument, by):
    """Make an active instrument the one default of its level and audience."""
    if not instrument.active:
        raise Refused(_l("Activate the instrument before making it the default."))
    if instrument.is_default:
        return False
    previous = db.session.scalar(
        select(SurveyInstrument.title).where(
            SurveyInstrument.level == instrument.level,
            SurveyInstrument.audience == instrument.audience,
            SurveyInstrument.is_default.is_(True),
        )
    )
    # One statement, so that the level never has two defaults or none in between.
    db.session.execute(
        update(SurveyInstrument)
        .where(
            SurveyInstrument.level == instrument.level,
            SurveyInstrument.audience == instrument.audience,
        )
        .values(is_default=SurveyInstrument.id == instrument.id)
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()
    audit(by, "survey_instrument.default", instrument, name=instrument.title, previous=previous)
    db.session.flush()
    return True


def instrument_list():
    """Every instrument with its current version, defaults first within a level."""
    return (
        select(SurveyInstrument)
        .options(joinedload(SurveyInstrument.current_version))
        .order_by(
            SurveyInstrument.level,
            SurveyInstrument.audience,
            SurveyInstrument.is_default.desc(),
            SurveyInstrument.title,
            SurveyInstrument.id,
        )
    )


def answer_counts(instrument_ids):
    """{instrument id: number of answers over all its versions}: one query."""
    if not instrument_ids:
        return {}
    rows = db.session.execute(
        select(SurveyInstrumentVersion.instrument_id, func.count(SurveyResponse.id))
        .join(
            SurveyResponse,
            SurveyResponse.instrument_version_id == SurveyInstrumentVersion.id,
        )
        .where(SurveyInstrumentVersion.instrument_id.in_(list(instrument_ids)))
        .group_by(SurveyInstrumentVersion.instrument_id)
    )
    return dict(rows.all())


def version_answer_counts(instrument_id):
    """{version id: number of answers} of an instrument's versions."""
    rows = db.session.execute(
        select(SurveyResponse.instrument_version_id, func.count(SurveyResponse.id))
        .join(
            SurveyInstrumentVersion,
            SurveyInstrumentVersion.id == SurveyResponse.instrument_version_id,
        )
        .where(SurveyInstrumentVersion.instrument_id == instrument_id)
        .group_by(SurveyResponse.instrument_version_id)
    )
    return dict(rows.all())


def instrument_choices(level, audience):
    """Active instruments of a level and audience, default first (for a course's setting)."""
    return db.session.scalars(
        select(SurveyInstrument)
        .where(
            SurveyInstrument.level == int(level),
            SurveyInstrument.audience == str(audience),
            SurveyInstrument.active.is_(True),
        )
        .order_by(SurveyInstrument.is_default.desc(), SurveyInstrument.title)
    ).all()
