"""An organisation's whole data as one zip file, and back: `flask --app webapp export --org SLUG
--out FILE.zip` moves an organisation to another server (or keeps it as a backup of its own), and
`import FILE.zip` restores it into an empty database at the same migration.

The zip holds `manifest.json` (format, migration, organisation, each member's row count and
SHA-256), one `tables/<table>.jsonl` per table (a JSON object per row, with its own ids), and
each uploaded file's bytes under `files/` (documents are stored in the database; the zip keeps
them apart from the rows). Which rows belong to an organisation is the table `OWNED` below; every
table is either in it or in `LEFT_OUT` with the reason (a test checks), so a new table cannot be
forgotten silently. The file holds personal data, password hashes and calendar secrets: keep it
like a database backup."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from sqlalchemy import JSON, Date, DateTime, LargeBinary, Table, TypeDecorator, func, select, text
from sqlalchemy.engine import Connection

from ..extensions import db
from ..health.checks import heads
from ..organisations.models import Organisation

FORMAT = "grantpath-organisation/1"

#: Why a table's rows stay behind.
LEFT_OUT = {
    "outbox_message": "mail in transit or receipts of mail sent: not the organisation's data",
    "export_run": "background exports: temporary files, kept seven days",
}


class ArchiveError(Exception):
    """What is wrong with the file or the database, in one line for the command."""


def slug(name: str) -> str:
    """ "Solna stad" as "solna-stad": how the command names an organisation."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def find_organisation(name_or_id: str) -> Organisation:
    organisations = list(db.session.scalars(db.select(Organisation).order_by(Organisation.id)))
    found = [o for o in organisations if name_or_id in (str(o.id), slug(o.name))]
    if len(found) != 1:
        known = ", ".join(f"{slug(o.name)} ({o.id})" for o in organisations) or "none"
        raise ArchiveError(f"no single organisation named {name_or_id!r}; the organisations: {known}")
    return found[0]


# Which rows belong to the organisation: for each table, its condition given what is exported so
# far (tables are visited parents first), by the ids of the rows already taken.


def _owned_rules() -> dict[str, Callable[[Table, dict[str, set]], object]]:
    def of_organisation(table, taken):
        return table.c.organisation_id.in_(taken["organisation"])

    def of_application(table, taken):
        return table.c.application_id.in_(taken["application"])

    rules: dict[str, Callable] = {
        "organisation": lambda table, taken: table.c.id.in_(taken["organisation"]),
        "school": of_organisation,
        "directory_entry": of_organisation,
        "audit_event": of_organisation,
        "membership": of_organisation,
        "application": lambda table, taken: table.c.school_id.in_(taken["school"]),
        # the people: everyone with a role in it, and anyone its rows name (an author, a reviewer)
        "user": lambda table, taken: table.c.id.in_(taken["user"]),
        # what was reminded of: only reminders about this organisation's applications and tasks
        "reminder_sent": lambda table, taken: table.c.user_id.in_(taken["user"]),
    }
    for table in db.metadata.sorted_tables:
        if table.name not in rules and "application_id" in table.c:
            rules[table.name] = of_application
    return rules


OWNED = _owned_rules  # called once the models are imported


def _reminder_is_ours(key: str, taken: dict[str, set]) -> bool:
    kind, _colon, rest = key.partition(":")
    number = rest.split(":", 1)[0]
    if not number.isdigit():
        return False
    return int(number) in taken.get("task" if kind == "task" else "application", set())


def _tables() -> list[Table]:
    return [t for t in db.metadata.sorted_tables if t.name not in LEFT_OUT]


def _order(table: Table):
    return list(table.primary_key.columns)


def _kind(column) -> type:
    column_type = column.type
    if isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    for kind in (DateTime, Date, LargeBinary, JSON):
        if isinstance(column_type, kind):
            return kind
    return object


def _encode(table: Table, row: dict, files: dict[str, bytes]) -> dict:
    encoded = {}
    for column in table.columns:
        value, kind = row[column.name], _kind(column)
        if value is None or kind in (object, JSON):
            encoded[column.name] = value
        elif kind in (DateTime, Date):
            encoded[column.name] = value.isoformat()
        else:  # bytes: a member of their own
            member = f"files/{table.name}/" + "-".join(str(row[c.name]) for c in _order(table)) + f"-{column.name}"
            files[member] = value
            encoded[column.name] = member
    return encoded


