"""Accounts: password hashing (argon2), sign-in checks, the session token that signs out every
device, the emailed reset/invitation tokens and links (always built from PUBLIC_URL), and which
optional mail each user wants."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..core import audit, mail
from ..core.models import utcnow
from ..extensions import db
from .models import User, new_session_token

hasher = PasswordHasher()
# Verifying against this when the email is unknown keeps the answer's timing the same either way.
_DUMMY_HASH = hasher.hash("grantpath-timing-equaliser")

PASSWORD_MIN_LENGTH = 10

RESET = "password-reset"
INVITATION = "invitation"


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == normalise_email(email)))


def set_password(user: User, password: str) -> None:
    user.password_hash = hasher.hash(password)


def password_is(user: User, password: str) -> bool:
    """Whether `password` is the user's current one (the account page asks before a change)."""
    try:
        return bool(user.password_hash) and hasher.verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return False


def sign_out_everywhere(user: User) -> None:
    """A new session token: every session and remember-me cookie issued before stops working."""
    user.session_token = new_session_token()


def authenticate(email: str, password: str) -> User | None:
    """The user if the password is right and the account active; None otherwise, whichever is wrong."""
    user = find_user(email)
    stored = user.password_hash if user and user.password_hash else _DUMMY_HASH
    try:
        hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.password_hash or not user.active:
        return None
    if hasher.check_needs_rehash(user.password_hash):
        set_password(user, password)
    user.last_sign_in_at = utcnow()
    return user


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"grantpath-{purpose}")


def _fingerprint(user: User) -> str:
    # Part of the current hash: once the password changes, every older link stops working.
    return (user.password_hash or "unset")[-12:]


def make_token(user: User, purpose: str) -> str:
    return _serializer(purpose).dumps({"u": user.id, "f": _fingerprint(user)})


def user_from_token(token: str, purpose: str) -> User | None:
    max_age = current_app.config["INVITATION_MAX_AGE" if purpose == INVITATION else "TOKEN_MAX_AGE"]
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or not user.active or data.get("f") != _fingerprint(user):
        return None
    return user


def public_link(endpoint: str, **values) -> str:
    """A link for a mail or the terminal: PUBLIC_URL and the path, never the host a request named
    (its Host header is whatever the sender wrote). Works outside a request too (commands)."""
    public = current_app.config["PUBLIC_URL"].rstrip("/")
    if has_request_context():
        return public + url_for(endpoint, _external=False, **values)
    with current_app.test_request_context(base_url=public):
        return public + url_for(endpoint, _external=False, **values)


def send_reset_link(email: str) -> None:
    """Sends a link only to a known, active account; the caller answers the same either way."""
    user = find_user(email)
    if user is None or not user.active:
        return
    link = public_link("auth.reset_password", token=make_token(user, RESET))
    with force_locale(user.language):
        mail.send(
            user.email,
            gettext("Reset your Grantpath password"),
            render_template("auth/mail_reset.txt", user=user, link=link),
        )


def send_invitation(user: User, inviter: User, organisation_name: str) -> None:
    link = public_link("auth.accept_invitation", token=make_token(user, INVITATION))
    with force_locale(user.language):
        mail.send(
            user.email,
            gettext("You are invited to Grantpath"),
            render_template(
                "auth/mail_invitation.txt", user=user, inviter=inviter, organisation=organisation_name, link=link
            ),
        )


def send_invitation_elsewhere(user: User, inviter: User, organisation_name: str) -> None:
    """Tells the owner of an existing account of another organisation that someone tried to invite
    them; the inviter is answered as for a new person, so the account is not revealed to them."""
    with force_locale(user.language):
        mail.send(
            user.email,
            gettext("An invitation to %(organisation)s in Grantpath", organisation=organisation_name),
            render_template(
                "auth/mail_invitation_elsewhere.txt", user=user, inviter=inviter, organisation=organisation_name
            ),
        )


def choose_password(user: User, password: str, how: str) -> None:
    """Sets a password (a reset, an invitation or the account page). Every session signed in
    before ends, and the owner is told by mail when a password they had is replaced."""
    had_password = bool(user.password_hash)
    set_password(user, password)
    sign_out_everywhere(user)
    audit.record(user, how, user, min(user.organisation_ids, default=None))
    if had_password:
        with force_locale(user.language):
            mail.send(
                user.email,
                gettext("Your Grantpath password was changed"),
                render_template("auth/mail_password_changed.txt", user=user, link=public_link("auth.forgot_password")),
            )


def update_profile(user: User, name: str, language: str) -> None:
    before = audit.snapshot(user, ("name", "language"))
    user.name, user.language = name, language
    audit.record(
        user,
        "profile.updated",
        user,
        min(user.organisation_ids, default=None),
        before,
        audit.snapshot(user, ("name", "language")),
    )


# --- Mail preferences -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MailKind:
    key: str
    label: str
    hint: str


#: The kinds of mail a user may turn off on the account page. Mail about the account itself (a link to
#: choose a password, an invitation, "your password was changed") is never optional and has no kind.
#: A new kind is one more entry here: users store the kinds they turned off (User.mail_off).
MAIL_KINDS: dict[str, MailKind] = {
    kind.key: kind
    for kind in (
        MailKind(
            "status",
            _l("Status of my applications"),
            _l(
                "When an application you write or decide on moves on: sent to the principal, changes asked "
                "for, approved, declined, reopened or withdrawn."
            ),
        ),
        MailKind(
            "reminders",
            _l("Reminders"),
            _l("Deadlines, milestones and tasks of the applications you write, a few days before, once for each date."),
        ),
    )
}


def wants_mail(user: User, kind: str) -> bool:
    """Whether `user` gets mail of `kind` (a key of MAIL_KINDS); a kind nobody declared is a mistake
    in the caller, not a preference, so it raises instead of guessing."""
    if kind not in MAIL_KINDS:
        raise ValueError(f"unknown kind of mail: {kind!r}")
    return kind not in (user.mail_off or ())


def wanted_mail(user: User) -> list[str]:
    """The kinds of optional mail the user gets, in MAIL_KINDS order (the account page's ticks)."""
    return [key for key in MAIL_KINDS if wants_mail(user, key)]


def set_mail_preferences(user: User, wanted: Iterable[str]) -> None:
    """Keeps the kinds in `wanted` on and turns every other kind off; anything that is not a kind
    (a hand-made form) is ignored."""
    wanted = set(wanted or ())
    before = {"mail_off": sorted(user.mail_off or ())}
    user.mail_off = [key for key in MAIL_KINDS if key not in wanted]
    audit.record(
        user,
        "mail_preferences.updated",
        user,
        min(user.organisation_ids, default=None),
        before,
        {"mail_off": sorted(user.mail_off)},
    )
