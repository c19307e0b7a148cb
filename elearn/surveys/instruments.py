"""Survey instruments: the shipped ones (data/instruments.yml), versions, the default per level
and audience. Editing an instrument adds a version; answers keep the version they were given on.
"""

from pathlib import Path

import yaml
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import (
    SurveyInstrument,
    SurveyInstrumentVersion,
    SurveyQuestion,
    SurveyQuestionKind,
)

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
