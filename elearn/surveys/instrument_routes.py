"""Survey pages: instrument_routes (see elearn/surveys/routes.py)."""

from . import bp  # noqa: F401
