"""Survey pages: report_routes (see elearn/surveys/routes.py)."""

from . import bp  # noqa: F401
