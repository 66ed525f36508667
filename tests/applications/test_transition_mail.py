"""Transition mails as a real SMTP server (aiosmtpd on the loopback) receives them, the steps taken
over HTTP by the people themselves and the messages read back with the email package: who gets one
at each step (never the one who acted, nobody who turned status mail off), in whose language, with
links at PUBLIC_URL whatever Host the request named, and nothing for a refused step or a lost race."""

from __future__ import annotations

import io
import re
import threading
from dataclasses import dataclass

import pytest
from flask_babel import force_locale, gettext
from pypdf import PdfWriter
from sqlalchemy import event, text

from support import allow_real_smtp, app_with_smtp, free_port, smtp_server
from uploads import attach_annexes
from webapp import demo
from webapp.applications.models import Application, Signature
from webapp.auth.models import Role
from webapp.core.outbox import OutboxMessage
from webapp.lifecycle import STATES, Stage, Status
from webapp.partners.models import PartnerStatus
from webapp.sections import services as sections

PUBLIC_URL = "https://grantpath.example.org"
OTHER_HOST = "grantpath-internal.example.net:8080"  # what a proxy or a forged request may name
BASE = f"http://{OTHER_HOST}"
GREETING = {"sv": "Hej ", "en": "Hello "}  # the catalogue itself, not only gettext's answer


@pytest.fixture(scope="module")
def port():
    return free_port()


@pytest.fixture(scope="module")
def mail_app(db_url, port):
    with app_with_smtp(db_url, port, PUBLIC_URL=PUBLIC_URL) as app:
        yield app


@pytest.fixture
def inbox(mail_app, port, monkeypatch):
    allow_real_smtp(monkeypatch)
    with smtp_server(port) as received:
        yield received


@dataclass
class People:
    application: Application
    owner: object  # Swedish
    co_writer: object  # English
    quiet: object  # on the team, status mail turned off
    principal: object  # English
    deputy: object  # a second principal of the school, Swedish
    coordinator: object  # Swedish
    colleague: object  # a second coordinator, English


def _people(make, db, *, signoff: bool) -> People:
    school = make.school()
    school.organisation.coordinator_signoff = signoff
    org = school.organisation
    owner = make.user(Role.TEACHER, school=school, language="sv", name="Elin Lindqvist")
    co_writer = make.user(Role.TEACHER, school=school, language="en", name="Amir Haddad")
    quiet = make.user(Role.TEACHER, school=school, language="sv", name="Lena Sjöberg")
    application = make.application(school, owner=owner, team=[co_writer, quiet], action_key="KA210-SCH")
    make.partner(application, country="DK", status=PartnerStatus.CONFIRMED)
    demo._write_answers(application, owner, ["Eleverna läser och skriver mer tillsammans."], complete=True)
    application.stage = Stage.SUBMISSION
    people = People(
        application,
        owner,
        co_writer,
        quiet,
        principal=make.user(Role.PRINCIPAL, school=school, language="en", name="Mats Berglund"),
        deputy=make.user(Role.PRINCIPAL, school=school, language="sv", name="Karin Holm"),
        coordinator=make.user(Role.COORDINATOR, organisation=org, language="sv", name="Sara Nyström"),
        colleague=make.user(Role.COORDINATOR, organisation=org, language="en", name="Johan Ek"),
    )
    db.session.commit()
    assert sections.report(application).problems == []
    return people


def _client(app, db, user):
    """A client signed in as `user` for requests that name OTHER_HOST."""
    db.session.commit()
    client = app.test_client()
    with client.session_transaction(base_url=BASE) as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client


def _take(client, application, key, **data):
    response = client.post(f"/applications/{application.id}/transitions/{key}", data=data, base_url=BASE)
    assert response.status_code in (302, 303), response.status_code
    return response


def _status(db, application) -> Status:
    db.session.rollback()
    return Status(db.session.get(Application, application.id).status)


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _delivered(inbox) -> dict[str, object]:
    """The messages received since last asked, by recipient: each sent to one person, once."""
    messages = list(inbox.parsed)
    inbox.parsed.clear()
    inbox.messages.clear()
    by_recipient = {}
    for message in messages:
        assert message["To"] not in by_recipient, f"{message['To']} got two mails"
        by_recipient[message["To"]] = message
    return by_recipient


