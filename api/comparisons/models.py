"""Comparisons: tables whose rows are dimensions ("Primary job") and whose columns are roles.

Subjects, rows and cells are SQL rows, so scripts can filter by dimension or role. A cell's
(comparison, role) must be a subject of that comparison and its row must belong to the same
comparison: both are enforced by composite foreign keys, not by application code alone.
"""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints
from sqlalchemy import ForeignKeyConstraint, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.core.columns import Tracked
from api.core.fields import Id, Moment, Position, WebUrl
from api.core.readback import ID_OR_SLUG_OR_OBJECT, Writable, read_only
from api.core.slugs import SLUG_MAX, Name, Slug, Slugs
from api.core.workflow import Status, Workflow
from api.roles.models import RoleListItem, RolePublic
from api.web.filters import LOCALE_QUERY, Filtered
from api.web.pagination import ListParams, fields_query, include_query, sort_query
from api.web.refs import Alternate, ComparisonRef, RoleRef


class ComparisonBase(SQLModel):
    slug: str = Field(max_length=SLUG_MAX, unique=True, index=True)
    title: str = Field(max_length=300)
    dimension_label: str = Field(
        default="Dimension", max_length=100, description="Heading of the dimension column."
    )


class Comparison(ComparisonBase, Workflow, Tracked, table=True):
    __table_args__ = (
        Index("ix_comparison_title_id", "title", "id"),
        Index("ix_comparison_updated_at_id", "updated_at", "id"),
        Index("ix_comparison_created_at_id", "created_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # The article whose Markdown table made it: its workflow and its trash are the article's.
    owner_article_id: int | None = Field(
        default=None, foreign_key="article.id", index=True, ondelete="SET NULL"
    )


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


CellText = Annotated[str, StringConstraints(max_length=5_000)]


class CellInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: CellText
    note: str | None = Field(None, max_length=2_000)
    source_url: WebUrl | None = None


class RowInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Id | None = Field(None, description="An existing row to keep (and keep its id).")
    position: Any = read_only(" (the order of rows is their position)")
    dimension: Name
    cells: dict[str, CellText | CellInput] = Field(
        default_factory=dict,
        max_length=20,
        description="Keyed by subject role slug; a plain string is the cell's text.",
    )


class ComparisonInput(Writable):
    """A comparison as written by POST and PUT (and, after merging, PATCH)."""

    model_config = ConfigDict(extra="forbid")

    slug: Slug | None = Field(None, description="Made from the title when left out.")
    title: str = Field(min_length=1, max_length=300)
    dimension_label: str = Field("Dimension", min_length=1, max_length=100)
    subjects: list[Annotated[Slug | Id, ID_OR_SLUG_OR_OBJECT]] = Field(
        min_length=1, max_length=20, description="Roles by slug or id, in column order."
    )
    rows: list[RowInput] = Field(default_factory=list, max_length=200)
    status: Status = Status.draft
    publish_at: Moment | None = None
    locale: Any = read_only()
    fallback: Any = read_only()
    translations: Any = read_only()


class RowCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dimension: Name
    position: Position | None = Field(None, description="Where to insert it; last by default.")
    cells: dict[str, CellText | CellInput] = Field(default_factory=dict, max_length=20)


class RowPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dimension: Name | None = None
    position: Position | None = Field(None, description="Moves the row.")
    cells: dict[str, CellText | CellInput | None] | None = Field(None, max_length=20)


class SubjectCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Slug | Id
    position: Position | None = Field(None, description="Column to insert at; last by default.")


class CellPublic(SQLModel):
    text: str
    note: str | None = None
    source_url: str | None = None


class RowPublic(SQLModel):
    id: int
    position: int
    dimension: str
    cells: dict[str, CellPublic] = Field(description="One cell per subject, keyed by role slug.")


class ComparisonHead(SQLModel):
    """What a comparison's page and its list item both begin with."""

    id: int
    slug: str
    title: str
    dimension_label: str
    status: Status
    published_at: datetime | None


class ComparisonPublic(ComparisonHead):
    subjects: list[RoleRef | RoleListItem] = Field(
        description="The compared roles, in column order (whole with include=roles)."
    )
    rows: list[RowPublic] = Field(description="Dimensions, in row order.")
    created_at: datetime
    updated_at: datetime
    version: int
    url: str
    locale: str = Field(description="The locale of what is shown (FOLIO_LOCALES).")
    fallback: bool = Field(description="Whether that is not the locale asked for.")
    translations: list[Alternate] = Field(
        description="The comparison in every other locale it has."
    )


class ComparisonListItem(ComparisonHead):
    subjects: list[RoleRef | RoleListItem]
    row_count: int
    created_at: datetime
    updated_at: datetime
    version: int
    url: str
    locale: str
    fallback: bool
    translations: list[Alternate]


SORTS = ("title", "updated_at", "created_at")
DEFAULT_SORT = "title"
INCLUDES = ("roles",)
ROW_SORTS = ("position",)


class ComparisonListQuery(Filtered):
    sort: str | None = sort_query(SORTS, DEFAULT_SORT)
    role: list[Slugs] = Field(
        default_factory=list,
        max_length=10,
        description="Comparisons with any of these roles (slugs, comma-separated) as subjects;"
        " repeated, with one of each: `role=fractional-caio&role=head-of-ai,cto`.",
    )
    not_role: Slugs | None = Field(None, description="With none of these roles.")
    article: Slugs | None = Field(None, description="Embedded in any of these articles.")
    not_article: Slugs | None = Field(None, description="Embedded in none of these.")
    dimension: str | None = Field(
        None,
        min_length=1,
        max_length=200,
        description="Only comparisons with a row of this dimension (any case): `Typical buyer`.",
    )
    q: str | None = Field(None, min_length=1, max_length=200, description="Full-text search.")
    fields: str | None = fields_query(ComparisonListItem)
    include: str | None = include_query(INCLUDES)


class ComparisonQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal["json", "csv", "md"] | None = Field(
        None, description="Overrides the Accept header."
    )
    locale: str | None = LOCALE_QUERY
    fields: str | None = fields_query(ComparisonPublic)
    include: str | None = include_query(INCLUDES)


class RowsQuery(ListParams):
    format: Literal["json", "csv"] | None = Field(
        None, description="Overrides the Accept header: `csv` gives this page's rows as CSV."
    )
    sort: str | None = sort_query(ROW_SORTS, "position")
    dimension: str | None = Field(
        None, max_length=200, description="Only the row with this dimension (any case)."
    )
    q: str | None = Field(
        None, min_length=1, max_length=200, description="Rows whose dimension or cells contain it."
    )
    fields: str | None = fields_query(RowPublic)


class SideBySide(BaseModel):
    """One dimension on which two roles are compared, and where the comparison is."""

    dimension: str
    comparison: ComparisonRef
    row_id: int
    cells: dict[str, CellPublic] = Field(description="The two roles' cells, keyed by slug.")


class RoleComparison(BaseModel):
    roles: list[RoleRef]
    dimensions: list[SideBySide]


class RoleWithComparisons(RolePublic):
    """A role page with its comparisons whole (``include=comparisons``)."""

    comparisons: list[ComparisonPublic]  # type: ignore[assignment]
