"""Mail preferences on the account page: each optional kind of mail can be turned off, the choice is
saved (and audited) and shown again, a hand-made form cannot break it, and `wants_mail` answers it."""

from __future__ import annotations

import pytest
from flask_babel import gettext

from pages import flashes, parse, say
from webapp.auth import services as accounts
from webapp.auth.forms import MailPreferencesForm
from webapp.auth.models import Role, User
from webapp.core.audit import AuditEvent

ALL = list(accounts.MAIL_KINDS)  # "status", "reminders": every optional kind, in their order


def _ticks(client) -> dict[str, bool]:
    """Each mail kind's checkbox on the account page: ticked or not."""
    page = parse(client.get("/account").get_data(as_text=True))
    box = page.find("section", id="mail-settings")
    return {node.attrs["value"]: "checked" in node.attrs for node in box.find_all("input", type="checkbox")}


def _save(client, *wanted, **extra):
    return client.post("/account", data={"mail-sent": "1", "mail-wanted": list(wanted), **extra})


def _reloaded(db, user) -> User:
    db.session.rollback()
    return db.session.get(User, user.id)


def test_every_kind_is_on_for_a_new_account(make, login):
    user = make.user(Role.TEACHER)
    assert user.mail_off == []
    assert all(accounts.wants_mail(user, kind) for kind in accounts.MAIL_KINDS)
    assert _ticks(login(user)) == dict.fromkeys(accounts.MAIL_KINDS, True)


def test_the_account_page_explains_each_kind_with_a_label_and_a_hint(make, login):
    page = parse(login(make.user(language="en")).get("/account").get_data(as_text=True))
    box = page.find("section", id="mail-settings")
    fieldset = box.find("fieldset")
    assert fieldset.find("legend").text() == say(MailPreferencesForm.wanted.args[0], "en")
    assert box.find("p", id=fieldset.attrs["aria-describedby"]).text() == say(
        MailPreferencesForm.wanted.kwargs["description"], "en"
    )
    for checkbox in box.find_all("input", type="checkbox"):
        kind = accounts.MAIL_KINDS[checkbox.attrs["value"]]
        assert box.find("label", **{"for": checkbox.id}).text() == say(kind.label, "en")
        assert box.find(id=checkbox.attrs["aria-describedby"]).text() == say(kind.hint, "en")


def test_turning_status_mail_off_and_on_again(make, login, db):
    user = make.user(Role.PRINCIPAL)
    client = login(user)
    response = _save(client)  # nothing ticked: every kind off
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert sorted(_reloaded(db, user).mail_off) == sorted(ALL)
    assert not accounts.wants_mail(_reloaded(db, user), "status")
    page = client.get("/account").get_data(as_text=True)
    assert ("success", say(lambda: gettext("Your mail settings are saved."), "sv")) in flashes(page)
    assert _ticks(client) == dict.fromkeys(ALL, False)

    assert _save(client, "status").status_code == 302
    assert _reloaded(db, user).mail_off == ["reminders"]
    assert accounts.wants_mail(_reloaded(db, user), "status")
    assert not accounts.wants_mail(_reloaded(db, user), "reminders")
    assert _ticks(client) == {"status": True, "reminders": False}


def test_saving_is_audited(make, login, db):
    user = make.user(Role.TEACHER)
    organisation_id = user.memberships[0].organisation_id
    _save(login(user))
    db.session.rollback()
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "mail_preferences.updated"))
    assert (event.actor_id, event.object_type, event.object_id) == (user.id, "user", user.id)
    assert event.organisation_id == organisation_id
    assert event.changes == {"mail_off": [[], sorted(ALL)]}


@pytest.mark.parametrize(
    "posted",
    [
        [*ALL, "spam"],
        [*ALL, "password"],  # account mail is not a kind: it cannot be turned off or on
        [*ALL, "<script>", "", "status"],
    ],
)
def test_unknown_kinds_posted_are_ignored(make, login, db, posted):
    user = make.user()
    client = login(user)
    assert _save(client, *posted).status_code == 302
    assert _reloaded(db, user).mail_off == []


def test_only_unknown_kinds_posted_turn_the_known_ones_off(make, login, db):
    user = make.user()
    assert _save(login(user), "deadlines-someday", "x" * 5000).status_code == 302
    assert sorted(_reloaded(db, user).mail_off) == sorted(ALL)


def test_other_forms_on_the_page_leave_the_mail_settings_alone(make, login, db):
    user = make.user(Role.TEACHER)
    client = login(user)
    _save(client)
    assert client.post("/account", data={"name": "Elin L", "language": "en"}).status_code == 302
    assert client.post("/account", data={"name": "", "language": "en"}).status_code == 422
    assert sorted(_reloaded(db, user).mail_off) == sorted(ALL)
    assert _ticks(client) == dict.fromkeys(ALL, False)  # a refused profile form shows the stored choice


def test_the_mail_form_does_not_change_the_profile(make, login, db):
    user = make.user(name="Elin", language="sv")
    _save(login(user), name="Someone else", language="en")
    saved = _reloaded(db, user)
    assert (saved.name, saved.language, sorted(saved.mail_off)) == ("Elin", "sv", sorted(ALL))


def test_wants_mail_answers_each_users_choice(make, db):
    on = make.user()
    off = make.user()
    accounts.set_mail_preferences(off, [])
    assert accounts.wants_mail(on, "status") is True
    assert accounts.wants_mail(off, "status") is False
    assert accounts.wanted_mail(on) == ALL and accounts.wanted_mail(off) == []
    unsaved = User(email="new@example.org", name="New")  # not flushed: no default yet
    assert accounts.wants_mail(unsaved, "status") is True


def test_wants_mail_refuses_a_kind_nobody_declared(make):
    with pytest.raises(ValueError):
        accounts.wants_mail(make.user(), "statuss")


def test_the_account_pages_audit_events_name_the_user_not_a_proxy(make, login, db):
    """Both forms of the account page record their change on the user object itself."""
    user = make.user()
    client = login(user)
    _save(client)
    client.post("/account", data={"name": "Elin L", "language": "en"})
    db.session.rollback()
    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.actor_id == user.id)).all()
    assert {e.action for e in events} == {"mail_preferences.updated", "profile.updated"}
    assert {(e.object_type, e.object_id) for e in events} == {("user", user.id)}
