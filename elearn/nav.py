"""The main navigation, by role. Features add their entries here."""

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

# (key, endpoint, label, roles that see it; None = every signed-in user)
NAV = [
    ("home", "main.home", _l("Home"), None),
    ("catalog", "catalog.index", _l("Courses"), None),
    ("certificates", "certificates.index", _l("Certificates"), None),
    ("teaching", "authoring.index", _l("Teaching"), {"instructor", "admin"}),
    ("team", "supervision.dashboard", _l("My team"), {"supervisor", "admin"}),
    ("users", "admin.users", _l("Users"), {"admin"}),
    ("units", "admin.units", _l("Units"), {"admin"}),
    ("audit", "admin.audit_log", _l("Audit log"), {"admin"}),
    ("certificates_admin", "certificates.admin_list", _l("Manage certificates"), {"admin"}),
]


def nav_items():
    if not current_user.is_authenticated:
        return []
    items = []
    endpoints = current_app.view_functions
    for key, endpoint, label, roles in NAV:
        if endpoint not in endpoints or (roles and not current_user.has_role(*roles)):
            continue
        items.append(
            {"key": key, "url": url_for(endpoint), "label": label,
             "active": request.endpoint == endpoint}
        )  # fmt: skip
    return items
