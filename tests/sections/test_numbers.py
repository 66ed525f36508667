"""Number fields refuse what no school grant needs, before doing any work on it (issue 11)."""

import pytest

from webapp.programmes import forms
from webapp.sections.models import SectionAnswer


@pytest.mark.parametrize("text", ["1e1000000", "9" * 31, "1e309", "-1e13", "1" + "0" * 12])
def test_huge_numbers_are_refused_before_they_are_converted(text):
    """Before, "1e1000000" became a million-digit int (a minute of CPU) and was then compared."""
    with pytest.raises(forms.NumberTooLarge):
        forms.parse_number(text)


@pytest.mark.parametrize("text,value", [("1 234,5", 1234.5), ("€ 30 000", 30000), ("0,1234567891", 0.123457)])
def test_ordinary_numbers_still_read(text, value):
    assert forms.parse_number(text) == value


def test_a_huge_number_is_explained_next_to_the_field_and_nothing_is_stored(login, make, db):
    application = make.application()
    response = login(application.owner).post(
        f"/applications/{application.id}/sections/context", data={"version": "0", "duration_months": "1e1000000"}
    )
    assert response.status_code == 422 and 'id="duration_months-error"' in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(SectionAnswer)) == 0


def test_a_bad_number_in_a_repeated_item_is_named_in_words_not_as_python_data(login, make, db):
    """The error summary listed a repeated section's errors as a dict ("{'grant': ['Enter …']}")."""
    application = make.application(action_key="KA220-SCH")
    response = login(application.owner).post(
        f"/applications/{application.id}/sections/work_packages",
        data={"version": "0", "items-0-title": "Fortbildning", "items-0-grant": "abc"},
    )
    page = response.get_data(as_text=True)
    summary = page.split('id="error-summary"')[1].split("</div>")[0]
    assert response.status_code == 422
    assert "{" not in summary and "[" not in summary
    assert 'href="#items-0-grant"' in summary and 'id="items-0-grant-error"' in page
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(SectionAnswer)) == 0


def test_a_stored_amount_reads_as_every_other_amount_in_the_users_language(app):
    """The copy view and the dossier showed "30000" and "1234.5" beside "30 000 €" on the overview."""
    from flask_babel import force_locale

    from webapp.core.i18n import format_number
    from webapp.programmes.schema import FieldDef
    from webapp.sections.presenters import display_value

    amount = FieldDef(key="grant", type="number", label={"sv": "Belopp", "en": "Amount"})
    with app.test_request_context(), force_locale("sv"):
        assert display_value(amount, 30000, []) == format_number(30000) == "30\u00a0000"
        assert display_value(amount, 1234.5, []) == "1\u00a0234,5"
    with app.test_request_context(), force_locale("en"):
        assert display_value(amount, 1234.5, []) == "1,234.5"
