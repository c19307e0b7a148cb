"""What each kind of notification says, put together when it is shown (in the reader's language).

A kind owns its sentence and its short label; adding a kind touches this registry and the place
that raises it. Parameters come from JSON written when the event happened: any of them may be
missing in an old row, and user-provided text in them (course titles, names) is plain text that
the templates escape like any other.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..i18n import local_date
from ..models import NotificationKind as K

# What an approval request is about: the flows that raise APPROVAL_NEEDED name one of these.
APPROVAL_SUBJECTS = {
    "activity": _l("learning activity"),
    "plan": _l("development plan"),
    "course": _l("course version"),
}


def _date(value):
    try:
        return local_date(date.fromisoformat(str(value)))
    except (TypeError, ValueError):
        return "?"


def _text(params, name):
    value = params.get(name)
    return "" if value is None else str(value)[:300]


def _due_soon(p):
    return _(
        "The course “%(title)s” is due on %(date)s.",
        title=_text(p, "title"),
        date=_date(p.get("due")),
    )


def _overdue(p):
    return _(
        "The course “%(title)s” was due on %(date)s and is not completed yet.",
        title=_text(p, "title"),
        date=_date(p.get("due")),
    )


def _assigned(p):
    if p.get("by"):
        return _(
            "%(name)s assigned you the course “%(title)s”, due %(date)s.",
            name=_text(p, "by"),
            title=_text(p, "title"),
            date=_date(p.get("due")),
        )
    return _(
        "You were assigned the course “%(title)s”, due %(date)s.",
        title=_text(p, "title"),
        date=_date(p.get("due")),
    )


def _certificate(p):
    return _(
        "Your certificate for “%(title)s” has been issued: %(number)s.",
        title=_text(p, "title"),
        number=_text(p, "number"),
    )


def _approval(p):
    what = APPROVAL_SUBJECTS.get(p.get("what"))
    return _(
        "%(name)s is waiting for your decision on a %(what)s: “%(title)s”.",
        name=_text(p, "person"),
        what=str(what) if what is not None else _("request"),
        title=_text(p, "title"),
    )


def _digest(p):
    return _(
        "Weekly summary of your team: %(overdue)d with overdue courses, %(below)d below "
        "%(target)d JP in %(year)d.",
        overdue=int(p.get("overdue") or 0),
        below=int(p.get("below") or 0),
        target=int(p.get("target") or 0),
        year=int(p.get("year") or 0),
    )


@dataclass(frozen=True)
class Kind:
    label: object  # a short tag shown before the sentence
    message: object  # params -> the sentence


KINDS = {
    K.DUE_SOON: Kind(_l("Due soon"), _due_soon),
    K.OVERDUE: Kind(_l("Overdue"), _overdue),
    K.ASSIGNED: Kind(_l("New assignment"), _assigned),
    K.CERTIFICATE_ISSUED: Kind(_l("Certificate"), _certificate),
    K.APPROVAL_NEEDED: Kind(_l("Awaiting your decision"), _approval),
    K.TEAM_DIGEST: Kind(_l("Team summary"), _digest),
}


def label(notification):
    kind = KINDS.get(notification.kind)
    return str(kind.label) if kind else _("Notification")


def message(notification):
    """The sentence of a notification in the current language (plain text, to be escaped)."""
    kind = KINDS.get(notification.kind)
    if kind is None:
        return _("Notification")
    return kind.message(notification.params or {})
