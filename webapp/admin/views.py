from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import selectinload

from ..auth.models import Membership, Role, User
from ..core import access
from ..core.forms import ActionForm
from ..extensions import db
from ..organisations.models import Organisation, School, school_kind_label
from ..planning.milestones import defaults as default_milestones
from . import mail as outgoing_mail
from . import services
from .access import managed_organisation, organisation_managed_for
from .forms import KIND_LABELS, ROLE_LABELS, InviteForm, MembershipForm, SchoolForm, UserForm, organisation_form

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.add_app_template_global(school_kind_label, "school_kind_label")


def manage_organisation(view):
    """Admin pages of the organisation the signed-in admin manages."""
    return access.guard("organisation.manage", loader=managed_organisation)(view)


def _attach(form, error: services.AdminError) -> None:
    field = getattr(form, error.field, None)
    if field is not None:
        field.errors = [*field.errors, str(error)] if isinstance(field.errors, list) else [str(error)]
    else:
        form.form_errors.append(str(error))


def _status(form) -> int:
    return 422 if form.errors else 200


@bp.route("/organisation", methods=["GET", "POST"])
@manage_organisation
def organisation(organisation: Organisation):
    form = organisation_form(
        default_milestones(),
        obj=organisation,
        lead_days=organisation.milestone_lead_days,
        has_coordinator=services.has_active_coordinator(organisation),
    )
    if form.validate_on_submit():
        try:
            services.update_organisation(
                current_user, organisation, {**form.data, "milestone_lead_days": form.lead_days()}
            )
        except services.AdminError as error:
            _attach(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("admin.organisation"))
    return render_template(
        "admin/organisation.html",
        form=form,
        organisation=organisation,
        schools=services.schools(organisation),
        kind_labels=KIND_LABELS,
    ), _status(form)


@bp.get("/schools")
@manage_organisation
def schools(organisation: Organisation):
    return render_template("admin/schools.html", organisation=organisation, schools=services.schools(organisation))


def _save_school(organisation: Organisation, school: School | None):
    form = SchoolForm(obj=school)
    if request.method == "GET" and school is None:
        form.country.data = organisation.country
    if form.validate_on_submit():
        try:
            saved = services.save_school(current_user, organisation, school, form.data)
        except services.AdminError as error:
            _attach(form, error)
        else:
            flash(_("%(name)s is saved.", name=saved.name), "success")
            return redirect(url_for("admin.schools"))
    return render_template("admin/school_form.html", form=form, school=school), _status(form)


@bp.route("/schools/new", methods=["GET", "POST"])
@manage_organisation
def new_school(organisation: Organisation):
    return _save_school(organisation, None)


@bp.route("/schools/<int:school_id>", methods=["GET", "POST"])
@access.guard("organisation.manage", School, "school_id")
def edit_school(school: School):
    return _save_school(school.organisation, school)


USERS_PER_PAGE = 50
USERS_LAST_PAGE = 100_000  # a page number past any real list: larger ones are read as this one


@bp.get("/users")
@manage_organisation
def users(organisation: Organisation):
    """The organisation's people, 50 a page by name, each with their roles loaded for the page at once."""
    members = db.select(Membership.user_id).where(Membership.organisation_id == organisation.id)
    query = (
        db.select(User)
        .where(User.id.in_(members))
        .options(selectinload(User.memberships).joinedload(Membership.school))
        .order_by(User.name, User.id)
    )
    number = min(max(request.args.get("page", 1, type=int) or 1, 1), USERS_LAST_PAGE)
    page = db.paginate(query, page=number, per_page=USERS_PER_PAGE, error_out=False)
    if page.pages and page.page > page.pages:  # past the last page: the last one
        page = db.paginate(query, page=page.pages, per_page=USERS_PER_PAGE, error_out=False)
    return render_template("admin/users.html", organisation=organisation, page=page, role_labels=ROLE_LABELS)


