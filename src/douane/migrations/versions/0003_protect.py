"""Protected documents and tables: keyed fingerprints and cell hashes only, never their text."""

import sqlalchemy as sa
from alembic import op

revision = "0003_protect"
down_revision = "0001_keys"


def upgrade() -> None:
    op.create_table(
        "protected_documents",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(1000), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("words", sa.Integer, nullable=False),
        sa.Column("fingerprints", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "protected_tables",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(1000), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("columns", sa.String(2000), nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("cell_hashes", sa.LargeBinary, nullable=False),
        sa.Column("cell_rows", sa.LargeBinary, nullable=False),
        sa.Column("cell_columns", sa.LargeBinary, nullable=False),
        sa.Column("value_lengths", sa.LargeBinary, nullable=False),
        sa.Column("value_prefixes", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("protected_tables")
    op.drop_table("protected_documents")
