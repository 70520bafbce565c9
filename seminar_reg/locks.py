"""Row locks, and the seminars' gates, that hold until the transaction ends."""

import sqlalchemy as sa

from seminar_reg.extensions import db


def lock_row(model, row_id: int, column=None):
    """Take the row's lock (PostgreSQL: SELECT ... FOR UPDATE). SQLite has no row locks: a
    write that changes nothing (not even a column's ``onupdate``, such as ``updated_at``)
    takes the database's write lock, which serialises the same.

    Returns the row's ``column`` as the lock found it, when one is asked for: read anew after
    waiting for whoever held the lock (on PostgreSQL the locked row is; other rows are not).
    """
    if db.engine.dialect.name == "sqlite":
        statement = (
            sa.update(model)
            .where(model.id == row_id)
            .values({c.key: c for c in model.__table__.c if c.primary_key or c.onupdate})
            .execution_options(synchronize_session=False)
        )
        if column is not None:
            statement = statement.returning(column)
    else:
        statement = sa.select(model.id if column is None else column).where(model.id == row_id)
        statement = statement.with_for_update()
    result = db.session.execute(statement)
    return None if column is None else result.scalar_one()


#: the first key of the seminars' gates among PostgreSQL's advisory locks
_SEMINAR_GATE = 0x5E31


def pass_seminar_gate(seminar_id: int, *, shared: bool) -> None:
    """PostgreSQL: take the seminar's gate until the transaction ends, shared (many at once)
    or exclusive (alone). A heavyweight lock, whose waiters queue in turn: a new shared taker
    waits behind an exclusive one waiting. The seminar's row lock has no such queue for
    key-share takers (every registration's foreign keys, and the registrations made without
    the seminar's lock), which can pass an organiser waiting to save for as long as they keep
    coming. Whoever takes both takes the gate first, so that none waits for the other in turn.
    SQLite needs no gate: its write lock lets one writer at a time.
    """
    if db.engine.dialect.name == "sqlite":
        return
    function = sa.func.pg_advisory_xact_lock_shared if shared else sa.func.pg_advisory_xact_lock
    db.session.execute(sa.select(function(_SEMINAR_GATE, seminar_id)))
