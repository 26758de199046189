"""Password reset through a real SMTP server, and login throttling.

The reset mail goes out through Django's SMTP backend to an aiosmtpd server
listening on a free local port, so the message is built, encoded and sent as
in production; the test reads the link back out of what was received.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tests.factories import PASSWORD, make_user
from tests.mail import MailStore, plain_body

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-and-longer-passphrase"
RESET_LINK = re.compile(r"http://testserver(/accounts/reset/[^/\s]+/[^/\s]+/)")


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
    body = plain_body(message)
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
    match = RESET_LINK.search(plain_body(smtp_server.messages[0]))
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
