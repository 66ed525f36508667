from webapp.applications.models import Application
from webapp.auth import services as accounts
from webapp.auth.models import User


def test_demo_data_loads_once_with_fictional_people(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    users = list(db.session.scalars(db.select(User)))
    assert all(u.email.endswith("@example.org") for u in users)
    for email in ("teacher@example.org", "principal@example.org", "coordinator@example.org", "admin@example.org"):
        assert accounts.authenticate(email, "grantpath-demo") is not None
    stages = {a.stage for a in db.session.scalars(db.select(Application))}
    assert len(stages) >= 3
    from webapp.partners.models import Partner

    partners = list(db.session.scalars(db.select(Partner)))
    assert partners and all(p.contact_email.endswith("@example.org") for p in partners)
    # The full KA220 demo application answers every section the form has.
    from webapp.sections import services as sections

    ka220 = db.session.scalar(db.select(Application).where(Application.title.startswith("YEPSA 2")))
    assert ka220.action_key == "KA220-SCH"
    report = sections.report(ka220)
    assert not report.problems, [p.message for p in report.problems][:5]
    again = runner.invoke(args=["demo-data"])
    assert again.exit_code == 1 and isinstance(again.exception, SystemExit)  # refused, not crashed
    assert runner.invoke(args=["demo-data", "--if-empty"]).exit_code == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == len(users)


def test_sign_in_page_lists_demo_accounts_only_in_demo_mode(app, client):
    assert "teacher@example.org" not in client.get("/sign-in").get_data(as_text=True)
    app.config["DEMO"] = True
    try:
        assert "teacher@example.org" in client.get("/sign-in").get_data(as_text=True)
    finally:
        app.config["DEMO"] = False


def test_create_organisation_prints_an_invitation_link(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://grantpath.example.org")
    result = app.test_cli_runner().invoke(
        args=["create-organisation", "Lunds kommun", "admin@lund.example.org", "Ada Admin"]
    )
    assert result.exit_code == 0 and "https://grantpath.example.org/invitation/" in result.output  # at PUBLIC_URL
    user = db.session.scalar(db.select(User).where(User.email == "admin@lund.example.org"))
    assert [m.role for m in user.memberships] == ["admin"]
