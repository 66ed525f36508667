"""Who is in the demo: Solna stad with three of its schools (real public facts), a fictional school
authority that asks for the coordinator's sign-off, and fictional people at example.org."""

from __future__ import annotations

from ..auth.models import Role
from ..organisations.models import OrganisationKind, SchoolKind

SOLNA = "Solna stad"
VANORT = "Vänortsstiftelsen"

# name, kind, published portfolio, coordinator's sign-off
ORGANISATIONS = [
    (SOLNA, OrganisationKind.MUNICIPALITY, True, False),
    # Fictional: an independent school authority that co-funds its school's projects, so a
    # coordinator signs off every application; the municipality's coordinator serves it too.
    (VANORT, OrganisationKind.SCHOOL_AUTHORITY, False, True),
]

EDUCATION_DEPARTMENT = "Solna stad, utbildningsförvaltningen"

# organisation, name, city, OID, address, kind
SCHOOLS = [
    (SOLNA, "Solna Gymnasium", "Solna", "E10234567", "Skolgatan 1, 171 00 Solna", SchoolKind.SCHOOL),
    (SOLNA, "Ulriksdalsskolan", "Solna", "E10234568", "Ulriksdalsvägen 2, 170 00 Solna", SchoolKind.SCHOOL),
    (SOLNA, "Bergshamraskolan", "Solna", "E10234569", "Bergshamravägen 3, 170 00 Solna", SchoolKind.SCHOOL),
    # The municipality's own applying body: a consortium (KA121) or a school development project (KA240).
    (SOLNA, EDUCATION_DEPARTMENT, "Solna", "E10234571", "Stadshusgången 2, 171 86 Solna", SchoolKind.SCHOOL_AUTHORITY),
    (VANORT, "Vänortsskolan", "Solna", "E10234570", "Vänortsgatan 4, 171 00 Solna", SchoolKind.SCHOOL),
]

# email, name, language, [(organisation, role, school name or None)]
PEOPLE = [
    ("teacher@example.org", "Elin Lindqvist", "sv", [(SOLNA, Role.TEACHER, "Solna Gymnasium")]),
    ("principal@example.org", "Mats Berglund", "sv", [(SOLNA, Role.PRINCIPAL, "Solna Gymnasium")]),
    (
        "coordinator@example.org",
        "Sara Nyström",
        "sv",
        [(SOLNA, Role.COORDINATOR, None), (VANORT, Role.COORDINATOR, None)],
    ),
    ("admin@example.org", "Johan Ek", "en", [(SOLNA, Role.ADMIN, None)]),
    ("amir.haddad@example.org", "Amir Haddad", "sv", [(SOLNA, Role.TEACHER, "Ulriksdalsskolan")]),
    ("karin.holm@example.org", "Karin Holm", "sv", [(SOLNA, Role.PRINCIPAL, "Ulriksdalsskolan")]),
    ("lena.sjoberg@example.org", "Lena Sjöberg", "sv", [(SOLNA, Role.TEACHER, "Solna Gymnasium")]),
    (
        "oskar.falk@example.org",
        "Oskar Falk",
        "sv",
        [(SOLNA, Role.TEACHER, "Bergshamraskolan"), (SOLNA, Role.PRINCIPAL, "Bergshamraskolan")],
    ),
    # The head of the education department signs for the municipality as its legal representative.
    ("eva.strand@example.org", "Eva Strand", "sv", [(SOLNA, Role.PRINCIPAL, EDUCATION_DEPARTMENT)]),
    ("maja.korhonen@example.org", "Maja Korhonen", "en", [(VANORT, Role.TEACHER, "Vänortsskolan")]),
    ("nils.ahlgren@example.org", "Nils Ahlgren", "sv", [(VANORT, Role.PRINCIPAL, "Vänortsskolan")]),
]

# Partner schools in Solna's twin towns and the YEPSA project; their contact people are fictional.
# key: (name, country, city, contact, topics, school levels), topics and levels as the directory keeps them
PARTNER_SCHOOLS = {
    "gladsaxe": ("Gladsaxe Gymnasium", "DK", "Gladsaxe", "Mette Holm", "entreprenörskap, hållbarhet", "gymnasiet"),
    "ski": ("Ski videregående skole", "NO", "Ski", "Ingrid Solberg", "entreprenörskap, idrott", "gymnasiet"),
    "pirkkala": ("Pirkkalan yhteiskoulu", "FI", "Pirkkala", "Aino Lehtinen", "läsning, hållbarhet", "årskurs 7–9"),
    "valmiera": ("Valmieras Valsts ģimnāzija", "LV", "Valmiera", "Ilze Kalniņa", "språk, digitalisering", "gymnasiet"),
    "praha": ("Gymnázium Praha", "CZ", "Praha", "Jana Dvořáková", "hållbarhet, demokrati", "gymnasiet"),
    "wolfsburg": ("Gymnasium Wolfsburg", "DE", "Wolfsburg", "Lukas Brandt", "hållbarhet, teknik", "gymnasiet"),
    "poprad": ("Gymnázium Poprad", "SK", "Poprad", "Zuzana Horváthová", "hållbarhet, friluftsliv", "gymnasiet"),
    "bologna": ("Liceo Sportivo Bologna", "IT", "Bologna", "Giulia Ferri", "idrott, hälsa", "gymnasiet"),
    # Not yet in any application: found by the suggestions.
    "kalamaria": ("2nd Gymnasium of Kalamaria", "GR", "Kalamaria", "Eleni Papadaki", "läsning, språk", "årskurs 7–9"),
    "bemowo": ("Szkoła Podstawowa Bemowo", "PL", "Warszawa", "Marta Nowak", "läsning, matematik", "årskurs 4–6"),
}

# Solna's directory: its twin and cooperation towns and networks (public facts from the city's own
# page: docs/sources/ and ../shared/seeds), and the partner schools above with fictional contacts.
# (name, entry kind, country, city, topics, source, notes)
DIRECTORY = [
    ("Gladsaxe", "twin_town", "DK", "Gladsaxe", "", "twin_town", "Vänort sedan 1952."),
    ("Nordre Follo (Ski)", "twin_town", "NO", "Ski", "", "twin_town", "Vänort sedan 1955."),
    ("Pirkkala", "twin_town", "FI", "Pirkkala", "", "twin_town", "Vänort sedan 1980."),
    ("Valmiera", "twin_town", "LV", "Valmiera", "", "twin_town", "Vänort sedan 1991."),
    ("Kalamaria", "twin_town", "GR", "Kalamaria", "", "twin_town", "Samarbetsort sedan 1997."),
    ("Warszawa-Bemowo", "twin_town", "PL", "Warszawa", "", "twin_town", "Samarbetsort sedan 2001."),
    (
        "Eurocities",
        "network",
        "BE",
        "Bruxelles",
        "social affairs, education, integration",
        "network",
        "Solna deltar i Social Affairs Forum.",
    ),
    ("EFUS – European Forum for Urban Security", "network", "FR", "Paris", "urban security", "network", ""),
]
