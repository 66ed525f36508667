from __future__ import annotations

import hmac

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from ..core import access
from ..core.forms import ActionForm
from ..core.web import safe_next
from ..extensions import db, limiter, login_manager
from . import services
from .forms import (
    AccountPasswordForm,
    ChoosePasswordForm,
    MailPreferencesForm,
    ProfileForm,
    ResetRequestForm,
    SignInForm,
)
from .models import User

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id: str):
    """`<id>:<session token>` (User.get_id): a cookie from before the token changed loads nobody."""
    number, _sep, token = user_id.partition(":")
    if not number.isdigit() or not token:
        return None
    user = db.session.get(User, int(number))
    if user is None or not hmac.compare_digest(user.session_token.encode(), token.encode()):
        return None
    return user


DEMO_ACCOUNTS = ("teacher@example.org", "principal@example.org", "coordinator@example.org", "admin@example.org")


def _signin_limits():
    return current_app.config["SIGNIN_LIMITS"]


def _client_limits():
    return current_app.config["SIGNIN_CLIENT_LIMITS"]


def _address_and_client_key():
    # Failures count per address *and* client: a stranger's guesses elsewhere never lock the owner out.
    email = services.normalise_email(request.form.get("email", ""))
    return f"signin:{email}|{get_remote_address()}"


def _failed(response) -> bool:
    """Only attempts with a wrong password count towards the limits (deduct_when)."""
    return g.get("wrong_password", False)


def _throttled_response(limit):
    form = SignInForm()
    form.form_errors.append(_("Too many sign-in attempts. Wait a minute and try again."))
    return make_response(render_template("auth/sign_in.html", form=form, demo_accounts=_demo_accounts()), 429)


def _demo_accounts():
    return DEMO_ACCOUNTS if current_app.config["DEMO"] else ()


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_client_limits, methods=["POST"], deduct_when=_failed, on_breach=_throttled_response)
@limiter.limit(
    _signin_limits,
    methods=["POST"],
    key_func=_address_and_client_key,
    deduct_when=_failed,
    on_breach=_throttled_response,
)
@access.public
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            session.clear()  # a fresh session at sign-in: nothing from before carries over
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next"), url_for("home.index")))
        g.wrong_password = True
        form.form_errors.append(_("The email or the password is wrong, or the account is closed."))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/sign_in.html", form=form, demo_accounts=_demo_accounts()), status


def _end_session() -> None:
    session.clear()
    logout_user()  # after clearing: it asks for the remember-me cookie to be deleted too


@bp.post("/sign-out")
@access.public
def sign_out():
    form = ActionForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            services.sign_out_everywhere(current_user)  # so that no copy of this session lives on
        _end_session()
        flash(_("You are signed out."), "info")
    return redirect(url_for("auth.sign_in"))


@bp.post("/sign-out/everywhere")
@access.signed_in
def sign_out_everywhere():
    if ActionForm().validate_on_submit():
        services.sign_out_everywhere(current_user)
        _end_session()
        flash(_("You are signed out on every device."), "info")
        return redirect(url_for("auth.sign_in"))
    return redirect(url_for("auth.account"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_signin_limits, methods=["POST"])
@access.public
def forgot_password():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.send_reset_link(form.email.data)
        flash(
            _("If %(email)s has an account, a link to choose a new password is on its way.", email=form.email.data),
            "info",
        )
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/forgot.html", form=form), 422 if form.errors else 200


def _choose_password(token: str, purpose: str, template: str, done_message: str):
    user = services.user_from_token(token, purpose)
    if user is None:
        return render_template("auth/token_invalid.html"), 404
    form = ChoosePasswordForm()
    if form.validate_on_submit():
        services.choose_password(user, form.password.data, f"user.{purpose}")
        session.clear()
        login_user(user)
        flash(done_message, "success")
        return redirect(url_for("home.index"))
    return render_template(template, form=form, user=user), 422 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@access.public
def reset_password(token: str):
    return _choose_password(token, services.RESET, "auth/reset.html", _("Your new password is saved."))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@access.public
def accept_invitation(token: str):
    return _choose_password(token, services.INVITATION, "auth/invitation.html", _("Welcome to Grantpath!"))


def _account_key():
    # Wrong current passwords count per account, so that a borrowed session cannot guess it.
    return f"account:{getattr(current_user, 'id', None) or get_remote_address()}"


def _not_a_password_change() -> bool:
    return "pw-password" not in request.form


@bp.route("/account", methods=["GET", "POST"])
@limiter.limit(
    _signin_limits, methods=["POST"], key_func=_account_key, deduct_when=_failed, exempt_when=_not_a_password_change
)
@access.signed_in
def account():
    user = current_user._get_current_object()  # the User itself: the audit trail names its type
    form = ProfileForm(obj=user)
    password_form = AccountPasswordForm(prefix="pw")
    mail_posted = request.method == "POST" and "mail-sent" in request.form
    mail_form = MailPreferencesForm(
        prefix="mail",
        data={"wanted": services.wanted_mail(user)},
        **({} if mail_posted else {"formdata": None}),
    )
    if mail_posted:
        if mail_form.validate_on_submit():
            services.set_mail_preferences(user, mail_form.wanted.data)
            flash(_("Your mail settings are saved."), "success")
            return redirect(url_for("auth.account"))
        form = ProfileForm(formdata=None, obj=user)
    elif request.method == "POST" and "pw-password" in request.form:
        if password_form.validate_on_submit():
            if services.password_is(user, password_form.current_password.data):
                remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
                services.choose_password(user, password_form.password.data, "user.password_changed")
                login_user(user, remember=remembered)  # this device stays signed in, every other one not
                flash(_("Your new password is saved."), "success")
                return redirect(url_for("auth.account"))
            g.wrong_password = True
            password_form.current_password.errors.append(AccountPasswordForm.WRONG_CURRENT)
        form = ProfileForm(formdata=None, obj=user)
    elif form.validate_on_submit():
        services.update_profile(user, form.name.data, form.language.data)
        session["language"] = form.language.data
        flash(_("Your details are saved."), "success")
        return redirect(url_for("auth.account"))
    status = 422 if form.errors or password_form.errors or mail_form.errors else 200
    response = make_response(
        render_template(
            "auth/account.html",
            form=form,
            password_form=password_form,
            mail_form=mail_form,
            mail_kinds=services.MAIL_KINDS,
            sign_out_form=ActionForm(formdata=None),
        ),
        status,
    )
    response.headers["Cache-Control"] = "no-store"  # a page with the person's details and typed passwords
    return response
