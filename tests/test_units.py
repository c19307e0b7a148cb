"""The unit tree: materialized paths keep scope queries to one statement."""

import pytest
from sqlalchemy import select

from elearn.extensions import db
from elearn.models import Unit, User


def test_subtree_and_move(make_unit, make_user):
    agency = make_unit("Pemkab", code="PEMKAB")
    dinas = make_unit("Dinas A", parent=agency, code="DA")
    bidang = make_unit("Bidang A1", parent=dinas, code="DA1")
    seksi = make_unit("Seksi A1a", parent=bidang, code="DA1A")
    other = make_unit("Dinas B", parent=agency, code="DB")
    person = make_user(unit=seksi)

    assert seksi.is_within(dinas) and not seksi.is_within(other)
    assert [u.code for u in seksi.ancestors()] == ["PEMKAB", "DA", "DA1"]

    bidang.set_parent(other)
    db.session.commit()
    db.session.expire_all()
    moved = db.session.get(Unit, seksi.id)
    assert moved.path == f"/{agency.id}/{other.id}/{bidang.id}/{seksi.id}/"
    in_b = db.session.scalars(
        select(User).where(User.unit_id.in_(db.session.get(Unit, other.id).subtree_ids_select()))
    ).all()
    assert [u.id for u in in_b] == [person.id]


def test_unit_cannot_move_under_itself(make_unit):
    top = make_unit("Top")
    child = make_unit("Child", parent=top)
    with pytest.raises(ValueError):
        top.set_parent(child)
    with pytest.raises(ValueError):
        top.set_parent(top)


def test_tree_lists_depth_first(make_unit):
    b = make_unit("B")
    a = make_unit("A")
    make_unit("A2", parent=a)
    make_unit("A1", parent=a)
    assert [(u.name, d) for u, d in Unit.tree()] == [("A", 0), ("A1", 1), ("A2", 1), ("B", 0)]
    assert b.depth == 0


def test_supervisor_scope(make_unit, make_user):
    agency = make_unit("Pemkab")
    dinas = make_unit("Dinas", parent=agency)
    bidang = make_unit("Bidang", parent=dinas)
    elsewhere = make_unit("Lain", parent=agency)
    boss = make_user(roles=["supervisor"], unit=dinas)
    boss.supervised = [dinas]
    db.session.commit()
    inside = make_user(unit=bidang)
    outside = make_user(unit=elsewhere)
    report = make_user(unit=elsewhere, supervisor=boss)
    assert boss.can_see(inside) and boss.can_see(report)
    assert not boss.can_see(outside)
    visible = set(db.session.scalars(select(User.id).where(boss.scope_filter())))
    assert visible == {boss.id, inside.id, report.id}
