"""Plain values the editor's pages and the PDFs show: answers as readable text, where each rule
message is fixed, and two versions of a section side by side with their differences marked."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from ..core.i18n import current_language, format_number
from ..lifecycle import Stage
from ..programmes import lump_sums, registry


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
    if fdef.type == "number" and isinstance(value, (int, float)):
        return format_number(value)  # as every other amount on the pages: "30 000" / "30,000"
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


# --- Two versions of a section, field by field, with the differences marked ---------------------


@dataclass(frozen=True)
class FieldChange:
    """One field (of one item, for a repeated section) in two versions: each side as markup in which
    only the words it alone has are marked (<del> on the older side, <ins> on the newer)."""

    heading: str  # the item, for a repeated section; "" otherwise
    label: str
    before: Markup
    after: Markup
    before_text: str
    changed: bool


def compare_answers(section, before: dict, after: dict, participants) -> list[FieldChange]:
    """Every field of the section in both versions, in the form's order, repeats item by item."""
    language = current_language()
    changes = []
    for heading, old, new in _paired_items(section, before or {}, after or {}, participants):
        for fdef in section.fields:
            old_text = display_value(fdef, old.get(fdef.key), participants)
            new_text = display_value(fdef, new.get(fdef.key), participants)
            marked_old, marked_new = marked_diff(old_text, new_text)
            changes.append(
                FieldChange(heading, fdef.label.get(language), marked_old, marked_new, old_text, old_text != new_text)
            )
    return changes


def _paired_items(section, before: dict, after: dict, participants):
    """(heading, values before, values after) for the section, or for each item of a repeated one."""
    if not section.repeat:
        return [("", before, after)]
    if section.repeat.per_organisation:
        old, new = _items(before, dict), _items(after, dict)
        names = {o.key: o.name for o in participants}
        keys = [o.key for o in participants if o.key in old or o.key in new]
        keys += sorted((set(old) | set(new)) - set(keys))
        return [
            (names.get(k, str(_l("An organisation no longer in the application"))), old.get(k) or {}, new.get(k) or {})
            for k in keys
        ]
    old, new = _items(before, list), _items(after, list)
    label = section.repeat.item_label.get(current_language())
    return [
        (f"{label} {i + 1}", (old[i] if i < len(old) else None) or {}, (new[i] if i < len(new) else None) or {})
        for i in range(max(len(old), len(new)))
    ]


def _items(data: dict, kind):
    items = data.get("items")
    return items if isinstance(items, kind) else kind()


#: Words, runs of blanks and single other characters (punctuation): the units a change is marked in.
_TOKENS = re.compile(r"\w+|\s+|[^\w\s]")


def marked_diff(before: str, after: str) -> tuple[Markup, Markup]:
    """Both texts, escaped, with what only `before` has in <del> and what only `after` has in <ins>."""
    old, new = _TOKENS.findall(before), _TOKENS.findall(after)
    runs: list[list] = []  # [same, old text, new text], blanks between two changes joined to them
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        run = [tag == "equal", "".join(old[i1:i2]), "".join(new[j1:j2])]
        if runs and not run[0] and not runs[-1][0]:
            runs[-1][1] += run[1]
            runs[-1][2] += run[2]
        elif len(runs) >= 2 and not run[0] and runs[-1][0] and not runs[-1][1].strip() and not runs[-2][0]:
            blank = runs.pop()
            runs[-1][1] += blank[1] + run[1]
            runs[-1][2] += blank[2] + run[2]
        else:
            runs.append(run)
    return (
        Markup("").join(_mark(text, "del", same) for same, text, _ in runs),
        Markup("").join(_mark(text, "ins", same) for same, _, text in runs),
    )


def _mark(text: str, tag: str, same: bool) -> Markup:
    core = text.strip()
    if same or not core:
        return escape(text)
    start = text.index(core)
    return escape(text[:start]) + Markup(f"<{tag}>{{}}</{tag}>").format(core) + escape(text[start + len(core) :])


@dataclass(frozen=True)
class SplitBox:
    """What a section that is part of the lump-sum split shows above its fields: the lump sum, what
    the other sections already allocate, and the shares per organisation (the page script adds what
    is typed here as it is typed)."""

    lump_sum: object  # Decimal, or None while not chosen
    lump_sum_section: str  # the title of the section where it is chosen
    fields: tuple[str, ...]  # this section's amount fields
    other: object  # Decimal: what the other sections allocate
    total: object
    left: object
    shares: tuple


def split_box(definition, section, answers: dict, participants) -> SplitBox | None:
    rule = definition.lump_sum_split
    fields = tuple(p.split(".")[1] for p in (rule.parts if rule else []) if p.split(".")[0] == section.key)
    if not fields:
        return None
    result = lump_sums.split(definition, answers, participants)
    other = sum((line.amount or 0 for line in result.lines if line.section != section.key), lump_sums.ZERO)
    chosen_in = definition.section(rule.lump_sum.split(".")[0])
    title = chosen_in.title.get(current_language()) if chosen_in else rule.lump_sum
    return SplitBox(result.lump_sum, title, fields, other, result.total, result.left, result.shares)
