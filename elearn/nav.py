"""The main navigation, by role. Features add their entries here.

Few entries, so that the bar stays on one line on an office PC (1366 px): a feature's further
pages are reached from its entry's page (the learner's competencies lead to the development
plan; the admin's entry is a page listing every admin area)."""

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .routing import kept_url_for

# (key, endpoint, label, roles that see it (None = every signed-in user),
#  endpoint prefixes under which the entry is the current one)
NAV = [
    ("home", "main.home", _l("Home"), None, ()),
    ("catalog", "catalog.index", _l("Courses"), None, ("catalog.",)),
    ("certificates", "certificates.index", _l("Certificates"), None, ("certificates.index",)),
    (
        "competencies",
        "competencies.needs_mine",
        _l("My competencies"),
        None,
        (
            "competencies.needs_mine",
            "competencies.my_plan",
            "competencies.plan_",
            "activities.index",
            "activities.new",
            "activities.detail",
            "activities.edit",
            "activities.mentoring",
            "activities.pair",
            "activities.recognition",
        ),
    ),
    ("teaching", "authoring.index", _l("Teaching"), {"instructor", "admin"}, ("authoring.",)),
    (
        "team",
        "supervision.dashboard",
        _l("My team"),
        {"supervisor", "admin"},
        (
            "supervision.",
            "competencies.needs_team",
            "competencies.needs_units",
            "competencies.needs_people",
            "competencies.needs_assess",
            "competencies.plans",
            "competencies.person_plan",
            "activities.review",
            "activities.projects",
            "activities.project",
            "activities.recognition_units",
        ),
    ),
    (
        "admin",
        "admin.index",
        _l("Administration"),
        {"admin"},
        (
            "admin.",
            "certificates.admin",
            "competencies.dictionary",
            "competencies.standards",
            "activities.kind",
            "activities.partner",
        ),
    ),
]


def _current(endpoint, marks):
    return bool(endpoint) and any(endpoint.startswith(mark) for mark in marks)


def nav_items():
    if not current_user.is_authenticated:
        return []
    items = []
    endpoints = current_app.view_functions
    for key, endpoint, label, roles, marks in NAV:
        if endpoint not in endpoints or (roles and not current_user.has_role(*roles)):
            continue
        active = request.endpoint == endpoint or _current(request.endpoint, marks)
        items.append(
            {"key": key, "url": kept_url_for(endpoint), "label": label, "active": active}
        )  # fmt: skip
    return items
