"""An organisation's directory of partner organisations abroad: schools met through twin towns,
networks and earlier projects, and the twin towns and networks themselves, so that a teacher
looking for a partner starts from what the organisation already knows."""

from __future__ import annotations

import enum
import unicodedata

from sqlalchemy import ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import TimestampMixin
from ..extensions import db
from ..organisations.models import SchoolKind


class EntryKind(enum.StrEnum):
    ORGANISATION = "organisation"  # a school or other organisation one may apply with
    TWIN_TOWN = "twin_town"  # the municipality's twin or cooperation town
    NETWORK = "network"  # a network the organisation belongs to (Eurocities, SERN ...)


class ContactSource(enum.StrEnum):
    """Where the contact came from."""

    TWIN_TOWN = "twin_town"
    NETWORK = "network"
    EARLIER_PROJECT = "earlier_project"
    ETWINNING = "etwinning"
    SCHOOL_EDUCATION_PLATFORM = "school_education_platform"
    OWN_CONTACT = "own_contact"


#: The fields the directory's words search: kept together, case-folded, in `search_text`.
SEARCHED = ("name", "city", "topics", "languages", "levels", "notes")


def folded(text: str | None) -> str:
    """How the search compares text: Unicode-normalised and case-folded ("Ä" as "ä", "ß" as "ss")."""
    return unicodedata.normalize("NFC", text or "").casefold()


def searchable(values) -> str:
    """The searched fields of `values` (a mapping) in one text, a line each: a word never spans two."""
    return "\n".join(folded(values.get(field)) for field in SEARCHED)


def _search_text_default(context) -> str:
    """For rows inserted without an object (a bulk insert of dicts)."""
    return searchable(context.get_current_parameters())


class DirectoryEntry(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    entry_kind: Mapped[str] = mapped_column(String(20), default=EntryKind.ORGANISATION)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30), default=SchoolKind.SCHOOL)  # of an organisation entry
    country: Mapped[str] = mapped_column(String(2), index=True)
    city: Mapped[str] = mapped_column(String(120), default="")
    oid: Mapped[str | None] = mapped_column(String(9))
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    languages: Mapped[str] = mapped_column(String(200), default="")  # as typed: "engelska, finska"
    topics: Mapped[str] = mapped_column(String(500), default="")
    levels: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(30), default=ContactSource.OWN_CONTACT)
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    # One column for the words to match rather than six, each lowered on every search.
    search_text: Mapped[str] = mapped_column(Text, default=_search_text_default, server_default="")

    organisation = relationship("Organisation")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_directory_entry_organisation_id_name", "organisation_id", "name"),
        Index("ix_directory_entry_organisation_id_country", "organisation_id", "country"),
    )

    @property
    def is_organisation(self) -> bool:
        """An organisation one may apply with (not a twin town or a network)."""
        return self.entry_kind == EntryKind.ORGANISATION

    @property
    def organisation_ids(self) -> set[int]:
        return {self.organisation_id}

    def __repr__(self) -> str:
        return f"<DirectoryEntry {self.id} {self.name!r}>"


@event.listens_for(DirectoryEntry, "before_insert")
@event.listens_for(DirectoryEntry, "before_update")
def _index_words(mapper, connection, entry: DirectoryEntry) -> None:
    entry.search_text = searchable({field: getattr(entry, field) for field in SEARCHED})
