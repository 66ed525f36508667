"""Forgot-password takes the same path whether the address has an account or not: the reset mail
goes out after the response, so a slow mail server shows in no response. Replayed against a real
server thread and a real SMTP server (aiosmtpd) that holds every message until the test lets it
through: the answer for an existing account arrives while its mail is still held."""

from __future__ import annotations

import asyncio
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from aiosmtpd.controller import Controller
from werkzeug.serving import make_server

from support import Inbox, allow_real_smtp, app_with_smtp, free_port

EMAIL = "elin@example.org"


class HeldInbox(Inbox):
    """Takes each message only once `release` is set."""

    def __init__(self):
        super().__init__()
        self.release = threading.Event()
        self.arrived = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 60)
        answer = await super().handle_DATA(server, session, envelope)
        self.arrived.set()
        return answer


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def served(db_url, monkeypatch):
    allow_real_smtp(monkeypatch)
    port = free_port()
    inbox = HeldInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    with app_with_smtp(db_url, port, SERVER_NAME=None) as app:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}", inbox
        finally:
            inbox.release.set()
            server.shutdown()
            thread.join(timeout=10)
            controller.stop()


def _ask_for_reset(base: str, email: str) -> tuple[int, str]:
    opener = urllib.request.build_opener(NoRedirect)
    data = urllib.parse.urlencode({"email": email}).encode()
    try:
        with opener.open(f"{base}/password/forgot", data=data, timeout=30) as response:
            return response.status, response.headers.get("Location", "")
    except urllib.error.HTTPError as answer:  # the redirect, not followed
        return answer.code, answer.headers.get("Location", "")


def test_the_answer_does_not_wait_for_the_mail_server(served, make, db):
    base, inbox = served
    make.user(email=EMAIL)
    db.session.commit()
    db.session.close()  # the test holds no transaction while the server works
    known = _ask_for_reset(base, EMAIL)
    assert not inbox.arrived.is_set()  # answered while the mail server still holds the message
    unknown = _ask_for_reset(base, "nobody@example.org")
    assert known == unknown and known[0] == 302  # the same answer either way
    inbox.release.set()
    assert inbox.arrived.wait(60)
    assert [recipients for recipients, _text in inbox.messages] == [[EMAIL]]
