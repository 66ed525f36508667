"""A partner's letter of intent (Nordplus) or mandate (Erasmus+), pre-filled: as a PDF to download,
or mailed to the partner's contact person, who needs no account, to sign and send back."""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l

from ..applications.models import Application
from ..auth.models import User
from ..core import audit, mail
from ..core.i18n import STOCKHOLM
from ..core.models import utcnow
from ..documents.services import clean_filename
from ..pdf import context, render
from ..programmes import registry
from ..sections import services as sections
from .models import Partner, PartnerStatus

DOCUMENT_NAMES = {"letter_of_intent": _l("Letter of intent"), "mandate": _l("Mandate")}


def document_kind(application: Application) -> str | None:
    """ "letter_of_intent" or "mandate", as the programme names the partner's signed document."""
    definition = sections.definition_of(application)
    return registry.programme(definition.programme).partner_document if definition else None


def letter_pdf(application: Application, partner: Partner, language: str) -> bytes:
    return render.pdf(
        "pdf/letter.html", context.letter(application, partner, language), language, stamp={"generated": utcnow()}
    )


def mail_letter(user: User, application: Application, partner: Partner, language: str, message: str) -> None:
    """Mails the pre-filled letter to the partner's contact, in `language`, answers going to the
    sender; a partner only identified so far counts as contacted from now on."""
    data = letter_pdf(application, partner, language)
    with force_locale(language):
        document = str(DOCUMENT_NAMES[document_kind(application)])
        subject = gettext("%(document)s: %(title)s", document=document, title=application.title)
        body = render_template(
            "partners/mail_letter.txt",
            partner=partner,
            sender=user,
            school=application.school,
            application=application,
            document=document,
            message=message,
        )
        filename = clean_filename(f"{document} - {partner.name}")
    mail.send(partner.contact_email, subject, body, reply_to=user.email, attachment=(filename, data))
    if partner.status == PartnerStatus.IDENTIFIED:
        partner.status = PartnerStatus.CONTACTED
        partner.status_since = utcnow().astimezone(STOCKHOLM).date()
    audit.record(
        user,
        "partner.letter_sent",
        application,
        application.organisation_id,
        None,
        {"name": partner.name, "to": partner.contact_email, "language": language},
    )