def _decode(table: Table, row: dict, archive: zipfile.ZipFile) -> dict:
    decoded = {}
    for column in table.columns:
        if column.name not in row:
            raise ArchiveError(f"{table.name}: a row without its column {column.name}")
        value, kind = row[column.name], _kind(column)
        if value is None or kind in (object, JSON):
            decoded[column.name] = value
        elif kind is DateTime:
            decoded[column.name] = datetime.fromisoformat(value)
        elif kind is Date:
            decoded[column.name] = date.fromisoformat(value)
        else:
            decoded[column.name] = archive.read(value)
    return decoded


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def export_organisation(organisation: Organisation, out: Path) -> dict[str, int]:
    """Writes the zip; how many rows each table gave."""
    rules = OWNED()
    taken: dict[str, set] = {"organisation": {organisation.id}}
    organisation_id = organisation.id
    db.session.commit()
    # One snapshot for every table: on a live server rows keep coming, and a partner must not name a
    # directory entry made after that table was read. (SQLite's one read transaction is one already.)
    options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
    connection = db.session.connection(execution_options=options if db.engine.dialect.name == "postgresql" else {})
    organisation = db.session.get(Organisation, organisation_id)
    rows_by_table: dict[str, list[dict]] = {}
    # Parents first, but the people last of all: their ids are gathered from every other row.
    tables = _tables()
    people = next(t for t in tables if t.name == "user")
    for table in [t for t in tables if t is not people] + [people]:
        if table.name not in rules:
            raise ArchiveError(f"the table {table.name} has no rule in webapp/archive/services.py")
        if table.name == "reminder_sent":
            continue  # after the people
        rows = _read(connection, table, rules[table.name](table, taken))
        rows_by_table[table.name] = rows
        if "id" in table.c:
            taken.setdefault(table.name, set()).update(row["id"] for row in rows)
        _gather_people(table, rows, taken)
    reminders = next(t for t in tables if t.name == "reminder_sent")
    rows_by_table["reminder_sent"] = [
        row
        for row in _read(connection, reminders, rules["reminder_sent"](reminders, taken))
        if _reminder_is_ours(row["key"], taken)
    ]
    return _write_zip(out, organisation, rows_by_table)


def _read(connection: Connection, table: Table, condition) -> list[dict]:
    return [dict(row._mapping) for row in connection.execute(select(table).where(condition).order_by(*_order(table)))]


def _gather_people(table: Table, rows: list[dict], taken: dict[str, set]) -> None:
    for foreign_key in table.foreign_keys:
        if foreign_key.column.table.name == "user":
            name = foreign_key.parent.name
            taken.setdefault("user", set()).update(row[name] for row in rows if row[name] is not None)


def _write_zip(out: Path, organisation: Organisation, rows_by_table: dict[str, list[dict]]) -> dict[str, int]:
    files: dict[str, bytes] = {}
    members: dict[str, bytes] = {}
    for table in _tables():
        rows = rows_by_table.get(table.name, [])
        lines = (json.dumps(_encode(table, row, files), ensure_ascii=False, sort_keys=True) for row in rows)
        members[f"tables/{table.name}.jsonl"] = "".join(line + "\n" for line in lines).encode()
    members.update(files)
    manifest = {
        "format": FORMAT,
        "migration": sorted(heads()),
        "organisation": {"id": organisation.id, "name": organisation.name, "slug": slug(organisation.name)},
        "rows": {name: len(rows) for name, rows in rows_by_table.items()},
        "sha256": {name: _sha256(data) for name, data in members.items()},
    }
    temporary = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        for name, data in members.items():
            archive.writestr(name, data)
    temporary.replace(out)
    return manifest["rows"]


#: The most a file may unpack to: past it, it is not an export of ours (or is a zip bomb).
MAX_UNPACKED_BYTES = 20 * 1024**3