def _read(message, person, application, status: Status, comment: str | None = None) -> None:
    """The mail is in `person`'s language, names the new state, and links to the application at PUBLIC_URL."""
    assert message.get_content_type() == "text/plain" and message.get_content_charset() == "utf-8"
    body = message.get_content()  # quoted-printable or base64 undone, utf-8 decoded
    link = f"{PUBLIC_URL}/applications/{application.id}"
    with force_locale(person.language):
        subject = gettext("%(title)s: %(state)s", title=application.title, state=str(STATES[status].label))
        greeting = gettext("Hello %(name)s,", name=person.name)
        opens = gettext("Open the application: %(link)s", link=link)
    assert message["Subject"] == subject
    assert body.startswith(greeting) and greeting.startswith(GREETING[person.language])
    assert opens in body
    assert re.findall(r"https?://\S+", body) == [link]  # the one link, at PUBLIC_URL, not at the Host named
    assert OTHER_HOST.split(":")[0] not in body
    if comment:
        assert comment in body


def _expect(inbox, recipients: list, application, status: Status, comment: str | None = None) -> None:
    received = _delivered(inbox)
    assert sorted(received) == sorted(p.email for p in recipients)
    for person in recipients:
        _read(received[person.email], person, application, status, comment)


def test_each_step_mails_the_people_concerned_in_their_language(mail_app, inbox, make, db):
    p = _people(make, db, signoff=False)
    app, application = mail_app, p.application
    quiet = _client(app, db, p.quiet)
    assert quiet.post("/account", data={"mail-sent": "1"}, base_url=BASE).status_code == 302  # every kind off
    assert _delivered(inbox) == {}

    owner, co_writer, principal = (_client(app, db, u) for u in (p.owner, p.co_writer, p.principal))
    _take(owner, application, "send_to_principal")
    assert _status(db, application) == Status.AWAITING_APPROVAL
    _expect(inbox, [p.principal, p.deputy], application, Status.AWAITING_APPROVAL)

    remark = "Förtydliga målen i avsnitt D – och budgeten för resorna."
    _take(principal, application, "request_changes", comment=remark)
    assert _status(db, application) == Status.CHANGES_REQUESTED
    _expect(inbox, [p.owner, p.co_writer], application, Status.CHANGES_REQUESTED, remark)  # not the quiet one

    _take(co_writer, application, "send_to_principal")
    _expect(inbox, [p.principal, p.deputy], application, Status.AWAITING_APPROVAL)

    _take(_client(app, db, p.deputy), application, "approve", declaration="yes")
    assert _status(db, application) == Status.APPROVED
    _expect(inbox, [p.owner, p.co_writer], application, Status.APPROVED)  # no sign-off asked: no coordinator

    attach_annexes(db.session.get(Application, application.id), p.co_writer)  # the signed declaration
    db.session.commit()

    _take(
        co_writer,
        application,
        "register_submission",
        reference="KA210-SCH-3D084792",
        submitted_on="2026-11-30",
        submitted_time="11:15",
        submitted_pdf=(io.BytesIO(_pdf()), "ansokan.pdf"),
    )
    assert _status(db, application) == Status.SUBMITTED
    _expect(inbox, [p.owner, p.principal, p.deputy], application, Status.SUBMITTED)  # the co-writer acted


def test_with_the_sign_off_approving_mails_the_coordinators_and_signing_off_team_and_principals(
    mail_app, inbox, make, db
):
    p = _people(make, db, signoff=True)
    app, application = mail_app, p.application
    _take(_client(app, db, p.owner), application, "send_to_principal")
    _delivered(inbox)

    _take(_client(app, db, p.principal), application, "approve", declaration="yes")
    assert _status(db, application) == Status.AWAITING_SIGNOFF
    received = _delivered(inbox)
    everyone = [p.owner, p.co_writer, p.quiet, p.coordinator, p.colleague]
    assert sorted(received) == sorted(u.email for u in everyone)
    for person in everyone:
        _read(received[person.email], person, application, Status.AWAITING_SIGNOFF)

    _take(_client(app, db, p.colleague), application, "sign_off", declaration="yes")
    assert _status(db, application) == Status.APPROVED
    _expect(inbox, [p.owner, p.co_writer, p.quiet, p.principal, p.deputy], application, Status.APPROVED)


