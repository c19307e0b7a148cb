"""What each kind of notification says, put together when it is shown (in the reader's language).

A kind is a row of data, its short label and its sentence; adding a kind touches this registry
and the place that raises it. Parameters come from JSON written when the event happened: any
of them may be missing in an old row, and user-provided text in them (course titles, names) is
plain text that the templates escape like any other.
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


# Which survey is owed: SURVEY_DUE names one of these.
SURVEY_SUBJECTS = {
    "reaction": _l("reaction survey"),
    "followup": _l("follow-up survey"),
}


def _date(value):
    try:
        return local_date(date.fromisoformat(str(value)))
    except (TypeError, ValueError):
        return "?"


def _text(params, name):
    value = params.get(name)
    return "" if value is None else str(value)[:300]


def _int(params, name):
    try:
        return int(params.get(name) or 0)
    except (TypeError, ValueError):
        return 0


def _values(p):
    """Every placeholder of the sentences below, from a row's params (a kind uses some)."""
    what = APPROVAL_SUBJECTS.get(p.get("what"))
    return {
        "title": _text(p, "title"),
        "date": _date(p.get("due")),
        # Who did it: the one who assigned a course, or the one awaiting a decision.
        "name": _text(p, "by") or _text(p, "person"),
        "number": _text(p, "number"),
        "what": str(what) if what is not None else _("request"),
        "survey": str(SURVEY_SUBJECTS.get(p.get("survey"), _("survey"))),
        "question": _text(p, "question"),
        "badge": _text(p, "badge"),
        "reason": _text(p, "reason"),
        **{n: _int(p, n) for n in ("overdue", "below", "target", "year", "jp")},
    }


@dataclass(frozen=True)
class Kind:
    label: object  # a short tag shown before the sentence
    sentence: object  # the sentence, with %(placeholder)s of _values
    anonymous: object = None  # the sentence when the row names nobody ("by" empty)


KINDS = {
    K.DUE_SOON: Kind(_l("Due soon"), _l("The course “%(title)s” is due on %(date)s.")),
    K.OVERDUE: Kind(
        _l("Overdue"),
        _l("The course “%(title)s” was due on %(date)s and is not completed yet."),
    ),
    K.ASSIGNED: Kind(
        _l("New assignment"),
        _l("%(name)s assigned you the course “%(title)s”, due %(date)s."),
        anonymous=_l("You were assigned the course “%(title)s”, due %(date)s."),
    ),
    K.CERTIFICATE_ISSUED: Kind(
        _l("Certificate"), _l("Your certificate for “%(title)s” has been issued: %(number)s.")
    ),
    K.APPROVAL_NEEDED: Kind(
        _l("Awaiting your decision"),
        _l("%(name)s is waiting for your decision on a %(what)s: “%(title)s”."),
    ),
    K.TEAM_DIGEST: Kind(
        _l("Team summary"),
        _l(
            "Weekly summary of your team: %(overdue)d with overdue courses, %(below)d below "
            "%(target)d JP in %(year)d."
        ),
    ),
    K.SURVEY_DUE: Kind(
        _l("Survey"),
        _l("Please fill in the %(survey)s on “%(title)s” about %(name)s."),
        anonymous=_l("Please fill in the %(survey)s on “%(title)s”."),
    ),
    K.SURVEY_LOW: Kind(
        _l("Low rating"),
        _l("“%(title)s” scored low on the survey question “%(question)s”."),
    ),
    K.ACTIVITY_APPROVED: Kind(
        _l("Activity approved"),
        _l("%(name)s approved your activity “%(title)s”: %(jp)d JP."),
        anonymous=_l("Your activity “%(title)s” was approved: %(jp)d JP."),
    ),
    K.ACTIVITY_RETURNED: Kind(
        _l("Activity returned"),
        _l("%(name)s returned your activity “%(title)s”: %(reason)s"),
        anonymous=_l("Your activity “%(title)s” was returned: %(reason)s"),
    ),
    K.SESSION_TO_CONFIRM: Kind(
        _l("Session to confirm"),
        _l("%(name)s logged a mentoring session “%(title)s” on %(date)s: please confirm it."),
    ),
    K.BADGE_AWARDED: Kind(_l("Badge"), _l("You earned the badge “%(badge)s”.")),
    K.FILE_READY: Kind(_l("File ready"), _l("Your file “%(title)s” is ready to download.")),
}


def label(notification):
    kind = KINDS.get(notification.kind)
    return str(kind.label) if kind else _("Notification")


def message(notification):
    """The sentence of a notification in the current language (plain text, to be escaped)."""
    kind = KINDS.get(notification.kind)
    if kind is None:
        return _("Notification")
    params = notification.params or {}
    sentence = kind.anonymous if kind.anonymous and not params.get("by") else kind.sentence
    return str(sentence) % _values(params)
