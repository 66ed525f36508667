"""Who is reminded of what, and sending it once. A person hears of the applications they write
(the owner and the team): the deadline within DEADLINE_DAYS, each milestone not yet done within
SOON_DAYS; and of the open tasks given to them, due within SOON_DAYS. One mail a run, in their
language, listing only what they have not been reminded of; `ReminderSent` is written in the same
transaction as the mail, so a second run, even one overlapping this one, sends nothing again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import render_template
from flask_babel import force_locale, gettext
from sqlalchemy import or_
from sqlalchemy.exc import IntegrityError

from ..applications.models import Application, application_team
from ..auth.models import User
from ..auth.services import public_link, wants_mail
from ..core import database, mail
from ..core.i18n import format_day, format_moment
from ..extensions import db
from ..lifecycle import statuses
from ..planning import plan as planning
from ..sections import services as sections
from ..tasks.models import Task
from .models import ReminderSent

DEADLINE_DAYS = 14
SOON_DAYS = 7


@dataclass(frozen=True)
class Item:
    key: str  # what ReminderSent records
    day: date
    text: str  # in the person's language
    link: str


def _written_by(user: User):
    on_team = db.select(application_team.c.application_id).where(application_team.c.user_id == user.id)
    return db.session.scalars(
        db.select(Application).where(
            or_(Application.owner_id == user.id, Application.id.in_(on_team)),
            Application.status.in_(statuses("counts_down")),
        )
    )


def items_for(user: User, today: date) -> list[Item]:
    """What is coming up for the user, soonest first, in the current language."""
    items = []
    for application in _written_by(user):
        definition = sections.definition_of(application)
        plan = planning.plan(application, definition, application.school.organisation, today) if definition else None
        if plan is None:
            continue
        link = public_link("applications.show", application_id=application.id)
        deadline = plan.deadline
        if 0 <= deadline.days_left <= DEADLINE_DAYS:
            text = gettext(
                "Deadline of “%(title)s” (%(action)s): %(moment)s",
                title=application.title,
                action=application.action_key,
                moment=format_moment(deadline.utc),
            )
            items.append(
                Item(f"deadline:{application.id}:{deadline.utc.date()}", deadline.stockholm.date(), text, link)
            )
        for milestone in plan.milestones:
            if not milestone.done and 0 <= milestone.days_left <= SOON_DAYS:
                text = gettext(
                    "%(milestone)s for “%(title)s” by %(day)s",
                    milestone=milestone.label.get(user.language),
                    title=application.title,
                    day=format_day(milestone.due),
                )
                items.append(
                    Item(f"milestone:{application.id}:{milestone.key}:{milestone.due}", milestone.due, text, link)
                )
    tasks = db.session.scalars(
        db.select(Task).where(
            Task.assignee_id == user.id,
            Task.done_at.is_(None),
            Task.due_on.is_not(None),
            Task.due_on >= today,
            Task.due_on <= today + timedelta(days=SOON_DAYS),
        )
    )
    for task in tasks:
        text = gettext(
            "Task “%(task)s” (%(title)s) by %(day)s",
            task=task.title,
            title=task.application.title,
            day=format_day(task.due_on),
        )
        link = public_link("tasks.index", application_id=task.application_id)
        items.append(Item(f"task:{task.id}:{task.due_on}", task.due_on, text, link))
    return sorted(items, key=lambda item: (item.day, item.key))


def remind(user: User, today: date) -> int:
    """Mails the user what they have not been reminded of yet; the number of items mailed (0 when
    another run got there first)."""
    with force_locale(user.language):
        items = items_for(user, today)
        known = set(db.session.scalars(db.select(ReminderSent.key).where(ReminderSent.user_id == user.id)))
        new = [item for item in items if item.key not in known]
        if not new:
            return 0
        try:
            with db.session.begin_nested():
                db.session.add_all(ReminderSent(user_id=user.id, key=item.key) for item in new)
                db.session.flush()
        except IntegrityError:  # an overlapping run recorded them first: it sends the mail
            return 0
        mail.send(
            user.email,
            gettext("Coming up in Grantpath"),
            render_template("reminders/mail.txt", user=user, items=new, link=public_link("auth.account")),
        )
    return len(new)


def send_reminders(today: date) -> tuple[int, int]:
    """Every active person who wants reminders; commits per person, so one failure stops no one
    else. Answers (people mailed, items mailed)."""
    people = mailed_items = 0
    user_ids = list(db.session.scalars(db.select(User.id).where(User.active).order_by(User.id)))
    db.session.commit()  # each person's reminders are a writing transaction of their own
    for user_id in user_ids:
        with database.writes():
            user = db.session.get(User, user_id)
            count = remind(user, today) if wants_mail(user, "reminders") else 0
            db.session.commit()
        if count:
            people, mailed_items = people + 1, mailed_items + count
    return people, mailed_items


def send_and_deliver() -> tuple[int, int, int]:
    """Today's reminders, and the mail they make delivered at once: `flask send-reminders` and the
    scheduler's daily job (`flask --app webapp scheduler`). (people, items, mails delivered)"""
    from ..core import outbox
    from ..core.i18n import today_in_stockholm

    people, items = send_reminders(today_in_stockholm())
    return people, items, outbox.deliver(outbox.pending())


def reminders_job() -> None:
    """The scheduler's job: run on a worker, with a session of its own."""
    try:
        send_and_deliver()
    finally:
        db.session.remove()
