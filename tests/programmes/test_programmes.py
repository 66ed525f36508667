"""Programme definitions: they load, match the facts in docs/sources/, and a broken one says where."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from support import ACTIONS, ROOT
from webapp.lifecycle import Stage
from webapp.programmes import registry
from webapp.programmes.loader import DefinitionError, load_all, load_file
from webapp.programmes.shared import Countries


@pytest.fixture(scope="module")
def catalogue():
    return load_all(ROOT / "workflows")


def test_all_definitions_load_with_every_stage_and_both_languages(catalogue):
    assert set(catalogue.actions) == set(ACTIONS)
    for versions in catalogue.actions.values():
        for definition in versions.values():
            assert definition.name.sv != definition.name.en
            stages = {s.stage for s in definition.sections}
            assert stages == set(Stage), (definition.key, stages)
            assert definition.sections[0].key == "needs" and not definition.sections[0].official
            for section in definition.sections:
                for f in section.fields:
                    assert f.label.sv and f.label.en


# Facts from docs/sources/erasmus-plus-school-2026.md (#ka210-sch, #ka210-sch-award-criteria,
# #ka220-sch, #ka220-sch-award-criteria, #ka240-sch, #ka122-sch) and
# docs/sources/nordplus-junior-2026.md#activities-and-minimum-partnerships, one row each:
# (action, call year, fact, expected).
DOMAIN_FACTS = [
    ("KA210-SCH", 2026, "min_organisations", 2),
    ("KA210-SCH", 2026, "min_countries", 2),
    ("KA210-SCH", 2026, "duration", (6, 24)),
    ("KA210-SCH", 2026, "lump_sums", [30000, 60000]),
    ("KA210-SCH", 2026, "criteria", {"relevance": 30, "design": 30, "partnership": 20, "impact": 20}),
    ("KA210-SCH", 2026, "pass_mark", 60),
    ("KA220-SCH", 2026, "min_organisations", 3),
    ("KA220-SCH", 2026, "min_countries", 3),
    ("KA220-SCH", 2026, "duration", (12, 36)),
    ("KA220-SCH", 2026, "lump_sums", [120000, 250000, 400000]),
    ("KA220-SCH", 2026, "criteria", {"relevance": 25, "design": 30, "partnership": 20, "impact": 25}),
    ("KA240-SCH", 2026, "min_organisations", 6),
    ("KA240-SCH", 2026, "min_countries", 2),
    ("KA240-SCH", 2026, "lump_sums", [400000]),
    ("KA240-SCH", 2026, "duration", (36, 36)),
    ("KA122-SCH", 2026, "duration", (6, 18)),
    ("KA122-SCH", 2026, "max_participants", 30),
    ("NPJ-MOBILITY", 2026, "min_organisations", 2),
    ("NPJ-MOBILITY", 2026, "min_countries", 2),
    ("NPJ-DEVELOPMENT", 2026, "min_organisations", 3),
    ("NPJ-DEVELOPMENT", 2026, "min_countries", 3),
    ("NPJ-PREPARATORY-VISIT", 2026, "min_organisations", 2),
]


@pytest.mark.parametrize("key,year,fact,expected", DOMAIN_FACTS)
def test_definitions_carry_the_domain_facts(catalogue, key, year, fact, expected):
    d = catalogue.actions[key][year]
    actual = {
        "min_organisations": lambda: d.eligibility.partnership.min_organisations,
        "min_countries": lambda: d.eligibility.partnership.min_countries,
        "duration": lambda: (d.eligibility.duration_months.min, d.eligibility.duration_months.max),
        "lump_sums": lambda: d.eligibility.lump_sums_eur,
        "criteria": lambda: {c.key: c.max_points for c in d.scoring.criteria},
        "pass_mark": lambda: d.scoring.pass_mark,
        "max_participants": lambda: d.eligibility.max_participants,
    }[fact]()
    assert actual == expected


@pytest.mark.parametrize(
    "key,round_id,utc",
    [
        # Erasmus+: 12:00 Brussels time
        # (docs/sources/erasmus-plus-school-2026.md#call-rounds-and-deadlines).
        ("KA210-SCH", "2026-R1", datetime(2026, 3, 5, 11, 0, tzinfo=UTC)),
        ("KA220-SCH", "2026-R1", datetime(2026, 3, 5, 11, 0, tzinfo=UTC)),
        ("KA122-SCH", "2026-R1", datetime(2026, 2, 19, 11, 0, tzinfo=UTC)),
        ("KA121-SCH", "2026-R1", datetime(2026, 2, 19, 11, 0, tzinfo=UTC)),
        ("KA240-SCH", "2026-R1", datetime(2026, 4, 9, 10, 0, tzinfo=UTC)),  # summer time
        # Nordplus: 1 Feb 23:59 CET, moved to Monday 2 Feb in 2026
        # (docs/sources/nordplus-junior-2026.md#main-round).
        ("NPJ-MOBILITY", "2026-R1", datetime(2026, 2, 2, 22, 59, tzinfo=UTC)),
        ("NPJ-MOBILITY", "2027-R1", datetime(2027, 2, 1, 22, 59, tzinfo=UTC)),
    ],
)
def test_deadlines_match_the_domain_facts(app, key, round_id, utc):
    assert registry.for_round(key, round_id).call_round(round_id).deadline_utc == utc


def test_nordplus_deadline_moves_to_the_next_working_day():
    """1 February, or the next working day after a weekend or holiday.

    Source: docs/sources/nordplus-junior-2026.md#main-round.
    """
    import holidays

    catalogue = load_all(ROOT / "workflows")
    swedish = holidays.country_holidays("SE", years=[2026, 2027])
    for year in (2026, 2027):
        day = datetime(year, 2, 1).date()
        while day.weekday() >= 5 or day in swedish:
            day = day.fromordinal(day.toordinal() + 1)
        stated = catalogue.actions["NPJ-MOBILITY"][year].call_round(f"{year}-R1").deadline.date()
        assert stated == day


def test_uncertain_rounds_are_flagged_with_a_source(app):
    round_2 = registry.for_round("KA220-SCH", "2026-R2").call_round("2026-R2")
    assert round_2.confirmed is False and "ES-repo" in round_2.source
    assert registry.for_round("KA210-SCH", "2027-R1").call_round("2027-R1").confirmed is False


def test_an_application_keeps_the_version_it_started_with(app):
    assert registry.for_round("KA210-SCH", "2026-R1").call_year == 2026
    assert registry.for_round("KA210-SCH", "2027-R1").call_year == 2027
    assert registry.get("KA210-SCH", 2026).call_round("2027-R1") is None


def test_norway_is_a_country_not_false():
    countries = load_file(ROOT / "workflows/countries.yaml", Countries)
    assert "NO" in countries.groups["nordplus"].countries


def _copy_tree(tmp_path: Path) -> Path:
    import shutil

    target = tmp_path / "workflows"
    shutil.copytree(ROOT / "workflows", target)
    return target


def test_broken_definition_names_file_line_and_key(tmp_path: Path):
    folder = _copy_tree(tmp_path)
    path = folder / "ka210-sch/2026.yaml"
    path.write_text(path.read_text().replace("timezone: Europe/Brussels", "timezone: Mars/Olympus", 1))
    with pytest.raises(
        DefinitionError,
        match=r"ka210-sch/2026\.yaml: line \d+, call_rounds\.0\.timezone: .*'Mars/Olympus'",
    ):
        load_all(folder)


def test_show_if_must_name_an_earlier_field(tmp_path: Path):
    folder = _copy_tree(tmp_path)
    path = folder / "ka210-sch/2026.yaml"
    path.write_text(path.read_text().replace("show_if: {field: translation_needed", "show_if: {field: nowhere", 1))
    with pytest.raises(DefinitionError, match=r"ka210-sch/2026\.yaml: line \d+, .*summary_en\.show_if\b.*\bnowhere\b"):
        load_all(folder)


def test_unknown_country_group_is_named(tmp_path: Path):
    folder = _copy_tree(tmp_path)
    path = folder / "ka210-sch/2026.yaml"
    path.write_text(
        path.read_text().replace(
            "eligible_country_groups: [eu_member_states,", "eligible_country_groups: [atlantis,", 1
        )
    )
    with pytest.raises(
        DefinitionError, match=r"ka210-sch/2026\.yaml: line \d+, eligibility\.partnership\b.*\['atlantis'\]"
    ):
        load_all(folder)


def test_invalid_yaml_names_the_line(tmp_path: Path):
    broken = tmp_path / "bad.yaml"
    broken.write_text("key: KA210-SCH\nname: [unclosed\n")
    with pytest.raises(DefinitionError, match=r"bad\.yaml: line \d+, column \d+: not valid YAML"):
        load_file(broken)


def test_programmes_check_command(app):
    result = app.test_cli_runner().invoke(args=["programmes", "check"])
    assert result.exit_code == 0 and "KA220-SCH" in result.output and "2027" in result.output


def test_start_up_fails_with_one_line_for_a_broken_definition(tmp_path: Path, db_url):
    from webapp import create_app
    from webapp.config import ConfigError

    folder = _copy_tree(tmp_path)
    (folder / "ka210-sch/2026.yaml").write_text("key: KA210-SCH\n")
    with pytest.raises(ConfigError, match=r"ka210-sch/2026\.yaml: (.*; )?programme: "):  # the file and the missing key
        create_app({"SECRET_KEY": "k" * 32, "SQLALCHEMY_DATABASE_URI": db_url, "WORKFLOWS_DIR": str(folder)})


def test_every_source_cites_a_file_in_the_repository():
    """Every `source`/`sources` value in workflows/ that cites docs/sources/<file>.md names a file in
    the repository and, after `#`, one of its headings; none points at notes outside the repository."""
    import re

    import yaml

    def strings(node):  # a source value: a string, a list of them, or a mapping of them (choices.yaml)
        if isinstance(node, str):
            yield node
        elif isinstance(node, (list, dict)):
            for item in node.values() if isinstance(node, dict) else node:
                yield from strings(item)

    def sources(node):
        if isinstance(node, dict):
            for key, value in node.items():
                yield from strings(value) if key in ("source", "sources") else sources(value)
        elif isinstance(node, list):
            for item in node:
                yield from sources(item)

    def anchors(path):
        """GitHub-style heading slugs: lower case, spaces to '-', punctuation other than '-' dropped."""
        slugs, seen, fenced = set(), {}, False
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.lstrip().startswith("```"):
                fenced = not fenced
                continue
            heading = None if fenced else re.match(r"#{1,6}\s+(.+?)\s*#*\s*$", line)
            if heading:
                slug = re.sub(r"[^\w\- ]", "", heading.group(1).lower()).replace(" ", "-")
                slugs.add(f"{slug}-{seen[slug]}" if slug in seen else slug)
                seen[slug] = seen.get(slug, 0) + 1
        return slugs

    citation = re.compile(r"docs/sources/([\w./-]+?\.md)(?:#([\w-]+))?")
    headings, cited, problems = {}, 0, []
    for path in sorted((ROOT / "workflows").rglob("*.yaml")):
        where = path.relative_to(ROOT)
        for text in sources(yaml.safe_load(path.read_text(encoding="utf-8"))):
            for outside in ("programmes.md §", "form-structures.md", "shared/"):
                if outside in text:
                    problems.append(f"{where}: {text!r} cites {outside!r}, which is not in the repository")
            for match in citation.finditer(text):
                cited += 1
                name, anchor = match.groups()
                target = ROOT / "docs" / "sources" / name
                if not target.is_file():
                    problems.append(f"{where}: {text!r} cites docs/sources/{name}, which does not exist")
                    continue
                if target not in headings:
                    headings[target] = anchors(target)
                if anchor and anchor not in headings[target]:
                    problems.append(f"{where}: {text!r} cites #{anchor}, no heading of docs/sources/{name}")
    assert cited, "no source in workflows/ cites docs/sources/"
    assert not problems, "\n".join(dict.fromkeys(problems))  # YAML aliases repeat a source


@pytest.mark.parametrize(
    "text,shown",
    [
        ("docs/sources/erasmus-plus-school-2026.md#ka210-sch; fondi.eu; iky.gr", "fondi.eu; iky.gr"),
        ("docs/sources/nordplus-junior-2026.md#letters-of-intent", ""),
        ("docs/sources/official-forms.md#ka210-sch-e-activities (≈50 characters)", "≈50 characters"),
        (
            "No KA240 template found (docs/sources/official-forms.md#ka240-sch-form); modelled on KA220.",
            "No KA240 template found; modelled on KA220.",
        ),
    ],
)
def test_users_see_the_public_sources_not_our_notes(text, shown):
    assert registry.public_source(text) == shown
