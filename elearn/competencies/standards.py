"""Which level each person's position requires, in SQL (so lists and heatmaps stay one query).

A standard for the person's jabatan (by name) wins over the standard for their position kind.
"""

from sqlalchemy import and_, func, select

from ..extensions import db
from ..models import PositionStandard, User
from ..models.competency import position_key_sql


def required_levels_select(user_condition=None):
    """SELECT user_id, competency_id, required (level) for the users matching `user_condition`
    (a SQL condition on User, e.g. a supervisor's scope), one row per person and competency
    that their position has a standard for. Use it as a subquery: `.subquery()`."""
    by_name = db.aliased(PositionStandard, name="std_by_name")
    by_kind = db.aliased(PositionStandard, name="std_by_kind")
    # Every competency either standard names for the person...
    named = (
        select(User.id.label("user_id"), by_name.competency_id.label("competency_id"))
        .join(
            by_name,
            and_(
                by_name.position_key == position_key_sql(User.position), by_name.position_key != ""
            ),
        )
        .where(User.position != "")
    )
    kinded = (
        select(User.id.label("user_id"), by_kind.competency_id.label("competency_id"))
        .join(
            by_kind,
            and_(by_kind.position_kind == User.position_kind, by_kind.position_kind != ""),
        )
        .where(User.position_kind != "")
    )
    if user_condition is not None:
        named = named.where(user_condition)
        kinded = kinded.where(user_condition)
    pairs = named.union(kinded).subquery("std_pairs")
    # ... with the jabatan's level when there is one, else the position kind's (the unique
    # constraint leaves at most one row of each).
    person = db.aliased(User, name="std_person")
    name_std = db.aliased(PositionStandard, name="std_name_level")
    kind_std = db.aliased(PositionStandard, name="std_kind_level")
    return (
        select(
            pairs.c.user_id,
            pairs.c.competency_id,
            func.coalesce(name_std.level, kind_std.level).label("required"),
        )
        .join(person, person.id == pairs.c.user_id)
        .outerjoin(
            name_std,
            and_(
                name_std.competency_id == pairs.c.competency_id,
                name_std.position_key == position_key_sql(person.position),
                name_std.position_key != "",
            ),
        )
        .outerjoin(
            kind_std,
            and_(
                kind_std.competency_id == pairs.c.competency_id,
                kind_std.position_kind == person.position_kind,
                kind_std.position_kind != "",
            ),
        )
    )


def required_levels(user_id):
    """{competency id: required level} for one person."""
    rows = db.session.execute(required_levels_select(User.id == user_id))
    return {cid: level for _uid, cid, level in rows}
