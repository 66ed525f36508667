"""Plain values the editor's pages and the PDFs show: answers as readable text, and where each
rule message is fixed."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l

from ..core.i18n import current_language
from ..lifecycle import Stage
from ..programmes import registry


def display_value(fdef, value, participants) -> str:
    """An answer as text for reading and copying: choice labels instead of their codes."""
    language = current_language()
    if value in (None, "", []):
        return ""
    if fdef.type in ("choice", "multichoice"):
        source = fdef.choices if fdef.choices is not None else registry.choices().lists[fdef.choices_from]
        labels = {c.value: c.label.get(language) for c in source}
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(v, v) for v in values)
    if fdef.type in ("organisation", "organisations"):
        names = {o.key: o.name for o in participants}
        values = value if isinstance(value, list) else [value]
        return ", ".join(names.get(v, "?") for v in values)
    if fdef.type == "yesno":
        return str(_l("Yes")) if value == "yes" else str(_l("No"))
    return str(value)


#: The pages a rule message may point at besides a section of the form.
_PAGES = {"partners": "partners.index"}


def problem_link(application, problem) -> str:
    """Where the user fixes what a rule message says: a field of a section, or a page."""
    if problem.page:
        return url_for(_PAGES[problem.page], application_id=application.id)
    if problem.section:
        anchor = problem.item or problem.field or ""
        return url_for("sections.section", application_id=application.id, key=problem.section) + (
            f"#{anchor}" if anchor else ""
        )
    return ""


@dataclass(frozen=True)
class Link:
    url: str
    label: str
    button: bool = False


def stage_links(application, stage) -> list[Link]:
    """The tools a stage's page offers besides its sections."""
    if stage == Stage.IDEA:
        return [Link(url_for("chooser.index"), _l("Not sure this is the right programme? Try the programme chooser."))]
    if stage == Stage.PARTNERS:
        label = f"{_l('Partners')} ({len(application.partners)})"
        return [Link(url_for("partners.index", application_id=application.id), label, button=True)]
    return []
