"""The principal's review: what each decision saw, so the next review shows what changed since, and
the comments anchored to sections. Comments are remarks about the text, not the text: they are not
audited (each keeps its author and times, and resolving one records who and when)."""

from __future__ import annotations

from sqlalchemy import Select, func, tuple_, update
from sqlalchemy.orm import selectinload

from ..applications.models import Application
from ..auth.models import User
from ..core.models import utcnow
from ..extensions import db
from ..lifecycle import effect
from ..sections.models import SectionVersion
from .models import PrincipalReview, SectionComment


@effect("record_review")
def record_review(user, application, transition, step) -> None:
    """Keeps the version of every section the principal decided on."""
    application_versions = {answer.section_key: answer.version for answer in application.answers}
    db.session.add(
        PrincipalReview(
            application_id=application.id,
            reviewer_id=user.id,
            step=transition.key,
            section_versions=application_versions,
        )
    )


def latest_review(application: Application) -> PrincipalReview | None:
    return db.session.scalar(
        db.select(PrincipalReview)
        .where(PrincipalReview.application_id == application.id)
        .options(selectinload(PrincipalReview.reviewer))
        .order_by(PrincipalReview.id.desc())
        .limit(1)
    )


def reviewed_versions(application: Application, review: PrincipalReview | None) -> dict[str, SectionVersion]:
    """The saved version of each section the review saw, by section key, in one query."""
    pairs = [(key, number) for key, number in ((review.section_versions or {}) if review else {}).items()]
    if not pairs:
        return {}
    rows = db.session.scalars(
        db.select(SectionVersion).where(
            SectionVersion.application_id == application.id,
            tuple_(SectionVersion.section_key, SectionVersion.version).in_(pairs),
        )
    )
    return {row.section_key: row for row in rows}


def _comments() -> Select:
    return db.select(SectionComment).options(
        selectinload(SectionComment.author), selectinload(SectionComment.resolved_by)
    )


def comments_by_section(application: Application) -> dict[str, list[SectionComment]]:
    """Every comment of the application by section, open ones first, each group oldest first."""
    rows = db.session.scalars(
        _comments().where(SectionComment.application_id == application.id).order_by(SectionComment.id)
    )
    grouped: dict[str, list[SectionComment]] = {}
    for row in sorted(rows, key=lambda c: not c.is_open):  # a stable sort keeps the order of writing
        grouped.setdefault(row.section_key, []).append(row)
    return grouped


def open_comments(application: Application, section_key: str) -> list[SectionComment]:
    """A section's open comments, oldest first: what the section editor shows above the fields."""
    return list(
        db.session.scalars(
            _comments()
            .where(
                SectionComment.application_id == application.id,
                SectionComment.section_key == section_key,
                SectionComment.resolved_at.is_(None),
            )
            .order_by(SectionComment.id)
        )
    )


def open_counts(application: Application) -> dict[str, int]:
    """How many comments are open per section key, in one query."""
    rows = db.session.execute(
        db.select(SectionComment.section_key, func.count())
        .where(SectionComment.application_id == application.id, SectionComment.resolved_at.is_(None))
        .group_by(SectionComment.section_key)
    )
    return dict(rows.all())


def add_comment(user: User, application: Application, section_key: str, body: str) -> SectionComment:
    comment = SectionComment(application_id=application.id, section_key=section_key, author=user, body=body)
    db.session.add(comment)
    db.session.flush()
    return comment


def resolve_comment(user: User, comment: SectionComment) -> bool:
    """Marks the comment resolved; False when someone resolved it already (the first one counts, even
    when two people press the button at the same moment)."""
    done = db.session.execute(
        update(SectionComment)
        .where(SectionComment.id == comment.id, SectionComment.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolved_by_id=user.id)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(comment)
    return done.rowcount == 1
