"""outbox messages rendered at delivery: template, kept context, language

Revision ID: 5b0c7e2d91a4
Revises: f22f93d9e328
Create Date: 2026-12-07 08:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b0c7e2d91a4'
down_revision = 'f22f93d9e328'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('template', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('context', sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column('language', sa.String(length=16), nullable=False, server_default='')
        )
        batch_op.alter_column('text_body', existing_type=sa.Text(), nullable=True)
        batch_op.alter_column('html_body', existing_type=sa.Text(), nullable=True)


def downgrade():
    # A message not rendered yet would lose its text without its context: deliver it first.
    waiting = op.get_bind().scalar(sa.text("SELECT count(*) FROM outbox_messages WHERE text_body IS NULL"))
    if waiting:
        raise RuntimeError(
            f"{waiting} outbox messages are not rendered yet: run 'flask outbox deliver' first"
        )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.alter_column('html_body', existing_type=sa.Text(), nullable=False)
        batch_op.alter_column('text_body', existing_type=sa.Text(), nullable=False)
        batch_op.drop_column('language')
        batch_op.drop_column('context')
        batch_op.drop_column('template')
