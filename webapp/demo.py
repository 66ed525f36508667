"""The demo municipality: real public facts from the seeds (Solna's schools, twin towns and past
projects), fictional people with addresses at example.org."""

from __future__ import annotations

from .applications import services as applications
from .applications.models import Application
from .auth import services as accounts
from .auth.models import Membership, Role, User
from .extensions import db
from .lifecycle import Stage, Status
from .organisations.models import Organisation, OrganisationKind, School
from .partners.models import Partner
from .programmes import registry
from .sections import services as sections
from .sections.models import SectionAnswer

DEMO_PASSWORD = "grantpath-demo"

SCHOOLS = [
    ("Solna Gymnasium", "Solna", "E10234567", "Skolgatan 1, 171 00 Solna"),
    ("Ulriksdalsskolan", "Solna", "E10234568", "Ulriksdalsvägen 2, 170 00 Solna"),
    ("Bergshamraskolan", "Solna", "E10234569", "Bergshamravägen 3, 170 00 Solna"),
]

# email, name, language, [(role, school name or None)]
PEOPLE = [
    ("teacher@example.org", "Elin Lindqvist", "sv", [(Role.TEACHER, "Solna Gymnasium")]),
    ("principal@example.org", "Mats Berglund", "sv", [(Role.PRINCIPAL, "Solna Gymnasium")]),
    ("coordinator@example.org", "Sara Nyström", "sv", [(Role.COORDINATOR, None)]),
    ("admin@example.org", "Johan Ek", "en", [(Role.ADMIN, None)]),
    ("amir.haddad@example.org", "Amir Haddad", "sv", [(Role.TEACHER, "Ulriksdalsskolan")]),
    ("karin.holm@example.org", "Karin Holm", "sv", [(Role.PRINCIPAL, "Ulriksdalsskolan")]),
    ("lena.sjoberg@example.org", "Lena Sjöberg", "sv", [(Role.TEACHER, "Solna Gymnasium")]),
    (
        "oskar.falk@example.org",
        "Oskar Falk",
        "sv",
        [(Role.TEACHER, "Bergshamraskolan"), (Role.PRINCIPAL, "Bergshamraskolan")],
    ),
]

# Partner schools from Solna's twin towns and the YEPSA project (seed 000); the contact people are fictional.
PARTNERS = {
    "Hållbart entreprenörskap med våra nordiska vänorter": [
        ("Gladsaxe Gymnasium", "DK", "Gladsaxe", "confirmed", "Mette Holm"),
        ("Ski videregående skole", "NO", "Nordre Follo", "confirmed", "Ingrid Solberg"),
        ("Pirkkalan yhteiskoulu", "FI", "Pirkkala", "interested", "Aino Lehtinen"),
        ("Valmieras Valsts ģimnāzija", "LV", "Valmiera", "contacted", "Ilze Kalniņa"),
    ],
    "YEPSA 2 – unga européer för hållbar handling": [
        ("Gymnázium Praha", "CZ", "Praha", "confirmed", "Jana Dvořáková"),
        ("Gladsaxe Gymnasium", "DK", "Gladsaxe", "confirmed", "Mette Holm"),
        ("Gymnasium Wolfsburg", "DE", "Wolfsburg", "confirmed", "Lukas Brandt"),
        ("Gymnázium Poprad", "SK", "Poprad", "confirmed", "Zuzana Horváthová"),
    ],
    "Metodutveckling för idrottsgymnasier i Europa": [
        ("Liceo Sportivo Bologna", "IT", "Bologna", "confirmed", "Giulia Ferri"),
    ],
}

