from babel.messages.pofile import read_po

from support import ROOT
from webapp.auth.models import Role


def test_every_message_has_a_swedish_translation():
    with open(ROOT / "translations/messages.pot", "rb") as f:
        template = {m.id for m in read_po(f) if m.id}
    with open(ROOT / "translations/sv/LC_MESSAGES/messages.po", "rb") as f:
        catalogue = read_po(f, locale="sv")
    translated = {
        m.id for m in catalogue if m.id and m.string and (isinstance(m.string, str) or all(m.string)) and not m.fuzzy
    }
    assert template - translated == set()


def test_swedish_by_default_english_on_request(client, login, make):
    assert 'lang="sv"' in client.get("/sign-in").get_data(as_text=True)
    assert "Logga in i Grantpath" in client.get("/sign-in").get_data(as_text=True)
    response = client.post("/language", data={"language": "en", "next": "/sign-in"})
    assert response.headers["Location"] == "/sign-in"
    page = client.get("/sign-in").get_data(as_text=True)
    assert 'lang="en"' in page and "Sign in to Grantpath" in page


def test_language_switch_is_remembered_for_the_user(login, make, db):
    user = make.user(Role.TEACHER, language="sv")
    client = login(user)
    client.post("/language", data={"language": "en", "next": "https://elsewhere.example/"})
    db.session.refresh(user)
    assert user.language == "en"
    assert "My applications" in client.get("/").get_data(as_text=True)


def test_dates_in_both_languages(login, make):
    application = make.application(action_key="KA220-SCH", call_round="2027-R1")
    client = login(application.owner)
    assert "4 mars 2027 kl. 12.00" in client.get(f"/applications/{application.id}").get_data(as_text=True)
    client.post("/language", data={"language": "en"})
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "4 March 2027, 12:00" in page and "(Brussels)" in page


def test_swedish_catalogue_compiles_without_format_errors():
    from babel.messages.catalog import TranslationError
    from babel.messages.checkers import checkers

    with open(ROOT / "translations/sv/LC_MESSAGES/messages.po", "rb") as f:
        catalogue = read_po(f, locale="sv")
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        for check in checkers:
            try:
                check(catalogue, message)
            except TranslationError as error:
                problems.append(f"{message.id!r}: {error}")
    assert problems == []
