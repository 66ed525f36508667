"""A section's note on what is not confirmed (`uncertain:`) is written in both languages and shown
in the reader's (issue 11: the notes were shown to Swedish users in English)."""

from pathlib import Path

import pytest

from pages import parse
from support import ROOT
from webapp.auth.models import Role
from webapp.programmes import registry
from webapp.programmes.loader import DefinitionError, load_all, load_file
from webapp.programmes.schema import Localised


def notes(catalogue):
    """(action, call year, section key, note) of every section that has one."""
    return [
        (key, year, section.key, section.uncertain)
        for key, versions in sorted(catalogue.actions.items())
        for year, definition in sorted(versions.items())
        for section in definition.sections
        if section.uncertain is not None
    ]


def test_every_uncertainty_note_is_in_swedish_and_english():
    found = notes(load_all(ROOT / "workflows"))
    assert len({(key, section) for key, _, section, _ in found}) >= 60  # about 70 notes over the actions
    for key, year, section, note in found:
        where = f"{key} {year} {section}"
        assert isinstance(note, Localised), where
        assert note.sv.strip() and note.en.strip(), where
        assert note.sv != note.en, f"{where}: the Swedish note is the English one"
        shown_sv, shown_en = registry.public_source(note.sv), registry.public_source(note.en)
        assert shown_sv and shown_sv != shown_en, f"{where}: what users read is the same in both languages"


def test_a_note_in_one_language_only_is_refused(tmp_path: Path):
    import shutil

    folder = tmp_path / "workflows"
    shutil.copytree(ROOT / "workflows", folder)
    path = folder / "ka210-sch/2026.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("    uncertain:\n")
    end = text.index("\n", text.index("      en: ", start))
    path.write_text(text[:start] + '    uncertain: "Only in English."' + text[end:], encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"ka210-sch/2026\.yaml: line \d+, sections\.\d+\.uncertain: "):
        load_file(path, root=folder)


# (action, call round, section): a plain note, one with a citation of docs/sources/ that users do not
# see, and one shared through a YAML anchor and inherited by the 2027 file.
PAGES = [
    ("KA210-SCH", "2027-R1", "description"),
    ("KA240-SCH", "2027-R1", "context"),
    ("NPJ-MOBILITY", "2027-R1", "background"),
]


@pytest.mark.parametrize("action_key, call_round, section_key", PAGES)
@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_section_page_shows_the_note_in_the_readers_language(
    login, make, language, action_key, call_round, section_key
):
    school = make.school()
    owner = make.user(Role.TEACHER, school=school, language=language)
    application = make.application(school, owner=owner, action_key=action_key, call_round=call_round)
    note = registry.for_round(action_key, call_round).section(section_key).uncertain
    other = "en" if language == "sv" else "sv"

    response = login(owner).get(f"/applications/{application.id}/sections/{section_key}")

    assert response.status_code == 200
    page = parse(response.get_data(as_text=True))
    box = page.find("details", cls="uncertain")
    assert box is not None
    shown = box.find("p")
    assert shown.text() == registry.public_source(getattr(note, language))
    assert shown.text() != registry.public_source(getattr(note, other))
    assert "docs/sources" not in shown.text()
    assert shown.attrs.get("lang", language) == language  # no lang="en" on a Swedish note
    assert page.find("html").attrs["lang"] == language
