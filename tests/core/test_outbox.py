"""Mail leaves through the outbox: only after the request's commit, through a real SMTP server
(aiosmtpd on the loopback), and a failed delivery stays pending until `flask outbox deliver`."""

from __future__ import annotations

import pytest
from flask import Blueprint

from pages import numbers
from support import allow_real_smtp, app_with_smtp, free_port, sign_in_as, smtp_server
from webapp.auth.models import Role
from webapp.core import mail
from webapp.core.outbox import OutboxMessage
from webapp.extensions import db as _db


@pytest.fixture
def smtp_app(db_url, monkeypatch):
    """An app of its own (same database) that sends mail by SMTP to a port on the loopback, with a
    route that enqueues a mail and then fails."""
    allow_real_smtp(monkeypatch)
    port = free_port()
    with app_with_smtp(db_url, port) as app:
        failing = Blueprint("failing", __name__)

        @failing.post("/test/mail-then-fail")
        def mail_then_fail():
            mail.send("someone@example.org", "Never", "This request fails after writing a mail.")
            return "refused", 422

        mail_then_fail.access_rule = "public"
        app.register_blueprint(failing)
        yield app, port


@pytest.fixture
def inbox(smtp_app):
    _app, port = smtp_app
    with smtp_server(port) as handler:
        yield handler


def _invite(app, admin, email):
    client = app.test_client()
    sign_in_as(client, admin)
    return client.post(
        "/admin/users/invite", data={"email": email, "name": "Ny Lärare", "language": "sv", "role": "coordinator"}
    )


def _messages():
    _db.session.rollback()
    return list(_db.session.scalars(_db.select(OutboxMessage).order_by(OutboxMessage.id)))


def test_an_invitation_goes_out_by_smtp_after_the_commit(smtp_app, inbox, make):
    app, _port = smtp_app
    admin = make.user(Role.ADMIN)
    assert _invite(app, admin, "ny@example.org").status_code == 302
    ((recipients, content),) = inbox.messages
    assert recipients == ["ny@example.org"] and "/invitation/" in content
    (message,) = _messages()
    assert message.delivered_at is not None and message.attempts == 1 and message.last_error == ""


def test_a_rolled_back_request_sends_nothing(smtp_app, inbox):
    app, _port = smtp_app
    assert app.test_client().post("/test/mail-then-fail").status_code == 422
    assert inbox.messages == [] and _messages() == []


def test_a_failed_delivery_stays_pending_until_delivered(smtp_app, make):
    app, port = smtp_app
    admin = make.user(Role.ADMIN)
    assert _invite(app, admin, "ny@example.org").status_code == 302  # nobody listens: the invitation still stands
    (message,) = _messages()
    assert message.delivered_at is None and message.attempts == 1 and "Error" in message.last_error
    with smtp_server(port) as handler, app.app_context():  # the command runs in this app, not in the suite's
        result = app.test_cli_runner().invoke(args=["outbox", "deliver"])
    assert result.exit_code == 0 and numbers(result.output) == [1, 0]  # delivered, still pending
    assert [r for r, _ in handler.messages] == [["ny@example.org"]]
    (message,) = _messages()
    assert message.delivered_at is not None and message.attempts == 2


def test_a_message_is_claimed_once_and_keeps_no_body_once_delivered(app, db, outbox):
    from datetime import timedelta

    from webapp.core import outbox as box
    from webapp.core.models import utcnow

    with app.test_request_context():
        mail.send("elin@example.org", "Länk", "https://grantpath.test/password/reset/secret-token")
        (ready,) = box.enqueued_in_request()
    db.session.commit()
    message_id = ready[0]
    assert box._claim(message_id, 0) is True
    assert box._claim(message_id, 0) is False  # a second deliverer that saw the same attempt gets nothing
    assert box.deliver([ready]) == 0 and outbox == []  # already claimed: not sent twice
    assert box.pending() == []  # nor offered to a second deliverer while the first may be sending it
    stored = db.session.get(OutboxMessage, message_id)
    stored.claimed_at = utcnow() - box.CLAIM_EXPIRES - timedelta(seconds=1)  # the first one died mid-send
    db.session.commit()
    assert box.deliver(box.pending()) == 1 and len(outbox) == 1
    db.session.expire_all()
    stored = db.session.get(OutboxMessage, message_id)
    assert stored.delivered_at is not None and stored.payload == {"to": "elin@example.org", "subject": "Länk"}
    assert box.pending() == []
