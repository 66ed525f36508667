"""The pre-filled letter mailed to a partner's contact person, as a real SMTP server (aiosmtpd on the
loopback) receives it: the PDF attached, the answer going to the sender, in the language chosen."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from support import allow_real_smtp, app_with_smtp, free_port, sign_in_as, smtp_server
from webapp.core.audit import AuditEvent
from webapp.core.outbox import OutboxMessage
from webapp.partners.models import Partner, PartnerStatus


@pytest.fixture
def mail_app(db_url, monkeypatch):
    allow_real_smtp(monkeypatch)
    port = free_port()
    with app_with_smtp(db_url, port) as app, smtp_server(port) as inbox:
        yield app, inbox


def _client(app, user):
    client = app.test_client()
    sign_in_as(client, user)
    return client


def test_the_letter_goes_to_the_contact_with_the_pdf_attached(mail_app, make, db):
    app, inbox = mail_app
    school = make.school(name="Ekensbergsskolan")
    teacher = make.user(school=school, name="Elin Lindqvist", email="elin@example.org")
    application = make.application(school=school, owner=teacher, title="Läsglädje")
    partner = make.partner(
        application,
        "Pirkkalan yhteiskoulu",
        "FI",
        status=PartnerStatus.IDENTIFIED,
        contact_name="Aino Lehtinen",
        contact_email="aino.fi@example.org",
    )
    db.session.commit()
    url = f"/applications/{application.id}/partners/{partner.id}/letter-mail"
    client = _client(app, teacher)
    assert 'name="message"' in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"language": "en", "message": "We met in Pirkkala in May."})
    assert response.status_code == 302
    ((recipients, _content),) = inbox.messages
    (message,) = inbox.parsed
    assert recipients == ["aino.fi@example.org"] and message["Reply-To"] == "elin@example.org"
    assert message["Subject"] == "Mandate: Läsglädje"  # KA210: Erasmus+ asks partners for a mandate
    body = message.get_body(("plain",)).get_content()
    assert body.startswith("Hello Aino Lehtinen,") and "We met in Pirkkala in May." in body
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "Mandate - Pirkkalan yhteiskoulu.pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(attachment.get_content())).pages)
    assert "Pirkkalan yhteiskoulu" in text and "Läsglädje" in text
    db.session.rollback()
    assert db.session.get(Partner, partner.id).status == "contacted"  # the pipeline moves on
    assert db.session.scalar(db.select(AuditEvent.action).where(AuditEvent.action == "partner.letter_sent"))


def test_in_swedish_for_a_swedish_speaking_partner(mail_app, make, db):
    app, inbox = mail_app
    application = make.application(action_key="NPJ-MOBILITY", title="Vatten")
    partner = make.partner(application, "Ålands lyceum", "AX", contact_email="lyceum@example.org")
    db.session.commit()
    url = f"/applications/{application.id}/partners/{partner.id}/letter-mail"
    assert _client(app, application.owner).post(url, data={"language": "sv"}).status_code == 302
    (message,) = inbox.parsed
    assert message["Subject"] == "Avsiktsförklaring: Vatten"  # Nordplus: a letter of intent
    assert message.get_body(("plain",)).get_content().startswith("Hej ")
    db.session.rollback()
    assert db.session.get(Partner, partner.id).status == "confirmed"  # only "identified" moves on


def test_without_an_address_nothing_is_sent(mail_app, make, db):
    app, inbox = mail_app
    application = make.application()
    partner = make.partner(application, contact_email="")
    db.session.commit()
    url = f"/applications/{application.id}/partners/{partner.id}/letter-mail"
    response = _client(app, application.owner).post(url, data={"language": "en"})
    assert response.status_code == 422 and 'name="message"' not in response.get_data(as_text=True)  # no form
    assert inbox.messages == []
    db.session.rollback()
    assert db.session.scalars(db.select(OutboxMessage)).all() == []


def test_a_bad_language_is_refused_at_the_field(mail_app, make, db):
    app, inbox = mail_app
    application = make.application()
    partner = make.partner(application, contact_email="p@example.org")
    db.session.commit()
    url = f"/applications/{application.id}/partners/{partner.id}/letter-mail"
    response = _client(app, application.owner).post(url, data={"language": "xx", "message": "Hej!"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="language-error"' in page and "Hej!" in page
    assert inbox.messages == []
