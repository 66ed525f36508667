"""The loader refuses an activity limit, organisation roles or own-application choice that names what
the form does not have (a misspelt name would silently check nothing), naming the file and line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from support import ROOT
from webapp.programmes.loader import DefinitionError, load_all

MOBILITY = "workflows/npj-mobility/2026.yaml"


def _broken(tmp_path: Path, old: str, new: str) -> tuple[str, int]:
    """A copy of workflows/ with `old` replaced once in the mobility file: the faults and the line."""
    folder = tmp_path / "workflows"
    shutil.copytree(ROOT / "workflows", folder)
    path = folder / "npj-mobility/2026.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DefinitionError) as raised:
        load_all(folder)
    return str(raised.value), text[: text.index(old)].count("\n") + 1


@pytest.mark.parametrize(
    "old,new,says",
    [
        ("      field: teachers\n      ratio:", "      field: teachrs\n      ratio:", r"activity_limits\.0\.field: mobility_activities\.teachrs is not a number field"),
        ("        field: pupils\n", "        field: content\n", r"activity_limits\.0\.ratio: mobility_activities\.content is not a number field"),
        ("equals: [study_visit]}\n      field: teachers", "equals: [study_trip]}\n      field: teachers", r"activity_limits\.2\.when: mobility_activities\.activity_type has no choices \['study_trip'\]"),
        ("    - section: mobility_activities\n      when: {field: activity_type, equals: [study_visit]}\n      field: days", "    - section: mobility_table\n      when: {field: activity_type, equals: [study_visit]}\n      field: days", r"activity_limits\.3\.section: mobility_table is not a freely repeated section"),
        ("coordinator_types: [preschool, school, culture_school]", "coordinator_types: [preschool, gymnasium]", r"organisation_roles\.type_field: organisations\.organisation_type has no choices \['gymnasium'\]"),
        ("action: NPJ-PREPARATORY-VISIT", "action: NPJ-PREPARATORY-TRIP", r"own_application\.0\.action: names unknown action NPJ-PREPARATORY-TRIP"),
    ],
)  # fmt: skip
def test_a_broken_rule_is_refused_naming_the_file(tmp_path: Path, old, new, says):
    message, line = _broken(tmp_path, old, new)
    found = re.search(rf"^{re.escape(MOBILITY)}: line (\d+), eligibility\.{says}$", message, re.M)
    assert found, message
    assert int(found.group(1)) >= line - 1  # the line of the key, or the item it is in
    assert message.count("\n") == 0, message  # said once, not again through the 2027 file


def test_a_limit_without_any_figure_is_refused(tmp_path: Path):
    message, _ = _broken(tmp_path, "      min: 2\n      max: 5\n", "")
    assert re.search(
        rf"^{re.escape(MOBILITY)}: line \d+, eligibility\.activity_limits\.2: .*needs min, max or ratio", message, re.M
    ), message
