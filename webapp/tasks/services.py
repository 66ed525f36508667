"""Keeping an application's tasks: add, change over the loaded version, mark done or open again.
Services raise Conflict and never commit; the request boundary does."""

from __future__ import annotations

from sqlalchemy.orm import joinedload

from ..applications import queries
from ..applications.models import Application
from ..auth.models import User
from ..core import audit
from ..core.errors import Conflict
from ..core.i18n import current_language
from ..core.models import utcnow, versioned_write
from ..extensions import db
from .models import Task

FIELDS = ("title", "due_on", "assignee_id", "done_at")


def writers(application: Application) -> list[User]:
    """Who a task may be given to: the school's teachers and principals (the people who may write)."""
    return queries.rows(queries.team_candidates(application.school))


def of(application: Application) -> list[Task]:
    """The application's tasks: open ones first by due date (undated last), then the done ones."""
    tasks = db.session.scalars(
        db.select(Task).where(Task.application_id == application.id).options(joinedload(Task.assignee))
    ).all()
    return sorted(tasks, key=lambda t: (not t.is_open, t.due_on is None, t.due_on, t.id))


def task_of(application: Application, task_id: int) -> Task | None:
    task = db.session.get(Task, task_id)
    return task if task is not None and task.application_id == application.id else None


def open_for(user: User, limit: int = 20) -> list[Task]:
    """The user's open tasks in every application, the nearest due date first."""
    return list(
        db.session.scalars(
            db.select(Task)
            .where(Task.assignee_id == user.id, Task.done_at.is_(None))
            .options(joinedload(Task.application))
            .order_by(Task.due_on.is_(None), Task.due_on, Task.id)
            .limit(limit)
        )
    )


def save(user: User, application: Application, task: Task | None, data: dict, expected_version: int | None) -> Task:
    """Adds a task, or changes one if nobody saved it since the form was loaded."""
    allowed = {u.id for u in writers(application)}
    assignee = data.get("assignee_id") if data.get("assignee_id") in allowed else None
    values = {"title": data["title"], "due_on": data.get("due_on"), "assignee_id": assignee}
    if task is None:
        task = Task(application_id=application.id, created_by_id=user.id, **values)
        db.session.add(task)
        db.session.flush()
        audit.record(user, "task.created", application, application.organisation_id, None, _snapshot(task))
        return task
    if expected_version != task.version:
        raise Conflict(task)
    before = _snapshot(task)
    with versioned_write(task):
        for field, value in values.items():
            setattr(task, field, value)
    audit.record(user, "task.updated", application, application.organisation_id, before, _snapshot(task))
    return task


def set_done(user: User, application: Application, task: Task, done: bool, expected_version: int | None) -> Task:
    if expected_version != task.version:
        raise Conflict(task)
    before = _snapshot(task)
    with versioned_write(task):
        task.done_at, task.done_by_id = (utcnow(), user.id) if done else (None, None)
    audit.record(
        user,
        "task.done" if done else "task.reopened",
        application,
        application.organisation_id,
        before,
        _snapshot(task),
    )
    return task


def add_plan(user: User, application: Application, plan) -> list[Task]:
    """The plan's milestones not yet done as tasks with their due dates, each once (a milestone
    already made a task is not added again)."""
    made = {t.milestone_key for t in of(application) if t.milestone_key}
    tasks = [
        Task(
            application_id=application.id,
            created_by_id=user.id,
            title=milestone.label.get(current_language()) or milestone.key,
            due_on=milestone.due,
            milestone_key=milestone.key,
        )
        for milestone in (plan.milestones if plan else ())
        if not milestone.done and milestone.key not in made
    ]
    db.session.add_all(tasks)
    db.session.flush()
    for task in tasks:
        audit.record(user, "task.created", application, application.organisation_id, None, _snapshot(task))
    return tasks


def _snapshot(task: Task) -> dict:
    return {**audit.snapshot(task, FIELDS), "name": task.title}
