"""The admin's page of the organisation's mail that has not gone out (issue 16): what it lists, to
whom, and sending it again."""

from __future__ import annotations

import pytest
import redis
from flask import g

from pages import flashes, numbers, parse
from querycount import count_queries
from support import allow_real_smtp, app_with_smtp, build_app, free_port, sign_in_as
from webapp.admin import mail as outgoing_mail
from webapp.auth.models import Role
from webapp.core import jobs
from webapp.core.audit import AuditEvent
from webapp.core.models import utcnow
from webapp.core.outbox import MAX_ATTEMPTS, OutboxMessage
from webapp.extensions import db as _db

SECRET = "https://grantpath.example/reset/SECRET-TOKEN"
QUEUE = "redis://127.0.0.1:6379/7"


@pytest.fixture
def world(make, db):
    org, other_org = make.organisation("Solna stad"), make.organisation("Sundbyberg")
    school = make.school(org)
    people = {
        "admin": make.user(Role.ADMIN, organisation=org),
        "teacher": make.user(Role.TEACHER, school=school, email="elin@example.org"),
        "other_admin": make.user(Role.ADMIN, organisation=other_org),
        "stranger": make.user(Role.TEACHER, school=make.school(other_org), email="ola@example.org"),
    }
    db.session.commit()
    return org, other_org, people


def _message(db, to, *, attempts=0, error="", delivered=False, subject="Återställ lösenordet", **extra):
    payload = {"to": to, "subject": subject, "body": f"Klicka: {SECRET}", **extra}
    message = OutboxMessage(
        kind="mail",
        payload=payload,
        attempts=attempts,
        last_error=error,
        delivered_at=utcnow() if delivered else None,
    )
    db.session.add(message)
    db.session.commit()
    return message


def _rows(html):
    return {int(tr.id.removeprefix("mail-")): tr for tr in parse(html).find_all("tr") if tr.id}


def test_the_admin_sees_the_organisations_undelivered_mail_and_nothing_else(login, world, db):
    _org, _other, people = world
    given_up = _message(
        db,
        "elin@example.org",
        attempts=MAX_ATTEMPTS,
        error="SMTPRecipientsRefused: {'elin@example.org': (550, b'No such user')}",
        attachment={"filename": "intyg-ATTACHED.pdf", "pdf": "JVBERi0="},
    )
    waiting = _message(
        db, "Partner@Gladsaxe.dk", attempts=2, error="ConnectionRefusedError: [Errno 111]", reply_to="ELIN@example.org"
    )  # an answer goes to one of ours
    _message(db, "ola@example.org", attempts=MAX_ATTEMPTS, error="x")  # another organisation's
    _message(db, "elin@example.org", attempts=1, delivered=True)  # gone out
    _message(db, "nobody@example.org", attempts=3)  # nobody's of ours

    response = login(people["admin"]).get("/admin/mail")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    rows = _rows(html)
    assert set(rows) == {given_up.id, waiting.id}
    assert rows[given_up.id].attrs["data-state"] == "given-up"
    assert rows[waiting.id].attrs["data-state"] == "waiting"
    cells = [td.text() for td in rows[given_up.id].find_all("td")]
    assert cells[1:4] == ["elin@example.org", "Återställ lösenordet", str(MAX_ATTEMPTS)]
    assert cells[4].startswith("SMTPRecipientsRefused") and len(cells[4]) <= outgoing_mail.ERROR_CHARS
    assert "SECRET-TOKEN" not in html and "Klicka" not in html and "ATTACHED" not in html  # never the body
    assert parse(html).find("table").find("caption") is not None
    assert parse(html).find(id="mail-empty") is None
    assert parse(html).find("form", action="/admin/mail/retry") is not None
    assert parse(html).find("a", href="/admin/mail").attrs.get("aria-current") == "page"


def test_an_empty_list_says_so_and_offers_no_button(login, world, db):
    _org, _other, people = world
    _message(db, "elin@example.org", delivered=True)
    page = parse(login(people["admin"]).get("/admin/mail").get_data(as_text=True))
    assert page.find(id="mail-empty") is not None
    assert page.find("table") is None and page.find("form", action="/admin/mail/retry") is None


def test_a_teacher_is_refused_and_another_organisations_admin_sees_only_their_own(app, world, db, login):
    _org, _other, people = world
    ours = _message(db, "elin@example.org", attempts=MAX_ATTEMPTS)
    theirs = _message(db, "ola@example.org", attempts=MAX_ATTEMPTS)
    assert login(people["teacher"]).get("/admin/mail").status_code == 403
    assert app.test_client().get("/admin/mail").status_code == 302  # to the sign-in
    response = login(people["other_admin"]).get("/admin/mail")
    assert set(_rows(response.get_data(as_text=True))) == {theirs.id}
    assert login(people["teacher"]).post("/admin/mail/retry").status_code == 403
    db.session.rollback()
    assert db.session.get(OutboxMessage, ours.id).attempts == MAX_ATTEMPTS


