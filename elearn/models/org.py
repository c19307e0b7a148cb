"""Organisation units: instansi -> unit kerja / OPD -> sub-units, as a tree."""

from sqlalchemy import ForeignKey, String, func, select, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class Unit(db.Model):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Short code used in CSV files and exports (e.g. "BKPSDM", "DISKOMINFO-TI").
    code: Mapped[str] = mapped_column(String(50), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # Materialized path of ids, "/1/4/9/": a subtree is one indexed prefix match, so scope
    # queries stay a single SQL statement however deep the tree is.
    path: Mapped[str] = mapped_column(String(500), index=True, default="")

    parent: Mapped["Unit | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Unit"]] = relationship(back_populates="parent", order_by="Unit.name")

    def __repr__(self):
        return f"<Unit {self.code}>"

    @property
    def depth(self):
        return self.path.count("/") - 2

    def subtree_ids_select(self):
        return select(Unit.id).where(Unit.path.startswith(self.path))

    def is_within(self, other):
        """True if this unit is `other` or one of its sub-units."""
        return self.path.startswith(other.path)

    def ancestors(self):
        ids = [int(p) for p in self.path.strip("/").split("/")[:-1] if p]
        if not ids:
            return []
        by_id = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(ids)))}
        return [by_id[i] for i in ids if i in by_id]

    def set_parent(self, parent):
        """Attach under `parent` (or at the top) and rewrite the paths of the whole subtree."""
        if parent is not None and parent.path and parent.path.startswith(self.path or "\0"):
            raise ValueError("a unit cannot be placed under itself or its own sub-unit")
        self.parent = parent
        if self.id is None:
            db.session.add(self)
            db.session.flush()
        old = self.path
        new = f"{parent.path if parent else '/'}{self.id}/"
        if old and old != new:
            db.session.execute(
                update(Unit)
                .where(Unit.path.startswith(old))
                .values(path=new + func.substr(Unit.path, len(old) + 1))
                .execution_options(synchronize_session=False)
            )
            db.session.expire_all()
        self.path = new
        db.session.flush()

    @staticmethod
    def tree():
        """All units in display order (depth-first, siblings by name), with their depth."""
        units = db.session.scalars(select(Unit)).all()
        children = {}
        for u in units:
            children.setdefault(u.parent_id, []).append(u)
        for sibs in children.values():
            sibs.sort(key=lambda u: u.name.lower())
        out = []

        def walk(parent_id, depth):
            for u in children.get(parent_id, []):
                out.append((u, depth))
                walk(u.id, depth + 1)

        walk(None, 0)
        return out
