"""A partner changed or removed by someone else at the same moment: a conflict, never a 500."""

import pytest
from sqlalchemy import text

from webapp.core.errors import Conflict
from webapp.partners import services


def test_removing_a_partner_removed_meanwhile_is_a_conflict(make, db):
    application = make.application()
    partner = make.partner(application)
    db.session.commit()
    assert partner.version == 1
    db.session.execute(text("DELETE FROM partner WHERE id = :id"), {"id": partner.id})  # the other remover
    with pytest.raises(Conflict):
        services.remove(application.owner, application, partner)


def test_editing_a_partner_removed_meanwhile_says_so(make, db):
    application = make.application()
    partner = make.partner(application, name="Gladsaxe")
    db.session.commit()
    db.session.execute(text("DELETE FROM partner WHERE id = :id"), {"id": partner.id})
    with pytest.raises(Conflict) as lost:
        services.save(application.owner, application, partner, {"name": "Ny", "country": "DK"}, 1)
    assert lost.value.current is None  # the page then tells the user it was removed


def test_the_remove_button_twice_answers_404_the_second_time(login, make):
    application = make.application()
    partner = make.partner(application)
    client = login(application.owner)
    url = f"/applications/{application.id}/partners/{partner.id}/remove"
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 404
