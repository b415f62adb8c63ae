"""A secured broker's refusals, as harness errors: ACLs that deny, logins that fail.

librdkafka reports an ACL refusal on the message, the fetch or the admin call that hit it
(``TOPIC_AUTHORIZATION_FAILED``, ``GROUP_AUTHORIZATION_FAILED``, ...), and a failed login only
to the client's ``error_cb`` (the client then retries it for ever, so a produce would just wait
out its timeout). ``refusal`` turns the first kind into ``NotAuthorized``; ``LoginWatch``, the
bus's ``error_cb``, remembers the second so that the wait can end with the reason.
"""

from __future__ import annotations

import threading

from confluent_kafka import KafkaError

from harness.errors import NotAuthorized

_ACL_REFUSALS = {
    KafkaError.TOPIC_AUTHORIZATION_FAILED: "TOPIC_AUTHORIZATION_FAILED",
    KafkaError.GROUP_AUTHORIZATION_FAILED: "GROUP_AUTHORIZATION_FAILED",
    KafkaError.CLUSTER_AUTHORIZATION_FAILED: "CLUSTER_AUTHORIZATION_FAILED",
    KafkaError.TRANSACTIONAL_ID_AUTHORIZATION_FAILED: "TRANSACTIONAL_ID_AUTHORIZATION_FAILED",
}
_LOGIN_FAILURES = (KafkaError._AUTHENTICATION, KafkaError.SASL_AUTHENTICATION_FAILED)


def refusal(
    error: KafkaError | None,
    principal: str,
    action: str,
    resource: str,
    *,
    channel: str | None = None,
) -> NotAuthorized | None:
    """The NotAuthorized an ACL refusal (or failed login) means; None for any other error."""
    if error is None:
        return None
    code = _ACL_REFUSALS.get(error.code())
    if code is not None:
        return NotAuthorized(principal, action, resource, code=code, channel=channel)
    if error.code() in _LOGIN_FAILURES:
        return login_refused(principal, error)
    return None


def login_refused(principal: str, error: KafkaError) -> NotAuthorized:
    """A failed SASL login: wrong user or password, or a mechanism the broker does not offer."""
    return NotAuthorized(
        principal,
        "log in to",
        "the cluster",
        code="SASL_AUTHENTICATION_FAILED",
        hint=f"check the user and password (the broker said: {error.str()})",
    )


class LoginWatch:
    """A client's ``error_cb``: remembers a failed login (other errors librdkafka retries)."""

    def __init__(self, principal: str) -> None:
        self.principal = principal
        self._failure: KafkaError | None = None
        self._lock = threading.Lock()

    def __call__(self, error: KafkaError) -> None:
        if error.code() in _LOGIN_FAILURES:
            with self._lock:
                self._failure = error

    @property
    def failure(self) -> NotAuthorized | None:
        """The failed login, if the broker refused one since this bus started."""
        with self._lock:
            error = self._failure
        return login_refused(self.principal, error) if error is not None else None

    def check(self) -> None:
        """Raise the failed login, if any."""
        failure = self.failure
        if failure is not None:
            raise failure
