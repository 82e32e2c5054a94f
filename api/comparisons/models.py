"""Comparisons: tables whose rows are dimensions ("Primary job") and whose columns are roles.

Subjects, rows and cells are SQL rows, so scripts can filter by dimension or role. A cell's
(comparison, role) must be a subject of that comparison and its row must belong to the same
comparison: both are enforced by composite foreign keys, not by application code alone.
"""

from datetime import datetime

from sqlalchemy import ForeignKeyConstraint, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.db import Tracked
from api.refs import RoleRef
from api.slugs import SLUG_MAX


class ComparisonBase(SQLModel):
    slug: str = Field(max_length=SLUG_MAX, unique=True, index=True)
    title: str = Field(max_length=300)
    dimension_label: str = Field(
        default="Dimension", max_length=100, description="Heading of the dimension column."
    )


class Comparison(ComparisonBase, Tracked, table=True):
    id: int | None = Field(default=None, primary_key=True)


class ComparisonSubject(SQLModel, table=True):
    __tablename__ = "comparison_subject"
    __table_args__ = (UniqueConstraint("comparison_id", "position"),)

    comparison_id: int = Field(foreign_key="comparison.id", primary_key=True, ondelete="CASCADE")
    role_id: int = Field(foreign_key="role.id", primary_key=True, index=True, ondelete="RESTRICT")
    position: int


class ComparisonRow(SQLModel, table=True):
    __tablename__ = "comparison_row"
    __table_args__ = (
        UniqueConstraint("comparison_id", "dimension"),
        # Target of the cells' composite key: a cell's row is in the cell's comparison.
        UniqueConstraint("id", "comparison_id"),
        Index("ix_comparison_row_comparison_id_position", "comparison_id", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    comparison_id: int = Field(foreign_key="comparison.id", ondelete="CASCADE")
    position: int
    dimension: str = Field(max_length=200)


class ComparisonCell(SQLModel, table=True):
    __tablename__ = "comparison_cell"
    __table_args__ = (
        ForeignKeyConstraint(
            ["row_id", "comparison_id"],
            ["comparison_row.id", "comparison_row.comparison_id"],
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["comparison_id", "role_id"],
            ["comparison_subject.comparison_id", "comparison_subject.role_id"],
            ondelete="CASCADE",
        ),
        Index("ix_comparison_cell_role_id", "role_id"),
        Index("ix_comparison_cell_comparison_id_role_id", "comparison_id", "role_id"),
    )

    row_id: int = Field(primary_key=True)
    role_id: int = Field(primary_key=True)
    comparison_id: int
    text: str = Field(sa_type=Text)
    note: str | None = Field(default=None, sa_type=Text)
    source_url: str | None = Field(default=None, max_length=2000)


class CellPublic(SQLModel):
    text: str
    note: str | None = None
    source_url: str | None = None


class RowPublic(SQLModel):
    id: int
    position: int
    dimension: str
    cells: dict[str, CellPublic] = Field(description="One cell per subject, keyed by role slug.")


class ComparisonPublic(SQLModel):
    id: int
    slug: str
    title: str
    dimension_label: str
    subjects: list[RoleRef] = Field(description="The compared roles, in column order.")
    rows: list[RowPublic] = Field(description="Dimensions, in row order.")
    created_at: datetime
    updated_at: datetime
    version: int
    url: str


class ComparisonListItem(SQLModel):
    id: int
    slug: str
    title: str
    dimension_label: str
    subjects: list[RoleRef]
    row_count: int
    created_at: datetime
    updated_at: datetime
    version: int
    url: str