# Sentences the demo answers are written from, per application: what the teams would write.
THEMES = {
    "YEPSA 2 – unga européer för hållbar handling": [
        "Eleverna i fem gymnasieskolor arbetar med FN:s globala mål för hållbar utveckling i sin egen närmiljö.",
        "Vi bygger vidare på YEPSA (2020–2023), där elever från Solna, Prag, Gladsaxe, Wolfsburg och Poprad kartlade klimatfrågor i sina städer.",
        "Varje skola driver ett lokalt förändringsprojekt som eleverna själva väljer, planerar och utvärderar.",
        "Lärarna utvecklar tillsammans ett ämnesövergripande arbetssätt för samhällskunskap, naturkunskap och engelska.",
        "Resultaten sprids via eTwinning, skolornas webbplatser och en gemensam konferens i Solna.",
        "Projektet stärker elevernas förmåga att påverka i viktiga samhällsfrågor och att samarbeta över språkgränser.",
        "Vi mäter effekterna med enkäter före och efter, elevernas portfolior och lärarnas gemensamma observationer.",
        "Alla möten planeras så att resor sker med tåg där det går, och digitala möten ersätter resor när det räcker.",
    ],
    "Metodutveckling för idrottsgymnasier i Europa": [
        "Idrottslärare i Solna och Bologna jämför hur de kombinerar elitidrott och studier.",
        "Vi vill minska antalet elever på idrottsprogrammet som inte når en gymnasieexamen.",
        "Lärarna skuggar varandra en vecka per skola och prövar sedan nya metoder i sina egna klasser.",
        "Resultaten samlas i en metodbank som delas med Riksidrottsgymnasier och andra skolor.",
    ],
    "Hållbart entreprenörskap med våra nordiska vänorter": [
        "Elever i Solna och våra vänorter utvecklar affärsidéer som gör staden mer hållbar.",
        "Behovet: många elever saknar erfarenhet av att omsätta idéer i handling tillsammans med andra.",
        "Eleverna presenterar sina affärsplaner för erfarna entreprenörer i varje vänort.",
    ],
}

ENGLISH_TITLES = {
    "YEPSA 2 – unga européer för hållbar handling": "YEPSA 2 – Young European Partnerships for Sustainable Action",
    "Metodutveckling för idrottsgymnasier i Europa": "Developing methods at European sports upper secondary schools",
    "Hållbart entreprenörskap med våra nordiska vänorter": "Sustainable entrepreneurship with our Nordic twin towns",
}

# title, action, round, school, owner, co-writers, stage, status
APPLICATIONS = [
    (
        "Hållbart entreprenörskap med våra nordiska vänorter",
        "NPJ-DEVELOPMENT",
        "2027-R1",
        "Solna Gymnasium",
        "teacher@example.org",
        ["lena.sjoberg@example.org"],
        Stage.PARTNERS,
        Status.DRAFT,
    ),
    (
        "YEPSA 2 – unga européer för hållbar handling",
        "KA220-SCH",
        "2027-R1",
        "Solna Gymnasium",
        "teacher@example.org",
        [],
        Stage.ORGANISATION,
        Status.DRAFT,
    ),
    (
        "Metodutveckling för idrottsgymnasier i Europa",
        "KA210-SCH",
        "2027-R1",
        "Solna Gymnasium",
        "lena.sjoberg@example.org",
        ["teacher@example.org"],
        Stage.SUBMISSION,
        Status.AWAITING_APPROVAL,
    ),
    (
        "Språk och inkludering i grundskolan",
        "KA122-SCH",
        "2027-R1",
        "Ulriksdalsskolan",
        "amir.haddad@example.org",
        [],
        Stage.IDEA,
        Status.DRAFT,
    ),
    (
        "Läsglädje med Valmiera",
        "NPJ-MOBILITY",
        "2026-R1",
        "Bergshamraskolan",
        "oskar.falk@example.org",
        [],
        Stage.SUBMISSION,
        Status.REPORTING,
    ),
    (
        "Ackrediterad mobilitet 2026 för grundskolorna",
        "KA121-SCH",
        "2026-R1",
        "Ulriksdalsskolan",
        "karin.holm@example.org",
        [],
        Stage.SUBMISSION,
        Status.GRANTED,
    ),
]


