"""Starting from an earlier application: the form offers it, and its partners come along as directory
links, with their kind, asked again to confirm; one that declined stays behind."""

from __future__ import annotations

from webapp.applications.models import Application
from webapp.directory.models import DirectoryEntry
from webapp.partners.models import PartnerStatus


def test_the_new_application_form_offers_the_earlier_ones(login, make):
    earlier = make.application(title="Förra året")
    page = login(earlier.owner).get("/applications/new").get_data(as_text=True)
    assert 'name="copy_from"' in page and "Förra året" in page and 'name="copy_partners"' in page


def test_a_first_application_is_not_offered_an_empty_reuse(login, make):
    teacher = make.user()
    assert 'name="copy_from"' not in login(teacher).get("/applications/new").get_data(as_text=True)


def test_reused_partners_keep_their_kind_and_directory_link(login, make, db):
    earlier = make.application(title="Förra året")
    entry = DirectoryEntry(organisation_id=earlier.organisation_id, name="Ski videregående skole", country="NO")
    db.session.add(entry)
    db.session.flush()
    make.partner(earlier, "Gladsaxe kommun", "DK", kind="school_authority", directory_entry_id=None)
    make.partner(earlier, "Ski videregående skole", "NO")  # not linked yet: matched by name and country
    make.partner(earlier, "Tartu kool", "EE", status=PartnerStatus.DECLINED)
    db.session.commit()
    data = {"title": "Nytt", "call": "KA210-SCH/2027-R1", "school_id": earlier.school_id}
    data |= {"copy_from": earlier.id, "copy_partners": "y"}
    assert login(earlier.owner).post("/applications/new", data=data).status_code == 302
    new = db.session.scalar(db.select(Application).where(Application.title == "Nytt"))
    assert sorted((p.name, p.kind, p.status, p.directory_entry_id) for p in new.partners) == [
        ("Gladsaxe kommun", "school_authority", "interested", None),
        ("Ski videregående skole", "school", "interested", entry.id),
    ]
