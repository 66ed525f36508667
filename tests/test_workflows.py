from datetime import datetime, timezone
from pathlib import Path

import pytest

from support import ROOT
from webapp.workflow import registry
from webapp.workflow.registry import WorkflowError, load_dir, load_file
from webapp.workflow.schema import Countries

EXPECTED_ACTIONS = {
    "KA120-SCH", "KA121-SCH", "KA122-SCH", "KA210-SCH", "KA220-SCH", "KA240-SCH",
    "NPJ-MOBILITY", "NPJ-DEVELOPMENT", "NPJ-NETWORK", "NPJ-PREPARATORY-VISIT",
}


def test_all_definitions_load():
    definitions = load_dir(ROOT / "workflows")
    assert set(definitions) == EXPECTED_ACTIONS
    for definition in definitions.values():
        assert definition.name.sv and definition.name.en and definition.call_rounds


@pytest.mark.parametrize(
    "key,round_id,utc",
    [
        # Erasmus+: 12:00 Brussels time (programmes.md §2).
        ("KA210-SCH", "2026-R1", datetime(2026, 3, 5, 11, 0, tzinfo=timezone.utc)),
        ("KA122-SCH", "2026-R1", datetime(2026, 2, 19, 11, 0, tzinfo=timezone.utc)),
        ("KA240-SCH", "2026-R1", datetime(2026, 4, 9, 10, 0, tzinfo=timezone.utc)),  # summer time
        # Nordplus: 1 Feb 23:59 CET, moved to Monday 2 Feb in 2026 (programmes.md §6).
        ("NPJ-MOBILITY", "2026-R1", datetime(2026, 2, 2, 22, 59, tzinfo=timezone.utc)),
    ],
)
def test_deadlines_match_the_domain_facts(app, key, round_id, utc):
    assert registry.get(key).call_round(round_id).deadline_utc == utc


def test_uncertain_rounds_are_flagged_with_a_source(app):
    ka220 = registry.get("KA220-SCH")
    assert ka220.call_round("2026-R2").confirmed is False
    assert "ES-repo" in ka220.call_round("2026-R2").source


def test_norway_is_a_country_not_false():
    countries = load_file(ROOT / "workflows/countries.yaml", Countries)
    assert "NO" in countries.groups["nordplus"].countries


def test_broken_definition_names_file_and_key(tmp_path: Path):
    broken = tmp_path / "broken.yaml"
    broken.write_text((ROOT / "workflows/ka210-sch.yaml").read_text().replace("timezone: Europe/Brussels", "timezone: Mars/Olympus", 1))
    with pytest.raises(WorkflowError, match=r"broken\.yaml: call_rounds\.0\.timezone: .*unknown time zone 'Mars/Olympus'"):
        load_file(broken)


def test_invalid_yaml_names_the_line(tmp_path: Path):
    broken = tmp_path / "bad.yaml"
    broken.write_text("key: KA210-SCH\nname: [unclosed\n")
    with pytest.raises(WorkflowError, match=r"bad\.yaml line \d+: not valid YAML"):
        load_file(broken)


def test_workflows_check_command(app):
    result = app.test_cli_runner().invoke(args=["workflows", "check"])
    assert result.exit_code == 0 and "KA220-SCH" in result.output
