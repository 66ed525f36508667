import re

import pytest
from flask_babel import gettext
from wtforms.validators import DataRequired, Email, EqualTo

from pages import field_errors, flashes, say, summary, validator_message
from support import TEST_PASSWORD
from webapp.auth import services as accounts
from webapp.auth.forms import ChoosePasswordForm, ProfileForm, ResetRequestForm, SignInForm


def sign_in(client, email, password=TEST_PASSWORD):
    return client.post("/sign-in", data={"email": email, "password": password})


def test_password_is_stored_as_argon2(make):
    user = make.user(password=TEST_PASSWORD)
    assert user.password_hash.startswith("$argon2id$")
    assert TEST_PASSWORD not in user.password_hash


def test_sign_in_with_any_email_case_and_sign_out(client, make):
    make.user(email="elin@example.org", password=TEST_PASSWORD)
    response = sign_in(client, "  Elin@Example.ORG ")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    client.post("/sign-out")
    assert client.get("/applications/").status_code == 302


WRONG_CREDENTIALS = {"elin@example.org": "wrong password", "nobody@example.org": TEST_PASSWORD}


@pytest.mark.parametrize("email,password", sorted(WRONG_CREDENTIALS.items()))
def test_wrong_credentials_give_one_message_that_reveals_nothing(client, make, email, password):
    make.user(email="elin@example.org", password=TEST_PASSWORD)
    response = sign_in(client, email, password)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert len(summary(page)) == 1 and field_errors(page) == {}  # one message for the form, no field singled out
    other_email = next(e for e in WRONG_CREDENTIALS if e != email)
    other = sign_in(client, other_email, WRONG_CREDENTIALS[other_email]).get_data(as_text=True)
    assert summary(other) == summary(page)  # a wrong password and an unknown address read the same
    assert f'value="{email}"' in page  # what was typed is kept
    assert client.get("/applications/").status_code == 302  # and nobody is signed in


def test_closed_account_cannot_sign_in(client, make):
    make.user(email="gone@example.org", password=TEST_PASSWORD, active=False)
    assert sign_in(client, "gone@example.org").status_code == 422


def test_empty_form_names_each_field(client):
    page = client.post("/sign-in", data={}).get_data(as_text=True)
    assert field_errors(page) == {
        "email": say(validator_message(SignInForm.email, DataRequired)),
        "password": say(validator_message(SignInForm.password, DataRequired)),
    }


def test_sign_in_is_throttled_with_a_clear_message(app, client, make):
    from webapp.auth.views import _throttled_response

    make.user(email="elin@example.org", password=TEST_PASSWORD)
    statuses = [sign_in(client, "elin@example.org", "wrong").status_code for _ in range(10)]
    assert statuses == [422] * 10
    blocked = sign_in(client, "elin@example.org")  # even the right password waits now
    assert blocked.status_code == 429
    with app.test_request_context("/sign-in", method="POST"):
        expected = summary(_throttled_response(None).get_data(as_text=True))
    assert len(expected) == 1 and summary(blocked.get_data(as_text=True)) == expected  # the throttle's own message
    assert client.get("/applications/").status_code == 302  # and it did not sign in


def test_next_parameter_only_follows_local_paths(client, make):
    make.user(email="elin@example.org", password=TEST_PASSWORD)
    response = client.post(
        "/sign-in?next=https://evil.example.com/", data={"email": "elin@example.org", "password": TEST_PASSWORD}
    )
    assert response.headers["Location"] == "/"
    client.post("/sign-out")
    response = client.post(
        "/sign-in?next=/applications/", data={"email": "elin@example.org", "password": TEST_PASSWORD}
    )
    assert response.headers["Location"] == "/applications/"


def _link(message) -> str:
    return re.search(r"http://grantpath\.test(/\S+)", message.get_content()).group(1)


