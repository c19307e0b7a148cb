"""The competency pages (thin): the admin's dictionary and standards, a person's assessment
and gaps, the unit heatmap, development plans. Each part has its own module."""

from . import (  # noqa: F401 (their pages)
    bp,
    dictionary_routes,
    needs_routes,
    plan_routes,
)
