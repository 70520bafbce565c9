"""Row locks that hold until the transaction ends, on both databases."""

import sqlalchemy as sa

from seminar_reg.extensions import db


def lock_row(model, row_id: int) -> None:
    """Take the row's lock (PostgreSQL: SELECT ... FOR UPDATE). SQLite has no row locks: a
    write that changes nothing takes the database's write lock, which serialises the same."""
    if db.engine.dialect.name == "sqlite":
        db.session.execute(
            sa.update(model)
            .where(model.id == row_id)
            .values(id=model.id)
            .execution_options(synchronize_session=False)
        )
    else:
        db.session.execute(sa.select(model.id).where(model.id == row_id).with_for_update())
