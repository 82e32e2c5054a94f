"""A comparison as a small, self-contained HTML page for an <iframe>: a table, no script, no
external asset; its one stylesheet is allowed by hash in a strict Content-Security-Policy."""

import base64
import hashlib
from html import escape

from api.comparisons.models import ComparisonPublic
from api.core.urls import site_url

STYLE = (
    "html,body{margin:0;background:#fff;color:#0f172a}"
    "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}"
    ".wrap{overflow-x:auto;padding:12px}"
    "table{width:100%;border-collapse:collapse;min-width:320px}"
    "caption{text-align:left;font-weight:700;font-size:1.15em;padding:0 0 10px}"
    "th,td{text-align:left;vertical-align:top;padding:8px 10px;border-top:1px solid #cbd5e1}"
    "thead th{border-top:0;color:#0f766e;font-size:.9em;text-transform:uppercase;"
    "letter-spacing:.03em}"
    "tbody th{font-weight:600;width:22%}"
    "a{color:#0f766e}"
    ".source{margin:10px 0 0;font-size:.85em;color:#475569}"
    "@media (max-width:480px){body{font-size:13px}th,td{padding:6px}}"
)
STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()


def content_security_policy(frame_ancestors: list[str]) -> str:
    """Nothing loads but the page's own stylesheet; only ``frame_ancestors`` may frame it."""
    ancestors = " ".join(frame_ancestors) if frame_ancestors else "'none'"
    return (
        f"default-src 'none'; style-src 'sha256-{STYLE_HASH}'; base-uri 'none'; "
        f"form-action 'none'; frame-ancestors {ancestors}"
    )


def embed_page(comparison: ComparisonPublic, *, site_name: str) -> str:
    """The table: a caption, a column per role (its name links to its page), a row per
    dimension, each a header cell, so that a screen reader names every cell."""
    subjects = comparison.subjects
    head = "".join(
        f'<th scope="col"><a href="{escape(site_url("roles", s.slug))}" target="_top" '
        f'rel="noopener">{escape(s.name)}</a></th>'
        for s in subjects
    )
    rows = "".join(
        f'<tr><th scope="row">{escape(row.dimension)}</th>'
        + "".join(
            f"<td>{escape(row.cells[s.slug].text) if s.slug in row.cells else ''}</td>"
            for s in subjects
        )
        + "</tr>"
        for row in comparison.rows
    )
    page = escape(site_url("comparisons", comparison.slug))
    return (
        f'<!doctype html><html lang="{escape(comparison.locale)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(comparison.title)}</title><style>{STYLE}</style></head><body>"
        f'<div class="wrap"><table><caption>{escape(comparison.title)}</caption>'
        f'<thead><tr><th scope="col">{escape(comparison.dimension_label)}</th>{head}</tr>'
        f"</thead><tbody>{rows}</tbody></table>"
        f'<p class="source"><a href="{page}" target="_top" rel="noopener">'
        f"{escape(site_name)}</a></p></div></body></html>"
    )
