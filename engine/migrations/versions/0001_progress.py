"""Trainees, their practice attempts, and educators' assignments.

Revision ID: 0001_progress
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_progress"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trainees",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("handle", sa.String(40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_trainees_handle", "trainees", ["handle"], unique=True)
    op.create_table(
        "attempts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("trainee_id", sa.Integer, sa.ForeignKey("trainees.id"), nullable=False),
        sa.Column("case_id", sa.String(120), nullable=False),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("expected", sa.String(40), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("answer", sa.JSON, nullable=False),
        sa.Column("position", sa.Integer, nullable=True),
        sa.Column("points", sa.Integer, nullable=False),
        sa.Column("max_points", sa.Integer, nullable=False),
        sa.Column("missed_must_not_miss", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_attempts_trainee_id", "attempts", ["trainee_id"])
    op.create_index("ix_attempts_case_id", "attempts", ["case_id"])
    op.create_index("ix_attempts_created_at", "attempts", ["created_at"])
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(80), nullable=False, unique=True),
        sa.Column("cases", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("assignments")
    op.drop_index("ix_attempts_created_at", "attempts")
    op.drop_index("ix_attempts_case_id", "attempts")
    op.drop_index("ix_attempts_trainee_id", "attempts")
    op.drop_table("attempts")
    op.drop_index("ix_trainees_handle", "trainees")
    op.drop_table("trainees")
