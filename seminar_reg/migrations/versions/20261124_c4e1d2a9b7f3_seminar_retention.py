"""seminar retention: months personal data is kept, and when it was erased

Revision ID: c4e1d2a9b7f3
Revises: 7f7502d26e0b
Create Date: 2026-11-24 09:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4e1d2a9b7f3'
down_revision = '7f7502d26e0b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('seminars', schema=None) as batch_op:
        # Existing seminars keep what their privacy notice promised: the default, 24 months.
        batch_op.add_column(
            sa.Column('retention_months', sa.Integer(), nullable=False, server_default='24')
        )
        batch_op.add_column(sa.Column('personal_data_erased_at', sa.DateTime(timezone=True), nullable=True))
    # The demo's 2023 seminars are there to be shown: seed-demo gives new ones the longest period.
    op.execute("UPDATE seminars SET retention_months = 120 WHERE is_demo")


def downgrade():
    with op.batch_alter_table('seminars', schema=None) as batch_op:
        batch_op.drop_column('personal_data_erased_at')
        batch_op.drop_column('retention_months')
