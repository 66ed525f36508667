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
