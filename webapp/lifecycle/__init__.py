"""Grantpath's own process, the same for every programme: the four stages of writing, the states an
application passes through until its final report, the transitions between them, and the engine
that answers "what may this user do now, and if not, why"."""

from .engine import Option, available, effect, perform, requirement  # noqa: F401
from .stages import STAGES, Stage, StageInfo  # noqa: F401
from .states import STATES, State, Status, statuses  # noqa: F401
from .transitions import TRANSITIONS, Transition  # noqa: F401