def is_empty() -> bool:
    return db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def load() -> Organisation:
    organisation = Organisation(name="Solna stad", kind=OrganisationKind.MUNICIPALITY, country="SE")
    db.session.add(organisation)
    schools = {}
    for name, city, oid, address in SCHOOLS:
        schools[name] = School(organisation=organisation, name=name, city=city, country="SE", oid=oid, address=address)
        db.session.add(schools[name])
    users = {}
    for email, name, language, roles in PEOPLE:
        user = User(email=email, name=name, language=language)
        accounts.set_password(user, DEMO_PASSWORD)
        for role, school in roles:
            user.memberships.append(Membership(organisation=organisation, role=role, school=schools.get(school)))
        users[email] = user
        db.session.add(user)
    db.session.flush()
    for title, action, round_id, school, owner, team, stage, status in APPLICATIONS:
        application = applications.create(users[owner], schools[school], action, round_id, title)
        application.team = [users[owner], *(users[e] for e in team)]
        application.stage, application.status = stage, status
        for name, country, city, partner_status, contact in PARTNERS.get(title, []):
            application.partners.append(
                Partner(
                    name=name,
                    country=country,
                    city=city,
                    status=partner_status,
                    contact_name=contact,
                    contact_email=f"{contact.split()[0].lower()}.{country.lower()}@example.org",
                )
            )
        db.session.flush()
        if title in THEMES:
            _write_answers(application, users[owner], THEMES[title], complete=stage != Stage.PARTNERS, title=title)
    db.session.commit()
    return organisation


def _write_answers(
    application: Application, author: User, sentences: list[str], complete: bool, title: str | None = None
) -> None:
    """Fills the form the way the team would: every section, or only the idea stage's; the form's own
    title fields carry the application's title, in Swedish and English."""
    definition = sections.definition_of(application)
    title_section, english = definition.title_en.split(".") if definition.title_en else (None, None)
    orgs = sections.participants(application)
    counter = iter(range(10_000))
    written = []
    for section in definition.sections:
        if not complete and section.stage != Stage.IDEA:
            continue
        if section.repeat and section.repeat.per_organisation:
            data = {"items": {o.key: _values(section, sentences, counter, orgs) for o in orgs if o.confirmed}}
        elif section.repeat:
            data = {"items": [_values(section, sentences, counter, orgs) for _ in range(max(section.repeat.min, 2))]}
        else:
            data = _values(section, sentences, counter, orgs)
        if title and section.key == title_section:
            data = {**data, "title": title, english: ENGLISH_TITLES.get(title, title)}
        written.append(SectionAnswer(section_key=section.key, data=data, updated_by=author))
    application.answers.extend(written)
    sections.start_history(written)


def _values(section, sentences, counter, orgs) -> dict:
    values = {}
    for f in section.fields:
        n = next(counter)
        if f.type in ("text", "textarea"):
            count = 1 if f.type == "text" else 3
            text = " ".join(sentences[(n + i) % len(sentences)] for i in range(count))
            values[f.key] = text[: f.max_chars] if f.max_chars else text
        elif f.type == "number":
            low, high = f.min or 0, f.max if f.max is not None else (f.min or 0) + 20000
            values[f.key] = int(low + (high - low) // 2)
        elif f.type == "date":
            values[f.key] = "2027-09-01"
        elif f.type == "yesno":
            values[f.key] = "no"
        elif f.type in ("choice", "multichoice"):
            source = f.choices if f.choices is not None else registry.choices().lists[f.choices_from]
            picked = (
                [c.value for c in source][-1:]
                if f.type == "choice"
                else [c.value for c in source][: min(2, f.max_selected or 2)]
            )
            values[f.key] = picked[0] if f.type == "choice" else picked
        elif f.type == "organisation":
            values[f.key] = "applicant"
        else:
            values[f.key] = [o.key for o in orgs if o.confirmed]
    return values


def demo_counts() -> dict:
    return {
        "applications": db.session.scalar(db.select(db.func.count()).select_from(Application)),
        "users": db.session.scalar(db.select(db.func.count()).select_from(User)),
    }
