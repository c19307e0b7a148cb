"""Role checks on routes. Per-object checks live on the models (e.g. User.can_see)."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def role_required(*roles):
    """Allow signed-in users having any of `roles`; others get 403, anonymous users sign in."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = frozenset(roles)  # read by the route-walking test
        return wrapped

    return decorator
