"""Plays a demo application's history: each step taken through the lifecycle engine by the person
who took it, dated in the past. What a step writes (the audit event, the signature, the review,
the submission, the outcome) carries the step's date, and the mails it would have sent are dropped:
nobody is told today about what happened months ago."""

from __future__ import annotations

import io
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from html import escape

from sqlalchemy import event, inspect

from ..annexes import services as annexes
from ..applications.models import Application
from ..core.i18n import STOCKHOLM
from ..core.models import UTCDateTime
from ..core.outbox import OutboxMessage
from ..documents import services as documents
from ..extensions import db
from ..lifecycle import TRANSITIONS, perform
from ..review.models import SectionComment
from .steps import Step

_MOMENTS = ("revoked_at", "resolved_at")  # set by the code that revokes or resolves: "now"
_DATES = ("project_start", "project_end", "interim_report_due", "final_report_due", "sent_on")


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=STOCKHOLM)


def _stamp(obj, when: datetime, new: bool) -> None:
    """Sets the columns that record when a row was written (those with a default or an on-update
    value of "now"), and the moments the code just set, to `when`."""
    state = inspect(obj)
    for column in obj.__table__.columns:
        if not isinstance(column.type, UTCDateTime) or column.key not in state.mapper.column_attrs:
            continue
        stamped = column.default is not None if new else column.onupdate is not None
        just_set = column.key in _MOMENTS and any(v is not None for v in state.attrs[column.key].history.added)
        if stamped or just_set:
            setattr(obj, column.key, when)


@contextmanager
def happened(when: datetime):
    """Everything written in the block is dated `when`; the outbox keeps nothing of it."""
    session = db.session()

    def before_flush(session, _context, _instances):
        for obj in list(session.new):
            if isinstance(obj, OutboxMessage):
                session.expunge(obj)
            else:
                _stamp(obj, when, new=True)
        for obj in session.dirty:
            if session.is_modified(obj):
                _stamp(obj, when, new=False)

    event.listen(session, "before_flush", before_flush)
    try:
        yield
        session.flush()
    finally:
        event.remove(session, "before_flush", before_flush)


def pdf(filename: str, heading: str, lines: list[str]) -> documents.Upload:
    """A small real PDF, one page of text, as the upload check accepts it."""
    from weasyprint import HTML  # only the demo and the PDF feature need it, and only here

    body = "".join(f"<p>{escape(line)}</p>" for line in lines)
    html = f"<html lang='sv'><meta charset='utf-8'><title>{escape(heading)}</title><h1>{escape(heading)}</h1>{body}"
    return documents.check_pdf(filename, io.BytesIO(HTML(string=html).write_pdf()))


def _details(application: Application, step: Step, when: datetime) -> dict | None:
    if TRANSITIONS[step.key].form is None:
        return None
    details = {k: date.fromisoformat(v) if k in _DATES else v for k, v in (step.details or {}).items()}
    if step.key == "register_submission":
        details["submitted_at"] = when
        details["submitted_pdf"] = pdf(
            "ansokan.pdf",
            application.title,
            [
                f"{application.action_key}, {application.call_round}",
                f"ID: {details['reference']}",
                f"Skickad {when:%Y-%m-%d %H:%M}",
            ],
        )
    if step.key == "close_project":
        details["report_pdf"] = pdf("slutrapport.pdf", f"Slutrapport: {application.title}", [details["summary"]])
    return details


def _attach_annexes(application: Application, user, when: datetime) -> None:
    """The signed annexes the team uploaded just before registering the submission."""
    with happened(when - timedelta(hours=1)):
        for slot in annexes.missing(application):
            heading = f"{slot.annex.label.get('sv')}: {slot.organisation.name}"
            lines = [application.title, f"{application.action_key}, {application.call_round}", "Undertecknad."]
            annexes.attach(user, application, slot, pdf(f"{slot.annex.key}.pdf", heading, lines), seen=None)


def take(application: Application, step: Step, users: dict) -> None:
    """Takes one step as its person would; the principal's remark on a section goes with it."""
    when, user = moment(step.on), users[step.by]
    if step.key == "register_submission":
        _attach_annexes(application, user, when)
    details = _details(application, step, when)
    with happened(when):
        perform(user, application, step.key, step.comment, declared=TRANSITIONS[step.key].declaration, details=details)
        if step.remark:
            section_key, body = step.remark
            db.session.add(
                SectionComment(application_id=application.id, section_key=section_key, author_id=user.id, body=body)
            )