def test_send_again_resets_the_messages_and_the_mail_goes_out(login, world, db, outbox):
    org, _other, people = world
    given_up = _message(db, "elin@example.org", attempts=MAX_ATTEMPTS, error="SMTPServerDisconnected: gone")
    waiting = _message(db, "partner@gladsaxe.dk", attempts=4, error="TimeoutError", reply_to="elin@example.org")
    theirs = _message(db, "ola@example.org", attempts=MAX_ATTEMPTS, error="x")

    response = login(people["admin"]).post("/admin/mail/retry", follow_redirects=True)

    assert response.status_code == 200 and response.request.path == "/admin/mail"
    ((category, text),) = flashes(response.get_data(as_text=True))
    assert category == "success" and numbers(text) == [2]
    assert sorted(mail["To"] for mail in outbox) == ["elin@example.org", "partner@gladsaxe.dk"]
    db.session.rollback()
    for message in (given_up, waiting):
        sent = db.session.get(OutboxMessage, message.id)
        assert sent.delivered_at is not None and sent.attempts == 1 and "body" not in sent.payload
    assert db.session.get(OutboxMessage, theirs.id).attempts == MAX_ATTEMPTS  # another organisation's: left
    (event,) = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "outbox.sent_again"))
    assert event.organisation_id == org.id and event.actor_id == people["admin"].id
    assert _rows(response.get_data(as_text=True)) == {}  # the page after the redirect: all gone out


def test_send_again_keeps_the_last_error_and_delivers_after_the_commit(app, world, db):
    org, _other, people = world
    given_up = _message(db, "elin@example.org", attempts=MAX_ATTEMPTS, error="SMTPServerDisconnected: gone")
    sending = _message(db, "elin@example.org", attempts=1)
    sending.claimed_at = utcnow()  # a deliverer has it right now: it would go out twice
    db.session.commit()
    with app.test_request_context(method="POST"):
        assert outgoing_mail.retry(people["admin"], org) == 1
        assert g.jobs_later == [("webapp.core.outbox.deliver_job", ([given_up.id],))]
        db.session.refresh(given_up)
        assert given_up.attempts == 0 and given_up.claimed_at is None
        assert given_up.last_error == "SMTPServerDisconnected: gone" and given_up.delivered_at is None
        db.session.refresh(sending)
        assert sending.attempts == 1 and sending.claimed_at is not None
        db.session.rollback()


def test_nothing_to_send_again_says_so(login, world, outbox):
    _org, _other, people = world
    response = login(people["admin"]).post("/admin/mail/retry", follow_redirects=True)
    ((category, _text),) = flashes(response.get_data(as_text=True))
    assert category == "info" and outbox == []


def test_the_list_is_paged_fifty_at_a_time_in_a_fixed_number_of_queries(login, world, db):
    _org, _other, people = world
    db.session.add_all(
        OutboxMessage(
            kind="mail", payload={"to": "elin@example.org", "subject": f"Nr {n}", "body": "x"}, attempts=n % 3
        )
        for n in range(120)
    )
    db.session.commit()
    client = login(people["admin"])
    _html(client, 1)  # warm up (the templates)
    with count_queries() as statements:
        first = _html(client, 1)
    pages = [_rows(first)] + [_rows(_html(client, n)) for n in (2, 3, 4)]
    assert [len(rows) for rows in pages] == [50, 50, 20, 20]
    assert pages[3].keys() == pages[2].keys()  # past the end: the last page
    ids = [message_id for rows in pages[:3] for message_id in rows]
    assert ids == sorted(ids) and len(set(ids)) == 120  # oldest first, each once
    assert numbers(parse(first).find("nav", cls="pager").text()) == [1, 3]  # "Page 1 of 3", "Next"
    assert len(statements) <= 6, statements  # the user, the messages, the organisation's addresses


def _html(client, page: int) -> str:
    return client.get(f"/admin/mail?page={page}").get_data(as_text=True)


def test_with_a_job_queue_it_counts_the_dead_letters_holding_the_organisations_mail(db_url, world, db, monkeypatch):
    """Real RQ jobs on the machine's Redis, failed for real (nothing listens on the mail port)."""
    _org, _other, people = world
    allow_real_smtp(monkeypatch)
    redis.Redis.from_url(QUEUE).flushdb()
    ours, theirs = _message(db, "elin@example.org"), _message(db, "ola@example.org")
    with app_with_smtp(db_url, free_port(), REDIS_URL=QUEUE, JOB_RETRY_INTERVALS=[0]) as queued:
        with queued.app_context():
            for ids in ([ours.id, theirs.id], [ours.id], [theirs.id]):
                jobs.enqueue("webapp.core.outbox.deliver_job", ids)
            jobs.work(burst=True)
            assert len(jobs.failed()) == 3
        client = queued.test_client()
        sign_in_as(client, people["admin"])
        page = parse(client.get("/admin/mail").get_data(as_text=True))
    assert numbers(page.find(id="mail-failed-jobs").text()) == [2]  # the two that hold Solna's mail

    down = build_app(db_url, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0", RATELIMIT_STORAGE_URI="memory://")
    try:
        client = down.test_client()
        sign_in_as(client, people["admin"])
        response = client.get("/admin/mail")
    finally:
        with down.app_context():
            _db.session.remove()
            _db.engine.dispose()
    assert response.status_code == 200 and set(_rows(response.get_data(as_text=True))) == {ours.id}
    assert parse(response.get_data(as_text=True)).find(id="mail-failed-jobs") is None


def test_without_a_job_queue_no_dead_letters_are_mentioned(login, world, db):
    _org, _other, people = world
    _message(db, "elin@example.org", attempts=MAX_ATTEMPTS)
    page = parse(login(people["admin"]).get("/admin/mail").get_data(as_text=True))
    assert page.find(id="mail-failed-jobs") is None


def test_page_of_clamps_the_page_number():
    rows = list(range(120))
    assert outgoing_mail.page_of(rows, 0).page == 1
    assert outgoing_mail.page_of(rows, 99).items == list(range(100, 120))
    assert outgoing_mail.page_of([], 3).pages == 1 and outgoing_mail.page_of([], 3).items == []