def test_password_reset_by_mail_works_once(client, make, outbox):
    make.user(email="elin@example.org", password=TEST_PASSWORD, language="en")
    response = client.post("/password/forgot", data={"email": "elin@example.org"})
    assert response.status_code == 302
    assert len(outbox) == 1 and outbox[0]["To"] == "elin@example.org"

    # In the user's language (English), not the request's (Swedish): one of the few checks on copy.
    def subject():
        return gettext("Reset your Grantpath password")

    assert outbox[0]["Subject"] == say(subject, "en") != say(subject, "sv")
    link = _link(outbox[0])
    assert client.get(link).status_code == 200
    weak = client.post(link, data={"password": "short", "confirm": "short"})
    assert weak.status_code == 422
    done = client.post(link, data={"password": "a brand new password", "confirm": "a brand new password"})
    assert done.status_code == 302
    client.post("/sign-out")
    assert client.get(link).status_code == 404  # used once, never again
    assert sign_in(client, "elin@example.org", "a brand new password").status_code == 302


def test_reset_for_unknown_email_says_the_same_and_sends_nothing(client, outbox):
    response = client.post("/password/forgot", data={"email": "nobody@example.org"}, follow_redirects=True)
    ((category, message),) = flashes(response.get_data(as_text=True))
    assert category == "info" and "nobody@example.org" in message  # the same answer as for a known address
    assert outbox == []


def test_reset_form_keeps_bad_email_and_explains(client):
    response = client.post("/password/forgot", data={"email": "not an email"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'value="not an email"' in page
    assert field_errors(page) == {"email": say(validator_message(ResetRequestForm.email, Email))}


def test_tampered_or_expired_token_is_refused(app, client, make):
    user = make.user(password=TEST_PASSWORD)
    token = accounts.make_token(user, accounts.RESET)
    assert client.get(f"/password/reset/{token}x").status_code == 404
    # An invitation token is no reset token.
    assert client.get(f"/password/reset/{accounts.make_token(user, accounts.INVITATION)}").status_code == 404
    app.config["TOKEN_MAX_AGE"] = -1
    try:
        assert client.get(f"/password/reset/{token}").status_code == 404
    finally:
        app.config["TOKEN_MAX_AGE"] = 60 * 60 * 24


def test_account_page_changes_name_language_and_password(login, make, db):
    user = make.user(password=TEST_PASSWORD)
    client = login(user)
    bad = client.post("/account", data={"name": "", "language": "en"})
    assert bad.status_code == 422
    assert field_errors(bad.get_data(as_text=True)) == {"name": say(validator_message(ProfileForm.name, DataRequired))}
    assert client.post("/account", data={"name": "Elin L", "language": "en"}).status_code == 302
    assert 'lang="en"' in client.get("/account").get_data(as_text=True)  # the pages follow the new language
    mismatch = client.post(
        "/account",
        data={"pw-current_password": TEST_PASSWORD, "pw-password": "a new long password", "pw-confirm": "another one"},
    )
    assert mismatch.status_code == 422
    assert field_errors(mismatch.get_data(as_text=True)) == {
        "pw-confirm": say(validator_message(ChoosePasswordForm.confirm, EqualTo), "en")
    }
    assert (
        client.post(
            "/account",
            data={
                "pw-current_password": TEST_PASSWORD,
                "pw-password": "a new long password",
                "pw-confirm": "a new long password",
            },
        ).status_code
        == 302
    )
    db.session.refresh(user)
    assert user.name == "Elin L" and user.language == "en"
    assert accounts.authenticate(user.email, "a new long password") is not None


def test_session_cookie_is_http_only_and_lax(client, make):
    make.user(email="elin@example.org", password=TEST_PASSWORD)
    response = sign_in(client, "elin@example.org")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_cookies_are_secure_unless_configured_otherwise(db_url):
    from webapp import create_app

    app = create_app({"SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": db_url})
    assert app.config["SESSION_COOKIE_SECURE"] is True and app.config["REMEMBER_COOKIE_SECURE"] is True


def test_security_headers(client):
    response = client.get("/sign-in")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
