"""places taken: a seminar's confirmed and waiting registrations, kept instead of counted

Revision ID: 9d3f6a1c2e85
Revises: 5b0c7e2d91a4
Create Date: 2026-12-07 13:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9d3f6a1c2e85'
down_revision = '5b0c7e2d91a4'
branch_labels = None
depends_on = None


def upgrade():
    # No backfill: a seminar without a row is counted by its next registration, under its lock.
    op.create_table(
        'places_taken',
        sa.Column('seminar_id', sa.Integer(), nullable=False),
        sa.Column('confirmed', sa.Integer(), nullable=False),
        sa.Column('waiting', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['seminar_id'],
            ['seminars.id'],
            name=op.f('fk_places_taken_seminar_id_seminars'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('seminar_id', name=op.f('pk_places_taken')),
    )


def downgrade():
    op.drop_table('places_taken')
