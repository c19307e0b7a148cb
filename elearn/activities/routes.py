"""The development pages (thin): a person's activities and the supervisor's decisions, the
kinds' rules (admin), mentoring, projects, partners, recognition. Each part has its own module."""

from . import bp  # noqa: F401

# Each part's module registers its pages on `bp` when imported (see PARTS).
PARTS = (
    "activity_routes",
    "kind_routes",
    "mentoring_routes",
    "project_routes",
    "partner_routes",
    "recognition_routes",
)


def load_parts():
    import importlib

    for name in PARTS:
        try:
            importlib.import_module(f"{__package__}.{name}")
        except ModuleNotFoundError as exc:  # a part not written yet
            if exc.name != f"{__package__}.{name}":
                raise


load_parts()
