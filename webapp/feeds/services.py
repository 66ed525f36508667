"""What a calendar feed holds: for each application the person may see that still races its
deadline, the deadline in the call's own zone, the milestones not yet done (whole days, planned in
webapp/planning) and the open tasks with a due date, in the person's language (the `icalendar`
package writes it, with the zones it names). A feed's address carries a secret token; a new token
revokes the old address."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask_babel import force_locale, gettext
from icalendar import Calendar, Event

from ..applications.access import visible_clause
from ..applications.models import Application
from ..auth.models import User
from ..auth.services import public_link
from ..core import audit
from ..core.i18n import today_in_stockholm
from ..core.models import utcnow
from ..extensions import db
from ..lifecycle import statuses
from ..organisations.models import School
from ..planning import plan as planning
from ..sections import services as sections
from ..tasks.models import Task

MOST_APPLICATIONS = 300  # the nearest deadlines: a coordinator's feed stays a calendar, not an archive


def user_of(token: str) -> User | None:
    """The active user whose feed this is; None for a token renewed away or never issued."""
    if not token or len(token) > 64:
        return None
    user = db.session.scalar(db.select(User).where(User.calendar_token == token))
    return user if user is not None and user.active else None


def renew(user: User) -> str:
    """A new secret for the user's feed; the old address stops working at once."""
    user.calendar_token = secrets.token_urlsafe(32)
    audit.record(user, "calendar.renewed", user, None)
    return user.calendar_token


def feed_for(user: User) -> bytes:
    applications = db.session.scalars(
        db.select(Application)
        .join(School, Application.school_id == School.id)
        .where(visible_clause(user), Application.status.in_(statuses("counts_down")))
        .order_by(Application.deadline.is_(None), Application.deadline, Application.id)
        .limit(MOST_APPLICATIONS)
    ).all()
    return _calendar(user.language, applications, name=user.name)


def feed_of_application(application: Application, language: str) -> bytes:
    return _calendar(language, [application], name=application.title)


def _calendar(language: str, applications, name: str) -> bytes:
    today = today_in_stockholm()
    tasks = _open_tasks([a.id for a in applications])
    calendar = Calendar()
    calendar.add("prodid", "-//Grantpath//Grantpath//EN")
    calendar.add("version", "2.0")
    with force_locale(language):
        calendar.add("x-wr-calname", gettext("Grantpath: %(name)s", name=name))
        for application in applications:
            link = public_link("applications.show", application_id=application.id)
            definition = sections.definition_of(application)
            plan = (
                planning.plan(application, definition, application.school.organisation, today) if definition else None
            )
            if plan is not None:
                calendar.add_component(_deadline(application, plan.deadline, link))
                for milestone in plan.milestones:
                    if not milestone.done:
                        summary = f"{milestone.label.get(language)}: {application.title}"
                        calendar.add_component(
                            _day(f"milestone-{application.id}-{milestone.key}", summary, milestone.due, link)
                        )
            for task in tasks.get(application.id, []):
                summary = gettext("Task: %(title)s (%(application)s)", title=task.title, application=application.title)
                calendar.add_component(_day(f"task-{task.id}", summary, task.due_on, link))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _open_tasks(application_ids: list[int]) -> dict[int, list[Task]]:
    tasks: dict[int, list[Task]] = {}
    if application_ids:
        for task in db.session.scalars(
            db.select(Task).where(
                Task.application_id.in_(application_ids), Task.done_at.is_(None), Task.due_on.is_not(None)
            )
        ):
            tasks.setdefault(task.application_id, []).append(task)
    return tasks


def _deadline(application: Application, deadline, link: str) -> Event:
    event = Event()
    event.add("uid", f"deadline-{application.id}@grantpath")
    event.add("dtstamp", utcnow())
    event.add("dtstart", deadline.local)  # in the call's zone, as the call states it
    event.add(
        "summary", gettext("Deadline: %(title)s (%(action)s)", title=application.title, action=application.action_key)
    )
    event.add("url", link)
    event.add("description", link)
    return event


def _day(uid: str, summary: str, day, link: str) -> Event:
    event = Event()
    event.add("uid", f"{uid}@grantpath")
    event.add("dtstamp", utcnow())
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("url", link)
    event.add("description", link)
    return event
