"""The survey pages (thin): instruments (admin), answering (learners and supervisors), course
settings (instructors), reports. Each part has its own module."""

from . import (  # noqa: F401 (their pages)
    bp,
    instrument_routes,
    report_routes,
    settings_routes,
    taking_routes,
)
