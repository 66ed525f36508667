"""The errors services raise; the request boundary (core.web) turns them into answers."""

from __future__ import annotations


class Conflict(Exception):
    """Someone saved the object after the editor loaded it; nothing was overwritten. `current` is
    the stored version, for the page that shows both."""

    def __init__(self, current=None):
        super().__init__("edit conflict")
        self.current = current


class NotAllowed(Exception):
    """A refusal with its reason (an access Decision); answered 403 unless `status` says otherwise."""

    def __init__(self, decision, status: int = 403):
        super().__init__(str(decision.reason))
        self.decision = decision
        self.status = status
