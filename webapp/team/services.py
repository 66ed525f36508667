"""An application's team: who writes it, and inviting a colleague at the same school by address
(issue 14). A new colleague gets an account and a teacher's role at the school through the admin's
own functions, so the organisation's audit log shows them as it shows any other invitation."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, render_template
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l

from ..admin import services as admin_services
from ..applications.models import Application
from ..auth import services as accounts
from ..auth.models import Role, User
from ..core import audit, mail
from ..core.errors import Conflict
from ..core.forms import LANGUAGE_CHOICES
from ..core.models import utcnow, versioned_write
from ..extensions import db

WRITING_ROLES = (Role.TEACHER, Role.PRINCIPAL)  # those who may be on a school's team (queries.team_candidates)

NOT_AT_SCHOOL = _l(
    "Invite only colleagues at %(school)s. If they work there, ask your administrator to give them a role at %(school)s."
)
ALREADY_ON_TEAM = _l("%(name)s is already on the team.")
ACCOUNT_CLOSED = _l("This person's account is closed. Ask your administrator to open it again.")
NAME_NEEDED = _l("Enter your colleague's name: they have no Grantpath account yet.")


class InviteError(ValueError):
    """An invitation the rules refuse; the message is shown next to the field named in `field`."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Invited:
    user: User
    new_account: bool  # the account was created by this invitation


@dataclass(frozen=True)
class Writer:
    """A row of the team page."""

    name: str
    email: str
    started_it: bool
    accepted: bool  # has chosen a password, i.e. taken up their invitation
    active: bool


def writers(application: Application) -> list[Writer]:
    people = {u.id: u for u in [application.owner, *application.team]}
    return [
        Writer(u.name, u.email, u.id == application.owner_id, bool(u.password_hash), u.active)
        for u in sorted(people.values(), key=lambda u: (u.name.casefold(), u.id))
    ]


def _on_team(application: Application, user: User) -> bool:
    return user.id == application.owner_id or any(m.id == user.id for m in application.team)


def invite_co_writer(actor: User, application: Application, data: dict) -> Invited:
    """Adds the colleague with `data["email"]` to the team, creating their account (a teacher at the
    application's school) when the address has none, and mails them in their own language.

    An address whose account has no role at the school, in this organisation, another one or none, is refused
    with one and the same message, naming neither the account nor its organisation, and nobody is
    mailed. Addresses are unique across Grantpath, so an account that exists elsewhere cannot be
    invited as a new person: that it exists cannot be hidden from the inviter (the team page would
    show it missing right after an "invited" answer, which is why the admin's pretend-answer does not
    fit here). What is hidden is everything else: whether it is in the inviter's organisation or
    another one, whose it is, and that anyone tried; mailing its owner would also let any teacher
    make Grantpath write to other organisations' people."""
    email = accounts.normalise_email(data["email"])
    school = application.school
    user = accounts.find_user(email)
    if user is not None and school.id not in user.school_ids(*WRITING_ROLES):  # even one left with no role
        raise InviteError("email", NOT_AT_SCHOOL % {"school": school.name})
    if user is not None and not user.active:
        raise InviteError("email", ACCOUNT_CLOSED)
    if user is not None and _on_team(application, user):
        raise InviteError("email", ALREADY_ON_TEAM % {"name": user.name})
    created = user is None
    if created:
        if not data.get("name"):
            raise InviteError("name", NAME_NEEDED)
        language = data.get("language") if data.get("language") in dict(LANGUAGE_CHOICES) else actor.language
        user = User(email=email, name=data["name"], language=language)
        db.session.add(user)
    if created:
        admin_services.grant_role(actor, school.organisation, user, Role.TEACHER, school.id)
        audit.record(
            actor, "user.invited", user, school.organisation_id, None, {"email": email, "role": Role.TEACHER.value}
        )
    before = sorted(u.id for u in application.team)
    try:
        with versioned_write(application):
            application.team = sorted([*application.team, user], key=lambda u: u.name)
            application.updated_at = utcnow()  # bumps the version: an edit page loaded before conflicts
    except Conflict:
        raise Conflict(application) from None
    audit.record(
        actor,
        "team.invited",
        application,
        school.organisation_id,
        {"team_ids": before},
        {"team_ids": sorted(u.id for u in application.team), "invited": email, "new_account": created},
    )
    _mail(actor, application, user)
    return Invited(user, created)


def _mail(actor: User, application: Application, user: User) -> None:
    """Someone who has never chosen a password gets the invitation (its link sets one); anyone else
    hears they are on the team, with the application's link."""
    link = accounts.public_link("applications.show", application_id=application.id)
    with force_locale(user.language):
        if user.password_hash:
            subject = gettext("You are on the team of “%(title)s”", title=application.title)
            body = render_template("team/mail_added.txt", user=user, actor=actor, application=application, link=link)
        else:
            subject = gettext("You are invited to write “%(title)s” in Grantpath", title=application.title)
            invitation = accounts.public_link(
                "auth.accept_invitation", token=accounts.make_token(user, accounts.INVITATION)
            )
            body = render_template(
                "team/mail_invitation.txt",
                user=user,
                actor=actor,
                application=application,
                invitation=invitation,
                days=current_app.config["INVITATION_MAX_AGE"] // 86400,
                link=link,
            )
        mail.send(user.email, subject, body)
