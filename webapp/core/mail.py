"""Outgoing mail, through the outbox: `send()` only enqueues; the "mail" handler delivers after the
commit. Backends: "smtp" (MAIL_SERVER set), "log" (development: the message goes to the log) and
"memory" (tests: collected in app.extensions["mail_outbox"])."""

from __future__ import annotations

import base64
import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

from . import outbox

log = logging.getLogger("grantpath.mail")


def send(
    to: str, subject: str, body: str, *, reply_to: str | None = None, attachment: tuple[str, bytes] | None = None
) -> None:
    """Enqueues a plain-text mail; `attachment` is (filename, PDF bytes), kept in the outbox row."""
    payload = {"to": to, "subject": " ".join(subject.split()), "body": body}  # a header is one line
    if reply_to:
        payload["reply_to"] = reply_to
    if attachment:
        payload["attachment"] = {"filename": attachment[0], "pdf": base64.b64encode(attachment[1]).decode("ascii")}
    outbox.enqueue("mail", payload)


@outbox.handler("mail")
def deliver(payload: dict) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = payload["to"]
    message["Subject"] = payload["subject"]
    if payload.get("reply_to"):
        message["Reply-To"] = payload["reply_to"]
    message.set_content(payload["body"])
    if payload.get("attachment"):
        attached = payload["attachment"]
        data = base64.b64decode(attached["pdf"])
        message.add_attachment(data, maintype="application", subtype="pdf", filename=attached["filename"])
    backend = config.get("MAIL_BACKEND") or ("smtp" if config["MAIL_SERVER"] else "log")
    if backend == "memory":
        current_app.extensions.setdefault("mail_outbox", []).append(message)
    elif backend == "log":
        # decoded, so that a developer can read it and click its links
        log.warning(
            "Mail not sent (no MAIL_SERVER configured)\nTo: %s\nSubject: %s\n\n%s",
            payload["to"],
            payload["subject"],
            payload["body"],
        )
    else:
        smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20)
        try:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
        except BaseException:
            smtp.close()
            raise
        # Accepted (the server answered the DATA): it is sent, whatever QUIT gets. An error raised
        # from here would leave the message pending, and the outbox would send it a second time.
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
