"""The shape of a demo story: the steps people took (each a lifecycle transition, dated in Swedish
time) and the application they were taken on, with shorthands for the steps most stories share."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Step:
    on: str  # "YYYY-MM-DD HH:MM", Swedish time
    by: str  # who took it (email)
    key: str  # the transition
    comment: str = ""
    details: dict | None = None  # a step with a form: its values (dates as ISO text)
    remark: tuple[str, str] | None = None  # (section key, text): the principal's comment on a section


@dataclass(frozen=True)
class DemoApplication:
    title: str
    action: str
    round: str
    school: str
    owner: str
    started: str  # when the application was created, Swedish time
    team: tuple[str, ...] = ()
    partners: tuple[tuple[str, str], ...] = ()  # (partner school key, pipeline status)
    sentences: tuple[str, ...] = ()  # what the answers are written from; none: no answers yet
    answers: str = "all"  # "all" sections, or only the "idea" stage's
    english_title: str | None = None
    steps: tuple[Step, ...] = field(default=())


def stages(*days: str, by: str) -> tuple[Step, ...]:
    """Completing the first stages, one per day given (idea, partners, organisation)."""
    keys = ("complete_idea", "complete_partners", "complete_organisation")
    return tuple(Step(f"{day} 15:30", by, key) for day, key in zip(days, keys, strict=False))


def decided(sent: str, decided: str, *, writer: str, principal: str) -> tuple[Step, ...]:
    return (Step(sent, writer, "send_to_principal"), Step(decided, principal, "approve"))


def grant(on: str, by: str, amount: int, number: str, period: str, final_due: str, **more) -> Step:
    """Recording the grant: the amount, the project number, the period ("start/end"), the report dates."""
    start, end = period.split("/")
    details = {"amount_eur": amount, "project_number": number, "project_start": start, "project_end": end}
    return Step(on, by, "record_grant", details={**details, "final_report_due": final_due, **more})
