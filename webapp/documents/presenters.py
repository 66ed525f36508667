"""What the overview shows of an application's files: plain values with their download links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from flask_babel import lazy_gettext as _l

from . import services
from .models import DocumentKind

KIND_LABELS = {
    DocumentKind.SUBMITTED_APPLICATION: _l("The application as submitted"),
    DocumentKind.INTERIM_REPORT: _l("Interim report"),
    DocumentKind.FINAL_REPORT: _l("Final report"),
}


@dataclass(frozen=True)
class DocumentLink:
    id: int
    label: str
    filename: str
    size: int
    uploaded_at: datetime
    uploaded_by: str
    url: str


def links(application) -> list[DocumentLink]:
    return [
        DocumentLink(
            id=document.id,
            label=str(KIND_LABELS.get(document.kind, document.kind)),
            filename=document.filename,
            size=document.size,
            uploaded_at=document.uploaded_at,
            uploaded_by=document.uploaded_by.name if document.uploaded_by else "",
            url=url_for("documents.download", application_id=application.id, document_id=document.id),
        )
        for document in services.documents_of(application)
        if document.kind != DocumentKind.ANNEX  # listed with their annex (webapp/annexes)
    ]
