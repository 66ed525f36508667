"""Counts the SQL statements a block of code sends, for the no-N+1 tests of list pages."""

from contextlib import contextmanager

from sqlalchemy import event

from webapp.extensions import db


@contextmanager
def count_queries():
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
