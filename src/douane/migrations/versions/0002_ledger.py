"""The audit ledger: hash-chained entries, the chain head (lock + tail anchor), the search index."""

import sqlalchemy as sa
from alembic import op

revision = "0002_ledger"
down_revision = "0001_keys"

GENESIS = "0" * 64


def upgrade() -> None:
    op.create_table(
        "ledger_entries",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("ts", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("request_id", sa.String(100), nullable=False),
        sa.Column("team", sa.String(200), nullable=True),
        sa.Column("provider", sa.String(200), nullable=True),
        sa.Column("jurisdiction", sa.String(16), nullable=True),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("signer", sa.String(32), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("signature", sa.String(128), nullable=False),
    )
    op.create_index("ix_ledger_entries_ts", "ledger_entries", ["ts"])
    op.create_index("ix_ledger_entries_request_id", "ledger_entries", ["request_id"])
    op.create_index("ix_ledger_entries_team", "ledger_entries", ["team"])
    op.create_index("ix_ledger_entries_hash", "ledger_entries", ["hash"])
    head = op.create_table(
        "ledger_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": GENESIS}])
    op.create_table(
        "ledger_terms",
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("term", sa.String(80), nullable=False),
        sa.PrimaryKeyConstraint("seq", "term"),
    )
    op.create_index("ix_ledger_terms_term", "ledger_terms", ["term", "seq"])


def downgrade() -> None:
    op.drop_table("ledger_terms")
    op.drop_table("ledger_head")
    op.drop_table("ledger_entries")
