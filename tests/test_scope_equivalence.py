"""The scope of a supervisor written with its units' ids spelled out (what the team pages use
since issue 16, for PostgreSQL's estimates) selects exactly the people, and gives exactly the
dashboard rows, of the original condition on the units' paths, for supervisors at every depth
of the tree, over several units, and with direct reports outside their units."""

import pytest
from sqlalchemy import select

from elearn.demo_generate import generate_agency
from elearn.extensions import db
from elearn.models import Unit, User
from elearn.supervision.services import (
    TeamFilter,
    TeamQuery,
    scope_condition,
    scope_units,
    today,
)


@pytest.fixture
def tree(app, make_user):
    generate_agency(people=400, units=40, courses=4, per_person=3, seed=5)
    db.session.commit()
    units = db.session.scalars(select(Unit).where(Unit.code.like("GEN%"))).all()
    by_depth = {}
    for unit in units:
        by_depth.setdefault(unit.depth, []).append(unit)
    assert set(by_depth) == {0, 1, 2, 3}, "the generated tree goes three levels deep"
    outsider = db.session.scalars(
        select(User).where(User.unit_id == by_depth[1][-1].id).limit(3)
    ).all()
    cases = {}
    for depth, level in sorted(by_depth.items()):
        cases[f"depth {depth}"] = [level[0]]
    cases["two units, one inside the other"] = [by_depth[1][0], by_depth[3][0]]
    cases["units of two OPDs"] = [by_depth[2][0], by_depth[2][-1]]
    bosses = {}
    for label, supervised in cases.items():
        boss = make_user(roles=("supervisor",), unit=supervised[0])
        boss.supervised = supervised
        bosses[label] = boss
    # Direct reports in a unit the supervisor does not supervise are in scope too.
    for person in outsider:
        person.supervisor_id = bosses["depth 3"].id
    nobody = make_user(roles=("supervisor",))
    outsider[0].supervisor_id = nobody.id
    bosses["direct reports only"] = nobody
    db.session.commit()
    return bosses


def ids(condition):
    return set(db.session.scalars(select(User.id).where(condition)))


def test_the_scope_with_unit_ids_selects_the_same_people(app, tree):
    for label, boss in tree.items():
        before = ids(boss.scope_filter())
        with app.test_request_context("/team"):
            scope_units(boss)  # what the team pages load first
            after = ids(scope_condition(boss))
        assert after == before, label
        assert len(before) > (1 if label != "direct reports only" else 0), label
    assert len(ids(tree["depth 0"].scope_filter())) > 400  # the whole agency


@pytest.mark.parametrize(
    "status,jp,sort", [("", "", "name"), ("overdue", "", "-jp"), ("", "below", "activity")]
)
def test_the_dashboard_figures_are_the_same(app, tree, status, jp, sort):
    for label, boss in tree.items():
        units = scope_units(boss)
        filters = TeamFilter(year=today().year, status=status, jp=jp, sort=sort)
        old, new = TeamQuery(boss, filters), TeamQuery(boss, filters, units=units)
        assert db.session.execute(new.rows()).all() == db.session.execute(old.rows()).all()
        assert new.by_unit() == old.by_unit(), label
        assert new.page_ids(25, 0) == old.page_ids(25, 0), label