@bp.route("/users/invite", methods=["GET", "POST"])
@manage_organisation
def invite(organisation: Organisation):
    form = InviteForm(schools=services.schools(organisation))
    if form.validate_on_submit():
        try:
            user = services.invite(current_user, organisation, form.data)
        except services.AdminError as error:
            _attach(form, error)
        else:
            # The typed name when the address is another organisation's: the same answer as for a new person.
            flash(_("%(name)s is added.", name=user.name if user else form.name.data), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/invite.html", form=form), _status(form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@access.guard("organisation.manage", User, "user_id")
def edit_user(user: User):
    organisation = organisation_managed_for(current_user, user)
    form = UserForm(obj=user)
    membership_form = MembershipForm(prefix="m", schools=services.schools(organisation), formdata=None)
    if form.validate_on_submit():
        try:
            services.update_user(current_user, organisation, user, form.data)
        except services.AdminError as error:
            _attach(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return _user_page(organisation, user, form, membership_form)


def _user_page(organisation, user, form, membership_form):
    memberships = [m for m in user.memberships if m.organisation_id == organisation.id]
    status = 422 if form.errors or membership_form.errors else 200
    return render_template(
        "admin/user.html",
        user=user,
        form=form,
        membership_form=membership_form,
        memberships=memberships,
        role_labels=ROLE_LABELS,
        action_form=ActionForm(),
    ), status


@bp.post("/users/<int:user_id>/roles")
@access.guard("organisation.manage", User, "user_id")
def add_role(user: User):
    organisation = organisation_managed_for(current_user, user)
    membership_form = MembershipForm(prefix="m", schools=services.schools(organisation))
    if membership_form.validate_on_submit():
        try:
            services.grant_role(
                current_user, organisation, user, Role(membership_form.role.data), membership_form.school_id.data
            )
        except services.AdminError as error:
            _attach(membership_form, error)
        else:
            flash(_("The role is added."), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return _user_page(organisation, user, UserForm(obj=user, formdata=None), membership_form)


@bp.post("/users/<int:user_id>/roles/<int:membership_id>/remove")
@access.guard("organisation.manage", User, "user_id")
def remove_role(user: User, membership_id: int):
    organisation = organisation_managed_for(current_user, user)
    if ActionForm().validate_on_submit():
        try:
            services.remove_membership(current_user, organisation, user, membership_id)
        except services.AdminError as error:
            flash(str(error), "error")
        else:
            flash(_("The role is removed."), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.post("/users/<int:user_id>/resend-invitation")
@access.guard("organisation.manage", User, "user_id")
def resend_invitation(user: User):
    organisation = organisation_managed_for(current_user, user)
    if ActionForm().validate_on_submit():
        try:
            services.resend_invitation(current_user, organisation, user)
        except services.AdminError as error:
            flash(str(error), "error")
        else:
            flash(_("A new invitation is sent to %(email)s.", email=user.email), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.get("/audit")
@manage_organisation
def audit_log(organisation: Organisation):
    return render_template("admin/audit.html", organisation=organisation, events=services.audit_events(organisation))


@bp.get("/mail")
@manage_organisation
def mail(organisation: Organisation):
    """The organisation's mail that has not gone out, 50 a page, and a button that sends it again."""
    rows = outgoing_mail.undelivered(organisation)
    return render_template(
        "admin/mail.html",
        organisation=organisation,
        page=outgoing_mail.page_of(rows, request.args.get("page", 1, type=int)),
        total=len(rows),
        queue=outgoing_mail.queue_state(rows),
        max_attempts=outgoing_mail.MAX_ATTEMPTS,
        action_form=ActionForm(),
    )


@bp.post("/mail/retry")
@manage_organisation
def retry_mail(organisation: Organisation):
    if ActionForm().validate_on_submit():
        count = outgoing_mail.retry(current_user, organisation)
        if count:
            flash(ngettext("%(num)d mail is sent again.", "%(num)d mails are sent again.", count), "success")
        else:
            flash(_("There was no mail to send again."), "info")
    return redirect(url_for("admin.mail"))
