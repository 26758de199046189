"""Password reset through a real SMTP server, and login throttling.

The reset mail goes out through Django's SMTP backend to an aiosmtpd server
listening on a free local port, so the message is built, encoded and sent as
in production; the test reads the link back out of what was received.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.test import Client

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-and-longer-passphrase"
RESET_LINK = re.compile(r"http://testserver(/accounts/reset/[^/\s]+/[^/\s]+/)")


class MailStore:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[MailStore]:
    store = MailStore()
    controller = Controller(store, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    try:
        yield store
    finally:
        controller.stop()


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def _log_in(client: Client, username: str, password: str) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_password_reset_sends_a_link_that_sets_a_new_password(
    client: Client, smtp_server: MailStore
) -> None:
    user = make_user("brewer", email="brewer@example.org", display_name="Bea Brewer")

    response = client.post("/accounts/password-reset/", {"email": "brewer@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert "Check your e-mail" in client.get(response["Location"]).content.decode()

    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert smtp_server.recipients[0] == ["brewer@example.org"]
    assert message["To"] == "brewer@example.org"
    body = _body(message)
    assert "Hello Bea Brewer" in body
    match = RESET_LINK.search(body)
    assert match, body
    link = match.group(1)

    # Django swaps the token for a session-bound URL before showing the form.
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert "Choose a new password" in form_page.content.decode()
    set_password_url = form_page.redirect_chain[-1][0]

    response = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/reset/done/"

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    response = _log_in(client, "brewer", NEW_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)

    # The link was for one use only.
    client.logout()
    reused = client.get(link, follow=True)
    assert "This link no longer works" in reused.content.decode()


def test_password_reset_refuses_a_new_password_that_is_too_weak(
    client: Client, smtp_server: MailStore
) -> None:
    make_user("brewer", email="brewer@example.org")
    client.post("/accounts/password-reset/", {"email": "brewer@example.org"})
    match = RESET_LINK.search(_body(smtp_server.messages[0]))
    assert match
    form_page = client.get(match.group(1), follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "123", "new_password2": "123"}
    )
    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()
    assert _log_in(client, "brewer", PASSWORD).status_code == 302


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(
    client: Client, smtp_server: MailStore
) -> None:
    make_user("brewer", email="brewer@example.org")
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.org"})
    # Same answer as for a known address: the page must not reveal who has an account.
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert smtp_server.messages == []


def test_login_throttling_locks_a_username_out_after_five_wrong_passwords(
    client: Client,
) -> None:
    user = make_user("brewer")
    statuses = [_log_in(client, "brewer", f"wrong-{n}").status_code for n in range(5)]
    # Four wrong passwords get the form back; the fifth reaches the limit and
    # is already answered with the lock-out page.
    assert statuses == [200, 200, 200, 200, 429]

    response = _log_in(client, "brewer", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed log-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session

    # Only that username is paused: another account from the same address logs in.
    other = make_user("other")
    assert _log_in(client, "other", PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)
    assert user.pk != other.pk


def test_login_throttling_forgets_failures_after_a_successful_login(client: Client) -> None:
    make_user("brewer")
    for n in range(4):
        assert _log_in(client, "brewer", f"wrong-{n}").status_code == 200
    assert _log_in(client, "brewer", PASSWORD).status_code == 302
    client.logout()
    for n in range(4):
        assert _log_in(client, "brewer", f"wrong-again-{n}").status_code == 200
    assert _log_in(client, "brewer", PASSWORD).status_code == 302
