"""Sign-in throttling: failed attempts counted per account and per client address.

The counts live in the limiter's storage (RATELIMIT_STORAGE_URI): Redis shared by every app
host in production, so that an account's failures on one host count on all of them. The
limits fail closed: while the storage cannot be reached, no attempt is checked against a
password at all (the caller answers 503 "try again in a moment"), since counting nowhere would
let a guesser through unlimited. Nothing is remembered about the outage: the first attempt
after the storage answers again is counted and checked as usual, without any restart.
"""

import time

from flask import current_app, request
from flask_limiter.util import get_remote_address
from limits import parse
from limits.strategies import STRATEGIES

from ..extensions import limiter
from .services import account_key


class CountsUnavailable(Exception):
    """The storage of the sign-in counts did not answer: refuse the attempt (fail closed)."""


class SignInThrottle:
    """The limits of one sign-in attempt, by the identifier typed and the client's address."""

    def __init__(self, identifier):
        cfg = current_app.config
        self.enabled = cfg.get("RATELIMIT_ENABLED", True)
        # The account's key is read from the database before the storage is asked anything,
        # so that a database problem is never taken for a limiter outage.
        self.limits = [
            (parse(cfg["LOGIN_LIMIT_PER_IP"]), ("login-ip", get_remote_address() or "-")),
            (
                parse(cfg["LOGIN_LIMIT_PER_ACCOUNT"]),
                ("login-account", "account:" + (account_key(identifier) or "-")),
            ),
        ]

    def _strategy(self):
        name = current_app.config.get("RATELIMIT_STRATEGY") or "fixed-window"
        return STRATEGIES[name](limiter.storage)

    def wait_seconds(self):
        """Seconds until a limit that is used up lets this attempt through; 0 when none is.
        Raises CountsUnavailable when the counts cannot be read."""
        if not self.enabled:
            return 0
        strategy, wait = self._strategy(), 0
        try:
            for item, keys in self.limits:
                if not strategy.test(item, *keys):
                    reset_at = strategy.get_window_stats(item, *keys).reset_time
                    wait = max(wait, int(reset_at - time.time()) + 1)
        except Exception as err:
            _outage(err)
            raise CountsUnavailable from err
        return wait

    def count_failure(self):
        """Count a failed attempt against every limit. A storage that stopped answering since
        wait_seconds() loses this one count; the next attempt is refused until it is back."""
        if not self.enabled:
            return
        strategy = self._strategy()
        try:
            for item, keys in self.limits:
                strategy.hit(item, *keys)
        except Exception as err:
            _outage(err)


def _outage(err):
    current_app.logger.warning(
        "sign-in refused: the sign-in limit storage cannot be reached (%s: %s) from %s",
        type(err).__name__, err, request.remote_addr,
    )  # fmt: skip
