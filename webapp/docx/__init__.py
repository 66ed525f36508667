"""The application as a Word document (.docx), made from the same plain values as the PDF dossier
(webapp/pdf/context.py), for a school that edits or shares its text in Word."""
