"""Renderings of a comparison for scripts and syndication: CSV (RFC 4180) and a GFM table."""

import csv
import io

from api.comparisons.models import ComparisonPublic
from api.core import markdown
from api.core.urls import site_url


def cells_of(table: ComparisonPublic) -> list[list[str]]:
    """One list per row: the dimension, then each subject's cell text ("" when empty)."""
    return [
        [row.dimension]
        + [row.cells[s.slug].text if s.slug in row.cells else "" for s in table.subjects]
        for row in table.rows
    ]


# A spreadsheet takes a cell starting with one of these for a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _inert(cell: str) -> str:
    """The cell as a spreadsheet will show it, never run it: OWASP's advice for CSV
    injection, a leading apostrophe before a character that would start a formula."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def render_csv(table: ComparisonPublic) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180: CRLF, quotes where needed
    writer.writerow([_inert(c) for c in [table.dimension_label, *(s.name for s in table.subjects)]])
    writer.writerows([_inert(c) for c in row] for row in cells_of(table))
    return out.getvalue()


def render_markdown_table(table: ComparisonPublic) -> str:
    header = [markdown.escape(table.dimension_label)] + [
        markdown.link(s.name, site_url("roles", s.slug)) for s in table.subjects
    ]
    return markdown.table(header, [[markdown.escape(c) for c in row] for row in cells_of(table)])


def render_markdown(table: ComparisonPublic) -> str:
    return f"## {markdown.escape(table.title)}\n\n{render_markdown_table(table)}\n"
