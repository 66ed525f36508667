"""Imports every model so that SQLAlchemy (and Alembic) see the whole schema."""

from .applications.models import Application, Outcome, Signature, Submission, application_team  # noqa: F401
from .auth.models import Membership, User  # noqa: F401
from .core.audit import AuditEvent  # noqa: F401
from .core.outbox import OutboxMessage  # noqa: F401
from .directory.models import DirectoryEntry  # noqa: F401
from .documents.models import Document  # noqa: F401
from .exports.models import ExportRun  # noqa: F401
from .organisations.models import Organisation, School  # noqa: F401
from .partners.models import Partner  # noqa: F401
from .reminders.models import ReminderSent  # noqa: F401
from .review.models import PrincipalReview, SectionComment  # noqa: F401
from .sections.models import ChecklistTicks, SectionAnswer, SectionVersion, SelfAssessment  # noqa: F401
from .tasks.models import Task  # noqa: F401
