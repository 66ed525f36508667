"""The demo: Solna's schools, twin towns and past projects (real public facts), a fictional school
authority that asks for the coordinator's sign-off, fictional people with addresses at example.org,
and applications in every lifecycle state, each brought there by the steps its people took."""

from __future__ import annotations

from ..applications import services as applications
from ..applications.models import Application
from ..auth import services as accounts
from ..auth.models import Membership, User
from ..directory.models import DirectoryEntry
from ..extensions import db
from ..organisations.models import Organisation, School
from ..partners.models import Partner
from . import history
from .answers import write_answers
from .people import DIRECTORY, ORGANISATIONS, PARTNER_SCHOOLS, PEOPLE, SCHOOLS, SOLNA
from .steps import DemoApplication
from .stories import APPLICATIONS

DEMO_PASSWORD = "grantpath-demo"

_write_answers = write_answers  # the name tests know it by


def is_empty() -> bool:
    return db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def load() -> Organisation:
    """Loads the demo into an empty database and commits; answers the municipality."""
    organisations = {
        name: Organisation(name=name, kind=kind, country="SE", portfolio_public=public, coordinator_signoff=signoff)
        for name, kind, public, signoff in ORGANISATIONS
    }
    db.session.add_all(organisations.values())
    schools = {
        name: School(
            organisation=organisations[org], name=name, city=city, country="SE", oid=oid, address=address, kind=kind
        )
        for org, name, city, oid, address, kind in SCHOOLS
    }
    db.session.add_all(schools.values())
    users = {}
    for email, name, language, roles in PEOPLE:
        user = User(email=email, name=name, language=language)
        if users:  # one public password for every demo account: hashed once (argon2 takes its time on purpose)
            user.password_hash = next(iter(users.values())).password_hash
        else:
            accounts.set_password(user, DEMO_PASSWORD)
        for org, role, school in roles:
            user.memberships.append(Membership(organisation=organisations[org], role=role, school=schools.get(school)))
        users[email] = user
        db.session.add(user)
    db.session.flush()
    entries = _fill_directory(organisations[SOLNA])
    for demo in APPLICATIONS:
        application = _start(demo, schools[demo.school], users, entries)
        for step in demo.steps:
            history.take(application, step, users)
    db.session.commit()
    return organisations[SOLNA]


def _contact_email(contact: str, country: str) -> str:
    return f"{contact.split()[0].lower()}.{country.lower()}@example.org"


def _fill_directory(organisation: Organisation) -> dict[str, DirectoryEntry]:
    """Solna's twin towns and networks, and the partner schools met through them and earlier
    projects; answers the schools' entries by their key in PARTNER_SCHOOLS."""
    for name, entry_kind, country, city, topics, source, notes in DIRECTORY:
        db.session.add(
            DirectoryEntry(
                organisation=organisation,
                entry_kind=entry_kind,
                name=name,
                kind="school_authority" if entry_kind == "twin_town" else "other",
                country=country,
                city=city,
                topics=topics,
                source=source,
                notes=notes,
            )
        )
    twin_towns = {"DK", "NO", "FI", "LV", "GR", "PL"}
    entries = {
        key: DirectoryEntry(
            organisation=organisation,
            name=name,
            country=country,
            city=city,
            contact_name=contact,
            contact_email=_contact_email(contact, country),
            source="twin_town" if country in twin_towns else "earlier_project",
            languages="English",
            topics=topics,
            levels=levels,
        )
        for key, (name, country, city, contact, topics, levels) in PARTNER_SCHOOLS.items()
    }
    db.session.add_all(entries.values())
    db.session.flush()
    return entries


def _start(demo: DemoApplication, school: School, users: dict, entries: dict) -> Application:
    """The application as its team started and wrote it, before any step."""
    owner = users[demo.owner]
    with history.happened(history.moment(demo.started)):
        application = applications.create(owner, school, demo.action, demo.round, demo.title)
        application.team = [owner, *(users[e] for e in demo.team)]
        for key, status in demo.partners:
            name, country, city, contact, _topics, _levels = PARTNER_SCHOOLS[key]
            application.partners.append(
                Partner(
                    name=name,
                    country=country,
                    city=city,
                    status=status,
                    status_since=history.moment(demo.started).date(),
                    contact_name=contact,
                    contact_email=_contact_email(contact, country),
                    directory_entry_id=entries[key].id,  # the directory found or learned each one
                )
            )
        db.session.flush()
        if demo.sentences:
            write_answers(
                application,
                owner,
                list(demo.sentences),
                complete=demo.answers == "all",
                title=demo.title,
                english_title=demo.english_title,
            )
    return application


def demo_counts() -> dict:
    return {
        "applications": db.session.scalar(db.select(db.func.count()).select_from(Application)),
        "users": db.session.scalar(db.select(db.func.count()).select_from(User)),
    }
