"""Account security (issue 11): each test replays an attack on sign-in, the session or a mailed
link, through the pages, as an attacker would."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import gettext
from limits import parse_many

from pages import field_errors, parse, say, summary
from support import TEST_PASSWORD, build_app
from webapp.auth import services as accounts
from webapp.auth.forms import AccountPasswordForm
from webapp.auth.models import Role
from webapp.extensions import db as _db

HOST = "grantpath.test"  # SERVER_NAME in the tests: the domain the test client keeps cookies for
EMAIL = "elin@example.org"
NEW_PASSWORD = "a brand new password"
ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"


def sign_in(client, email=EMAIL, password=TEST_PASSWORD, *, remember=False, addr=None):
    data = {"email": email, "password": password, **({"remember": "y"} if remember else {})}
    return client.post("/sign-in", data=data, **({"environ_base": {"REMOTE_ADDR": addr}} if addr else {}))


def copied(app, source, name):
    """What someone who copied one cookie out of a browser holds: a client with only that cookie."""
    cookie = source.get_cookie(name, domain=HOST)
    assert cookie is not None, f"no {name} cookie to copy"
    thief = app.test_client()
    thief.set_cookie(name, cookie.value, domain=HOST)
    return thief


def signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def _link(message) -> str:
    return re.search(r"http://grantpath\.test(/\S+)", message.get_content()).group(1)


# --- 1. Sign-out and a new password revoke every copy of the session ------------------------------


def test_a_copied_session_cookie_dies_at_sign_out(app, client, make):
    make.user(email=EMAIL, password=TEST_PASSWORD)
    assert sign_in(client).status_code == 302
    thief = copied(app, client, "session")
    assert signed_in(thief)  # the copy works while the owner is signed in
    client.post("/sign-out")
    assert not signed_in(client)
    assert not signed_in(thief)


def test_a_copied_remember_me_cookie_dies_at_sign_out(app, client, make):
    make.user(email=EMAIL, password=TEST_PASSWORD)
    assert sign_in(client, remember=True).status_code == 302
    thief = copied(app, client, "remember_token")
    assert signed_in(thief)
    client.post("/sign-out")
    assert client.get_cookie("remember_token", domain=HOST) is None  # the browser's own copy is deleted
    assert not signed_in(client)
    assert not signed_in(thief)


@pytest.mark.parametrize("how", ["account page", "reset link"])
def test_a_new_password_signs_out_every_other_device(app, client, make, outbox, how):
    make.user(email=EMAIL, password=TEST_PASSWORD)
    laptop = app.test_client()
    assert sign_in(laptop, remember=True).status_code == 302
    thief = copied(app, laptop, "remember_token")
    if how == "account page":
        assert sign_in(client, remember=True).status_code == 302
        changed = client.post(
            "/account",
            data={"pw-current_password": TEST_PASSWORD, "pw-password": NEW_PASSWORD, "pw-confirm": NEW_PASSWORD},
        )
        assert changed.status_code == 302
        assert signed_in(client)  # the device that changed the password stays signed in,
        assert signed_in(copied(app, client, "remember_token"))  # and is still remembered
    else:
        client.post("/password/forgot", data={"email": EMAIL})
        link = _link(outbox[-1])
        assert client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert not signed_in(laptop)
    assert not signed_in(thief)


def test_sign_out_everywhere_ends_every_session(app, client, make):
    make.user(email=EMAIL, password=TEST_PASSWORD)
    phone = app.test_client()
    assert sign_in(phone, remember=True).status_code == 302
    assert sign_in(client).status_code == 302
    button = parse(client.get("/account").get_data(as_text=True)).find("form", action="/sign-out/everywhere")
    assert button is not None and button.attrs["method"] == "post"
    assert client.post("/sign-out/everywhere").status_code == 302
    assert not signed_in(client)
    assert not signed_in(phone)


def test_remember_me_lasts_a_bounded_time(app, client, make):
    make.user(email=EMAIL, password=TEST_PASSWORD)
    sign_in(client, remember=True)
    cookie = client.get_cookie("remember_token", domain=HOST)
    assert cookie.expires <= datetime.now(UTC) + timedelta(days=14, minutes=1)


# --- 2. A new password needs the current one, and the owner hears of it ----------------------------


def test_changing_the_password_needs_the_current_one_and_tells_the_owner(client, make, outbox):
    make.user(email=EMAIL, password=TEST_PASSWORD, language="en")
    assert sign_in(client).status_code == 302
    typed = {"pw-password": NEW_PASSWORD, "pw-confirm": NEW_PASSWORD}
    wrong = client.post("/account", data={"pw-current_password": "someone's guess", **typed})
    assert wrong.status_code == 422
    page = wrong.get_data(as_text=True)
    # The message is next to that field, in the page's language (the user's: English).
    assert field_errors(page) == {"pw-current_password": say(AccountPasswordForm.WRONG_CURRENT, "en")}
    assert page.count(f'value="{NEW_PASSWORD}"') == 2  # what else was typed is kept
    assert client.post("/account", data=typed).status_code == 422  # leaving it out is no way round
    assert accounts.authenticate(EMAIL, TEST_PASSWORD) is not None and outbox == []
    assert client.post("/account", data={"pw-current_password": TEST_PASSWORD, **typed}).status_code == 302
    assert accounts.authenticate(EMAIL, NEW_PASSWORD) is not None
    (mail,) = outbox

    def subject():
        return gettext("Your Grantpath password was changed")

    assert mail["To"] == EMAIL and mail["Subject"] == say(subject, "en")  # in the owner's language
    assert "http://grantpath.test/password/forgot" in mail.get_content()  # what to do if it was not them


def test_guessing_the_current_password_on_the_account_page_is_throttled(app, client, make):
    make.user(email=EMAIL, password=TEST_PASSWORD)
    assert sign_in(client).status_code == 302
    allowed = parse_many(app.config["SIGNIN_LIMITS"])[0].amount
    typed = {"pw-password": NEW_PASSWORD, "pw-confirm": NEW_PASSWORD}
    statuses = [
        client.post("/account", data={"pw-current_password": f"guess {i}", **typed}).status_code
        for i in range(allowed + 1)
    ]
    assert statuses == [422] * allowed + [429]
    assert client.post("/account", data={"pw-current_password": TEST_PASSWORD, **typed}).status_code == 429
    assert accounts.authenticate(EMAIL, TEST_PASSWORD) is not None
    assert client.post("/account", data={"name": "Elin", "language": "sv"}).status_code == 302  # details still save


def test_the_account_page_is_not_stored_by_browsers_or_proxies(client, make):
    make.user(email=EMAIL, password=TEST_PASSWORD)
    sign_in(client)
    assert "no-store" in client.get("/account").headers.get("Cache-Control", "")
    wrong = client.post("/account", data={"pw-current_password": "x", "pw-password": "y", "pw-confirm": "y"})
    assert "no-store" in wrong.headers.get("Cache-Control", "")


# --- 3. Failed sign-ins count per address and client, and only failures count -----------------------


def test_an_attacker_cannot_lock_the_owner_out(app, make):
    make.user(email=EMAIL, password=TEST_PASSWORD)
    allowed = parse_many(app.config["SIGNIN_LIMITS"])[0].amount
    attacker = app.test_client()
    statuses = [sign_in(attacker, password=f"guess {i}", addr=ATTACKER).status_code for i in range(allowed + 1)]
    assert statuses == [422] * allowed + [429]
    blocked = sign_in(attacker, addr=ATTACKER)  # from the attacker's client even the right password waits
    assert blocked.status_code == 429
    from webapp.auth.views import _throttled_response

    with app.test_request_context("/sign-in", method="POST"):
        expected = summary(_throttled_response(None).get_data(as_text=True))
    assert len(expected) == 1 and summary(blocked.get_data(as_text=True)) == expected  # the message on the form
    owner = app.test_client()
    assert sign_in(owner, addr=OWNER).status_code == 302  # the owner, elsewhere, is not locked out
    assert signed_in(owner) and not signed_in(attacker)


def test_only_failed_sign_ins_count(app, make):
    make.user(email=EMAIL, password=TEST_PASSWORD)
    client = app.test_client()
    allowed = parse_many(app.config["SIGNIN_LIMITS"])[0].amount
    for _ in range(allowed + 2):  # a school's shared computer: one person after another signs in
        assert sign_in(client, addr=OWNER).status_code == 302
        client.post("/sign-out")


def test_one_client_trying_many_addresses_is_throttled(app, make):
    make.user(email=EMAIL, password=TEST_PASSWORD)
    allowed = parse_many(app.config["SIGNIN_CLIENT_LIMITS"])[0].amount
    sprayer = app.test_client()
    statuses = [
        sign_in(sprayer, f"person{i}@example.org", "Spring2027!", addr=ATTACKER).status_code for i in range(allowed + 1)
    ]
    assert statuses == [422] * allowed + [429]
    assert sign_in(app.test_client(), addr=OWNER).status_code == 302  # another client is not affected


# --- 4. Mailed links point at PUBLIC_URL, whatever Host the request named ----------------------------


@pytest.fixture
def public_app(db_url):
    """An app as in production: no SERVER_NAME, so nothing but PUBLIC_URL names the site."""
    app = build_app(db_url, SERVER_NAME=None, PUBLIC_URL="https://grantpath.example.org")
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def _links(app) -> list[str]:
    return [
        link
        for message in app.extensions.get("mail_outbox", [])
        for link in re.findall(r"\w+://\S+", message.get_content())
    ]


def test_a_reset_link_ignores_the_host_header(public_app, make):
    make.user(email=EMAIL, password=TEST_PASSWORD)
    client = public_app.test_client()
    response = client.post("/password/forgot", data={"email": EMAIL}, headers={"Host": "evil.example"})
    assert response.status_code == 302
    links = _links(public_app)
    assert links and all(link.startswith("https://grantpath.example.org/password/reset/") for link in links), links


def test_an_invitation_link_ignores_the_host_header(public_app, make):
    admin = make.user(Role.ADMIN)
    _db.session.commit()
    client = public_app.test_client()
    with client.session_transaction(base_url="http://evil.example") as session:
        session["_user_id"] = admin.get_id()
        session["_fresh"] = True
    response = client.post(
        "/admin/users/invite",
        data={"email": "ny@example.org", "name": "Ny", "language": "sv", "role": "coordinator"},
        base_url="http://evil.example",
    )
    assert response.status_code == 302
    links = _links(public_app)
    assert links and all(link.startswith("https://grantpath.example.org/invitation/") for link in links), links


def test_trusted_hosts_refuse_any_other_host_name(db_url):
    app = build_app(db_url, SERVER_NAME=None, TRUSTED_HOSTS=["grantpath.example.org"])
    try:
        client = app.test_client()
        assert client.get("/sign-in", headers={"Host": "grantpath.example.org"}).status_code == 200
        assert client.get("/sign-in", headers={"Host": "evil.example"}).status_code == 400
    finally:
        with app.app_context():
            _db.engine.dispose()


@pytest.mark.parametrize(
    "target,followed",
    [
        ("/applications/3", True),
        ("/applications/3?lang=en", True),
        ("//evil.example", False),
        ("/\\evil.example", False),  # browsers read the backslash as a slash (found in review)
        ("/\tevil", False),
        ("https://evil.example/", False),
    ],
)
def test_only_plain_same_site_paths_are_followed_after_a_form(target, followed):
    from webapp.core.web import safe_next

    assert (safe_next(target, "/") == target) is followed


@pytest.mark.parametrize("hops", [0, 1])
def test_behind_a_proxy_each_client_counts_on_its_own_only_when_the_proxy_is_trusted(db_url, make, hops):
    """Every request comes from the proxy's address; the client's is in X-Forwarded-For."""
    app = build_app(db_url, PROXY_FIX_HOPS=hops)
    make.user(email=EMAIL, password=TEST_PASSWORD)
    _db.session.commit()
    allowed = parse_many(app.config["SIGNIN_LIMITS"])[0].amount

    def through_proxy(client, password, behind):
        data = {"email": EMAIL, "password": password}
        proxy = {"REMOTE_ADDR": "127.0.0.1"}
        return client.post("/sign-in", data=data, headers={"X-Forwarded-For": behind}, environ_base=proxy)

    attacker = app.test_client()
    for i in range(allowed + 1):
        through_proxy(attacker, f"guess {i}", ATTACKER)
    owner = through_proxy(app.test_client(), TEST_PASSWORD, OWNER).status_code
    assert owner == (302 if hops else 429)  # untrusted, the header is ignored and everyone is the proxy
    with app.app_context():
        _db.engine.dispose()
