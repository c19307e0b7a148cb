"""Badges earned by rule, never given by hand: the registry of rules and `award_badges`, which
evaluates them for a set of people and records what is new exactly once.

A rule reads one measure of a person (JP of a year, courses completed, an approved plan whose
items are all done, confirmed sessions given as mentor) and a threshold. Each measure is one
GROUP BY over everyone asked about, so awarding for the whole agency costs the same few
queries as awarding for one person. A yearly badge is earned once per year (year = that
year), the others once in a career (year 0); the unique key (person, badge, year) and an
INSERT ... ON CONFLICT DO NOTHING make two runs at once give one award. Services flush and
never commit.
"""

import functools
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, case, func, select

from ..dbutil import insert_many_if_absent
from ..extensions import db
from ..learn.jp import jp_per_person, year_bounds
from ..models import (
    BadgeAward,
    Completion,
    MentoringPair,
    MentoringSession,
    User,
)
from ..models import NotificationKind as K
from ..models.competency import DevelopmentPlan, DevelopmentPlanItem, PlanStatus
from ..notifications.services import internal_path, notify
from ..timeutil import local_time, utcnow

CAREER = 0  # the year of a badge earned once in a career


@dataclass(frozen=True)
class Badge:
    code: str
    label: object  # lazy: shown in the reader's language
    description: object
    yearly: bool
    measure: str  # a key of MEASURES
    threshold: int | None = None  # None: the yearly JP target (YEARLY_JP_TARGET)
    emblem: str = "star"  # the shape drawn for it (templates/activities/_badges.html)

    def minimum(self):
        if self.threshold is not None:
            return self.threshold
        return int(current_app.config["YEARLY_JP_TARGET"])


BADGES = (
    Badge(
        "jp-target",
        _l("Yearly JP target reached"),
        _l("Reached the yearly target of competency development hours (JP)."),
        yearly=True,
        measure="jp",
        emblem="target",
    ),
    Badge(
        "first-course",
        _l("First course"),
        _l("Completed a first course on this platform."),
        yearly=False,
        measure="completions",
        threshold=1,
        emblem="book",
    ),
    Badge(
        "courses-5",
        _l("Five courses"),
        _l("Completed five courses on this platform."),
        yearly=False,
        measure="completions",
        threshold=5,
        emblem="books",
    ),
    Badge(
        "courses-10",
        _l("Ten courses"),
        _l("Completed ten courses on this platform."),
        yearly=False,
        measure="completions",
        threshold=10,
        emblem="star",
    ),
    Badge(
        "plan-completed",
        _l("Development plan completed"),
        _l("Carried out every item of the approved development plan of the year."),
        yearly=True,
        measure="plan",
        threshold=1,
        emblem="check",
    ),
    Badge(
        "mentor-5",
        _l("Mentor"),
        _l("Gave five confirmed mentoring or coaching sessions."),
        yearly=False,
        measure="mentoring",
        threshold=5,
        emblem="hands",
    ),
)
BY_CODE = {b.code: b for b in BADGES}


def badge(code):
    return BY_CODE.get(code)


# Measures: {user id: value} of the people in `who` whose value reaches `least` -----------------
def _in(column, who):
    return True if who is None else column.in_(who)


def _jp(who, year, least):
    per = jp_per_person(year, who)
    rows = db.session.execute(select(per.c.user_id, per.c.jp).where(per.c.jp >= least))
    return {uid: int(jp) for uid, jp in rows}


def _completions(who, year, least):
    n = func.count(Completion.id)
    rows = db.session.execute(
        select(Completion.user_id, n)
        .where(_in(Completion.user_id, who))
        .group_by(Completion.user_id)
        .having(n >= least)
    )
    return {uid: int(count) for uid, count in rows}


def _plans(who, year, least):
    """People whose plan of `year` is approved and has every item done, as the plan page
    counts "done" (competencies.plan_services.plan_view): a planned course completed in the
    plan's year. A free-text item has no record that carries it out, so a plan with one is
    not complete (yet)."""
    start, end = year_bounds(year)
    done = (
        select(Completion.id)
        .where(
            Completion.user_id == DevelopmentPlan.user_id,
            Completion.course_id == DevelopmentPlanItem.course_id,
            Completion.completed_at >= start,
            Completion.completed_at < end,
        )
        .exists()
    )
    items = func.count(DevelopmentPlanItem.id)
    done_items = func.sum(
        case((and_(DevelopmentPlanItem.course_id.is_not(None), done), 1), else_=0)
    )
    rows = db.session.execute(
        select(DevelopmentPlan.user_id)
        .join(DevelopmentPlanItem, DevelopmentPlanItem.plan_id == DevelopmentPlan.id)
        .where(
            _in(DevelopmentPlan.user_id, who),
            DevelopmentPlan.year == year,
            DevelopmentPlan.status == PlanStatus.APPROVED,
        )
        .group_by(DevelopmentPlan.user_id)
        .having(items > 0, done_items == items)
    )
    return {uid: 1 for (uid,) in rows}


