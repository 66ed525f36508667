"""The demo municipality: real public facts from the seeds (Solna's schools, twin towns and past
projects), fictional people with addresses at example.org."""
from __future__ import annotations

from .applications import services as applications
from .applications.models import Application, Stage, Status
from .auth import services as accounts
from .auth.models import Membership, Role, User
from .extensions import db
from .organisations.models import Organisation, OrganisationKind, School

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
    ("oskar.falk@example.org", "Oskar Falk", "sv", [(Role.TEACHER, "Bergshamraskolan"), (Role.PRINCIPAL, "Bergshamraskolan")]),
]

# title, action, round, school, owner, co-writers, stage, status
APPLICATIONS = [
    ("Hållbart entreprenörskap med våra nordiska vänorter", "NPJ-DEVELOPMENT", "2027-R1", "Solna Gymnasium",
     "teacher@example.org", ["lena.sjoberg@example.org"], Stage.PARTNERS, Status.DRAFT),
    ("YEPSA 2 – unga européer för hållbar handling", "KA220-SCH", "2027-R1", "Solna Gymnasium",
     "teacher@example.org", [], Stage.ORGANISATION, Status.DRAFT),
    ("Metodutveckling för idrottsgymnasier i Europa", "KA210-SCH", "2027-R1", "Solna Gymnasium",
     "lena.sjoberg@example.org", ["teacher@example.org"], Stage.SUBMISSION, Status.AWAITING_APPROVAL),
    ("Språk och inkludering i grundskolan", "KA122-SCH", "2027-R1", "Ulriksdalsskolan",
     "amir.haddad@example.org", [], Stage.IDEA, Status.DRAFT),
    ("Läsglädje med Valmiera", "NPJ-MOBILITY", "2026-R1", "Bergshamraskolan",
     "oskar.falk@example.org", [], Stage.SUBMISSION, Status.REPORTING),
    ("Ackrediterad mobilitet 2026 för grundskolorna", "KA121-SCH", "2026-R1", "Ulriksdalsskolan",
     "karin.holm@example.org", [], Stage.SUBMISSION, Status.GRANTED),
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
    db.session.commit()
    return organisation


def demo_counts() -> dict:
    return {
        "applications": db.session.scalar(db.select(db.func.count()).select_from(Application)),
        "users": db.session.scalar(db.select(db.func.count()).select_from(User)),
    }
