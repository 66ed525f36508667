"""The principal's review: what each decision saw, so the next review shows what changed since."""

from __future__ import annotations

from ..extensions import db
from ..lifecycle import effect
from .models import PrincipalReview


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