def _mentoring(who, year, least):
    n = func.count(MentoringSession.id)
    rows = db.session.execute(
        select(MentoringPair.mentor_id, n)
        .join(MentoringPair, MentoringPair.id == MentoringSession.pair_id)
        .where(_in(MentoringPair.mentor_id, who), MentoringSession.confirmed_at.is_not(None))
        .group_by(MentoringPair.mentor_id)
        .having(n >= least)
    )
    return {uid: int(count) for uid, count in rows}


MEASURES = {"jp": _jp, "completions": _completions, "plan": _plans, "mentoring": _mentoring}


# Awarding ----------------------------------------------------------------------------------------
def current_year(now=None):
    return local_time(now or utcnow()).year


def earned(who, years, codes=None):
    """{(user id, badge code, year)} that the rules give the people in `who` (ids, a select of
    ids, or None: every active person) for `years`; career badges with year 0. One query per
    measure (and year, for yearly ones)."""
    chosen = [b for b in BADGES if codes is None or b.code in codes]
    out = set()
    for measure in dict.fromkeys(b.measure for b in chosen):
        rules = [b for b in chosen if b.measure == measure]
        least = min(b.minimum() for b in rules)
        for year in years if any(b.yearly for b in rules) else [CAREER]:
            values = MEASURES[measure](who, year, least)
            for rule in rules:
                rule_year = year if rule.yearly else CAREER
                out |= {
                    (uid, rule.code, rule_year) for uid, v in values.items() if v >= rule.minimum()
                }
    return out


def award_badges(user_ids, now=None, years=None, codes=None):
    """Award the badges the rules give `user_ids` (None: every active person) and that they do
    not have yet; each new one is notified. `years`: the years of the yearly badges (default:
    the year of `now`). Returns how many were awarded. Flushes; a fixed number of queries
    whatever the number of people."""
    now = now or utcnow()
    years = sorted(set(years)) if years else [current_year(now)]
    if user_ids is None:
        who = select(User.id).where(User.active.is_(True))
    else:
        who = list(dict.fromkeys(user_ids))
        if not who:
            return 0
    wanted = earned(who, years, codes)
    if not wanted:
        return 0
    have = awarded_already(who, {code for _u, code, _y in wanted})
    missing = sorted(wanted - have)
    if not missing:
        return 0
    awarded = insert_many_if_absent(
        BadgeAward,
        [{"user_id": u, "badge": c, "year": y, "awarded_at": now} for u, c, y in missing],
        ["user_id", "badge", "year"],
    )
    _notify(missing, now)
    db.session.flush()
    return awarded


def awarded_already(who, codes):
    """{(user id, badge code, year)} of the awards of `codes` the people in `who` have."""
    rows = db.session.execute(
        select(BadgeAward.user_id, BadgeAward.badge, BadgeAward.year).where(
            _in(BadgeAward.user_id, who), BadgeAward.badge.in_(codes)
        )
    )
    return set(rows.all())


def _notify(awards, now):
    """One notification per new award. A run that lost a race to another for the same award
    gets no second notification: the notification's key is the award's."""
    groups = {}
    for uid, code, year in awards:
        groups.setdefault((code, year), []).append(uid)
    link = internal_path("main.home")
    link = f"{link}#badges-title" if link else ""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        labels = {code: str(BY_CODE[code].label) for code, _y in groups}
    for (code, year), uids in groups.items():
        notify(uids, K.BADGE_AWARDED, {"badge": labels[code]}, link, f"badge:{code}:{year}", now)


# Reading -----------------------------------------------------------------------------------------
@dataclass
class Earned:
    badge: Badge
    year: int  # 0: once in a career
    awarded_at: object


@functools.cache
def _badges_statement():
    """Built once per process: My learning shows the badges on every visit."""
    return (
        select(BadgeAward.badge, BadgeAward.year, BadgeAward.awarded_at)
        .where(BadgeAward.user_id == bindparam("user_id"))
        .order_by(BadgeAward.awarded_at.desc(), BadgeAward.id.desc())
    )


def badges_of(user_id):
    """The person's badges, newest first, in one query (an award of a rule no longer in the
    registry is left out)."""
    rows = db.session.execute(_badges_statement(), {"user_id": user_id})
    return [Earned(BY_CODE[code], year, at) for code, year, at in rows if code in BY_CODE]
