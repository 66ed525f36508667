"""A partner's letter as a Word document, for partners who sign in Word: the letter of intent
(Nordplus) or the mandate (Erasmus+), with the PDF letter's words and blanks, in either language;
only through its own application."""

from __future__ import annotations

import io

import docx
from pages import words


def _text(data: bytes) -> str:
    return "\n".join(paragraph.text for paragraph in docx.Document(io.BytesIO(data)).paragraphs)


def test_a_nordplus_letter_of_intent_and_an_erasmus_mandate_in_word(login, make, db):
    nordplus = make.application(action_key="NPJ-MOBILITY", call_round="2027-R1", title="Läsglädje")
    partner = make.partner(nordplus, name="Valmieras Valsts ģimnāzija\x0b", country="LV", contact_name="Ilze Kalniņa")
    db.session.commit()
    client = login(nordplus.owner)
    response = client.get(f"/applications/{nordplus.id}/partners/{partner.id}/letter.docx")
    assert response.status_code == 200 and response.mimetype.endswith("wordprocessingml.document")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    text = _text(response.data)
    letter_of_intent, signed_by, mandate = words("sv", "Letter of intent", "Legal representative", "Mandate")
    assert letter_of_intent in text and mandate not in text
    assert "Valmieras Valsts ģimnāzija" in text and "\x0b" not in text  # a character XML cannot hold is dropped
    assert "Ilze Kalniņa" in text and signed_by in text and "Läsglädje" in text
    assert docx.Document(io.BytesIO(response.data)).paragraphs[2].style.name == "Title"
    english = _text(client.get(f"/applications/{nordplus.id}/partners/{partner.id}/letter.docx?lang=en").data)
    assert all(
        word in english for word in words("en", "Letter of intent", "Legal representative", "Our role in the project")
    )

    erasmus = make.application(action_key="KA210-SCH", call_round="2027-R1")
    italian = make.partner(erasmus, name="Liceo Sportivo Bologna", country="IT")
    db.session.commit()
    mandate_text = _text(
        login(erasmus.owner).get(f"/applications/{erasmus.id}/partners/{italian.id}/letter.docx?lang=en").data
    )
    (mandate, letter_of_intent) = words("en", "Mandate", "Letter of intent")
    assert mandate in mandate_text and letter_of_intent not in mandate_text
    assert "Liceo Sportivo Bologna" in mandate_text and erasmus.school.name in mandate_text
    assert "authorise" in mandate_text
    # a partner of another application is not reachable through this one
    assert client.get(f"/applications/{nordplus.id}/partners/{italian.id}/letter.docx").status_code == 404