def test_a_refused_step_sends_nothing(mail_app, inbox, make, db):
    p = _people(make, db, signoff=True)
    app, application = mail_app, p.application
    owner, principal = _client(app, db, p.owner), _client(app, db, p.principal)
    _take(owner, application, "approve", declaration="yes")  # not in this state, and not the teacher's
    _take(owner, application, "sign_off", declaration="yes")
    assert _status(db, application) == Status.DRAFT and _delivered(inbox) == {}
    _take(owner, application, "send_to_principal")
    _delivered(inbox)

    _take(owner, application, "approve", declaration="yes")  # a teacher does not decide
    _take(principal, application, "approve")  # the declaration not ticked
    _take(principal, application, "request_changes", comment="   ")  # no reason given
    _take(_client(app, db, p.coordinator), application, "sign_off", declaration="yes")  # nothing to sign off yet
    assert _status(db, application) == Status.AWAITING_APPROVAL
    assert _delivered(inbox) == {}


def test_two_principals_deciding_at_once_mail_the_team_once(mail_app, inbox, make, db):
    """Both approve in the same instant (real threads, released by a barrier): one step wins, the
    other finds it already decided and is refused; the team hears of it once."""
    p = _people(make, db, signoff=False)
    app, application = mail_app, p.application
    _take(_client(app, db, p.owner), application, "send_to_principal")
    _delivered(inbox)
    clients = [_client(app, db, u) for u in (p.principal, p.deputy)]
    barrier = threading.Barrier(len(clients), timeout=30)
    codes: list = [None] * len(clients)
    url = f"/applications/{application.id}/transitions/approve"  # read here: the threads have no app context

    def approve(index):
        barrier.wait()
        try:
            response = clients[index].post(url, data={"declaration": "yes"}, base_url=BASE)
            codes[index] = response.status_code
        except Exception as exc:  # reported by the assertion below
            codes[index] = repr(exc)

    threads = [threading.Thread(target=approve, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert codes == [302, 302]
    assert _status(db, application) == Status.APPROVED
    signatures = db.session.scalars(db.select(Signature).where(Signature.application_id == application.id)).all()
    assert len(signatures) == 1
    _expect(inbox, [p.owner, p.co_writer, p.quiet], application, Status.APPROVED)


def test_a_step_that_loses_the_race_at_the_database_sends_nothing(mail_app, inbox, make, db):
    """Another writer's change to the record lands just before this step's own write (SQLite queues
    writing requests, so the other writer is played on the step's own connection): the step's
    savepoint is undone (Conflict), and no mail leaves or waits in the outbox."""
    p = _people(make, db, signoff=True)
    app, application = mail_app, p.application
    _take(_client(app, db, p.owner), application, "send_to_principal")
    _delivered(inbox)
    raced, raced_id = [], application.id  # read here: in the request, the test's session must stay idle

    def other_writer_first(_mapper, connection, target):
        if target.id == raced_id and not raced:
            raced.append(target.id)
            connection.execute(text("UPDATE application SET version = version + 1 WHERE id = :id"), {"id": target.id})

    event.listen(Application, "before_update", other_writer_first)
    try:
        _take(_client(app, db, p.principal), application, "approve", declaration="yes")
    finally:
        event.remove(Application, "before_update", other_writer_first)
    assert raced == [raced_id]
    assert _status(db, application) == Status.AWAITING_APPROVAL
    assert db.session.scalars(db.select(Signature).where(Signature.application_id == application.id)).all() == []
    assert _delivered(inbox) == {}
    undelivered = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.delivered_at.is_(None))).all()
    assert undelivered == []