def import_organisation(path: Path) -> dict[str, int]:
    """Restores the zip into this database, which must be empty and at the zip's migration; all
    or nothing. How many rows each table got."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ArchiveError(f"{path} is not a Grantpath organisation file ({exc})") from None
    unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        archive.close()
        raise ArchiveError(f"{path} would unpack to {unpacked} bytes, more than any organisation's export")
    with archive:
        manifest = _manifest(archive)
        connection = db.session.connection()
        _check_migrated(connection)
        _check_empty(connection)
        counts = {}
        for table in _tables():
            rows = _rows_of(archive, table)
            if len(rows) != manifest["rows"].get(table.name, 0):
                raise ArchiveError(
                    f"{table.name}: {len(rows)} rows, the manifest says {manifest['rows'].get(table.name)}"
                )
            for start in range(0, len(rows), 500):
                connection.execute(table.insert(), rows[start : start + 500])
            counts[table.name] = len(rows)
        _move_sequences(connection)
    return counts


def _rows_of(archive: zipfile.ZipFile, table: Table) -> list[dict]:
    """A table's rows from the zip, each checked as it is decoded: any fault is one line naming it."""
    rows = []
    for number, line in enumerate(archive.read(f"tables/{table.name}.jsonl").decode().splitlines(), start=1):
        if not line:
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise TypeError("not an object")
            rows.append(_decode(table, row, archive))
        except ArchiveError:
            raise
        except (ValueError, TypeError, KeyError) as exc:
            raise ArchiveError(f"tables/{table.name}.jsonl line {number}: {type(exc).__name__}: {exc}") from None
    return rows


def _manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError):
        raise ArchiveError("the file has no readable manifest.json: not a Grantpath organisation file") from None
    if manifest.get("format") != FORMAT:
        raise ArchiveError(f"the file's format is {manifest.get('format')!r}, this version reads {FORMAT!r}")
    if sorted(manifest.get("migration") or []) != sorted(heads()):
        raise ArchiveError(
            f"the file was written at migration {manifest.get('migration')}, this database's code is at "
            f"{sorted(heads())}: import it with the version that wrote it, then upgrade"
        )
    names = set(archive.namelist())
    for name, digest in (manifest.get("sha256") or {}).items():
        if name not in names or _sha256(archive.read(name)) != digest:
            raise ArchiveError(f"{name} is missing or damaged (its SHA-256 differs from the manifest's)")
    missing = [t.name for t in _tables() if f"tables/{t.name}.jsonl" not in names]
    if missing:
        raise ArchiveError(f"the file lacks the tables {', '.join(missing)}")
    return manifest


def _check_migrated(connection: Connection) -> None:
    current = set(MigrationContext.configure(connection).get_current_heads())
    if current != set(heads()):
        raise ArchiveError(
            f"the database is at migration {sorted(current) or 'none'}, not {sorted(heads())}: run `flask db upgrade` first"
        )


def _check_empty(connection: Connection) -> None:
    for table in ("organisation", "user"):
        found = connection.execute(select(func.count()).select_from(db.metadata.tables[table])).scalar()
        if found:
            raise ArchiveError(
                f"the database is not empty ({found} rows in {table}): import into a new database after `flask db upgrade`"
            )


def _move_sequences(connection: Connection) -> None:
    """PostgreSQL hands out ids from sequences, which rows inserted with their own ids do not move:
    each is set past the largest id, so the next new row does not collide."""
    if connection.dialect.name != "postgresql":
        return
    for table in _tables():
        if "id" in table.c and table.c.id.autoincrement in (True, "auto") and table.c.id.primary_key:
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                    f'COALESCE((SELECT MAX(id) FROM "{table.name}"), 0) + 1, false)'
                )
            )


def table_rows(tables: Iterable[Table] | None = None) -> dict[str, list[dict]]:
    """Every row of every table this archive covers, in id order, as the zip encodes them: what the
    round-trip test compares."""
    connection = db.session.connection()
    files: dict[str, bytes] = {}
    found = {}
    for table in tables or _tables():
        found[table.name] = [_encode(table, row, files) for row in _read(connection, table, text("1=1"))]
    found["files"] = [{name: base64.b64encode(data).decode()} for name, data in sorted(files.items())]
    return found
