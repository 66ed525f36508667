from __future__ import annotations

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..core import access
from ..core.forms import ActionForm
from ..core.web import safe_next
from ..extensions import db, limiter, login_manager
from . import services
from .forms import ChoosePasswordForm, ProfileForm, ResetRequestForm, SignInForm
from .models import User

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id: str):
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


DEMO_ACCOUNTS = ("teacher@example.org", "principal@example.org", "coordinator@example.org", "admin@example.org")


def _signin_limits():
    return current_app.config["SIGNIN_LIMITS"]


def _email_key():
    # A second limit per account, so that spreading attempts over many addresses does not help.
    return "signin:" + services.normalise_email(request.form.get("email", ""))


def _throttled_response(limit):
    form = SignInForm()
    form.form_errors.append(_("Too many sign-in attempts. Wait a minute and try again."))
    return make_response(render_template("auth/sign_in.html", form=form, demo_accounts=_demo_accounts()), 429)


def _demo_accounts():
    return DEMO_ACCOUNTS if current_app.config["DEMO"] else ()


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_signin_limits, methods=["POST"], on_breach=_throttled_response)
@limiter.limit(_signin_limits, methods=["POST"], key_func=_email_key, on_breach=_throttled_response)
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
        form.form_errors.append(_("The email or the password is wrong, or the account is closed."))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/sign_in.html", form=form, demo_accounts=_demo_accounts()), status


@bp.post("/sign-out")
@access.public
def sign_out():
    form = ActionForm()
    if form.validate_on_submit():
        logout_user()
        session.clear()
        flash(_("You are signed out."), "info")
    return redirect(url_for("auth.sign_in"))


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


@bp.route("/account", methods=["GET", "POST"])
@access.signed_in
def account():
    form = ProfileForm(obj=current_user)
    password_form = ChoosePasswordForm(prefix="pw")
    if request.method == "POST" and "pw-password" in request.form:
        if password_form.validate_on_submit():
            services.choose_password(current_user, password_form.password.data, "user.password_changed")
            flash(_("Your new password is saved."), "success")
            return redirect(url_for("auth.account"))
        form = ProfileForm(formdata=None, obj=current_user)
    elif form.validate_on_submit():
        services.update_profile(current_user, form.name.data, form.language.data)
        session["language"] = form.language.data
        flash(_("Your details are saved."), "success")
        return redirect(url_for("auth.account"))
    status = 422 if form.errors or password_form.errors else 200
    return render_template("auth/account.html", form=form, password_form=password_form), status
