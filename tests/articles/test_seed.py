"""The seed page, loaded as article 1, losing nothing; loading is idempotent and all-or-nothing."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from api.articles.models import Article, ArticleComparison, ArticleRole
from api.articles.page import parse_page
from api.comparisons.models import Comparison, ComparisonCell, ComparisonRow, ComparisonSubject
from api.core.errors import SeedError
from api.core.workflow import Status
from api.labels.models import Author
from api.roles.models import Role
from api.seed import load_page, load_seeds
from tests.conftest import SEED
from tests.helpers import EXPECTED_ROWS

SEED_TEXT = SEED.read_text(encoding="utf-8")
TABLES = (
    Article,
    ArticleComparison,
    ArticleRole,
    Author,
    Comparison,
    ComparisonCell,
    ComparisonRow,
    ComparisonSubject,
    Role,
)


def counts(session: Session) -> dict[str, int]:
    return {t.__name__: session.exec(select(func.count()).select_from(t)).one() for t in TABLES}


def test_seed_file_is_the_shared_document_byte_for_byte() -> None:
    shared = SEED.parent.parent.parent / "shared" / "seeds" / SEED.name
    if shared.exists():  # beside a checkout of main, as on every developer machine and CI
        assert SEED.read_bytes() == shared.read_bytes()
    assert SEED.read_bytes().startswith(b"EliteComparison8 min read\n")


def test_seed_is_article_1_with_every_field(session: Session) -> None:
    article = session.get(Article, 1)
    assert article is not None
    assert article.slug == "ai-operating-partner-vs-fractional-caio-which-role-do-you-need"
    assert article.title == "AI Operating Partner vs Fractional CAIO: Which Role Do You Need?"
    assert (article.kicker, article.category, article.reading_time_minutes) == (
        "Elite",
        "Comparison",
        8,
    )
    assert article.status == Status.published
    assert article.published_at == datetime(2026, 6, 15, tzinfo=UTC)
    assert article.summary.startswith("The terms sound similar")
    assert article.summary.endswith("deployment, measurement, and portfolio reuse.")
    author = session.get(Author, article.author_id)
    assert author is not None
    assert (author.name, author.slug) == ("Kyle Rasmussen", "kyle-rasmussen")
    assert [(block["_type"], block.get("style")) for block in article.body] == [
        ("block", "h2"),
        ("role_definitions", None),
        ("block", "h2"),
        ("comparison", None),
        ("block", "h2"),
        ("block", "normal"),
        ("block", "normal"),
        ("block", "h2"),
        ("callout", None),
        ("block", "normal"),
        ("block", "h2"),
        ("related", None),
    ]
    headings = [b["children"][0]["text"] for b in article.body if b.get("style") == "h2"]
    assert headings == [
        "Role Definitions",
        "Comparison Table",
        "Best Fit for PE",
        "Decision Rule",
        "Continue Reading",
    ]
    keys = [b["_key"] for b in article.body]
    assert len(set(keys)) == len(keys)  # every block has its own key
    callout = next(b for b in article.body if b["_type"] == "callout")
    assert callout["title"] == "Use this rule"
    text = callout["content"][0]["children"][0]["text"]
    assert text.startswith("If the problem is choosing where AI should go")


def test_seed_roles_with_definitions_and_aliases(session: Session) -> None:
    roles = session.exec(select(Role).order_by(Role.id)).all()  # type: ignore[arg-type]
    assert [(r.id, r.slug, r.name) for r in roles] == [
        (1, "ai-operating-partner", "AI operating partner"),
        (2, "fractional-caio", "Fractional CAIO"),
    ]
    assert roles[0].definition.startswith("A hands-on operator who identifies")
    assert roles[1].definition.endswith("use-case prioritization, and executive alignment.")
    assert roles[1].aliases == ["Fractional Chief AI Officer"]
    assert roles[0].aliases == []


def test_seed_comparison_rows_and_cells_are_sql_rows(session: Session) -> None:
    comparison = session.exec(select(Comparison)).one()
    assert comparison.dimension_label == "Dimension"
    subjects = session.exec(
        select(ComparisonSubject.role_id).order_by(ComparisonSubject.position)  # type: ignore[arg-type]
    ).all()
    assert subjects == [1, 2]
    rows = session.exec(select(ComparisonRow).order_by(ComparisonRow.position)).all()  # type: ignore[arg-type]
    got = []
    for row in rows:
        cells = {
            c.role_id: c.text
            for c in session.exec(select(ComparisonCell).where(ComparisonCell.row_id == row.id))
        }
        got.append((row.dimension, cells[1], cells[2]))
    assert got == EXPECTED_ROWS


def test_seed_links_article_to_roles_and_comparison(session: Session) -> None:
    assert session.exec(
        select(ArticleRole.role_id)
        .where(ArticleRole.article_id == 1)
        .order_by(ArticleRole.position)  # type: ignore[arg-type]
    ).all() == [1, 2]
    assert session.exec(
        select(ArticleComparison.comparison_id).where(ArticleComparison.article_id == 1)
    ).all() == [1]
    article = session.get(Article, 1)
    assert article is not None
    links = next(b for b in article.body if b.get("markDefs"))
    targets = {d["_key"]: d["role_id"] for d in links["markDefs"]}
    assert [(s["text"], targets[s["marks"][0]]) for s in links["children"] if s["marks"]] == [
        ("AI operating partner", 1),
        ("fractional Chief AI Officer", 2),
    ]


def test_loading_the_seeds_again_changes_nothing(session: Session) -> None:
    before = counts(session)
    article_before = session.get(Article, 1)
    assert article_before is not None
    body_before = article_before.body
    assert load_seeds(session, SEED.parent) == []
    assert counts(session) == before
    session.expire_all()
    assert session.get(Article, 1).body == body_before  # type: ignore[union-attr]


def _damaged(line_number: int, replacement: str) -> str:
    lines = SEED_TEXT.split("\n")
    lines[line_number - 1] = replacement
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("line", "replacement", "message"),
    [
        (1, "Elite Comparison eight minutes", "min read"),
        (5, "Kyle Rasmussen, sometime in June", "Month D, YYYY"),
        (5, "Kyle RasmussenJune 31, 2026", "not a date"),
        (22, "Primary job drive value set strategy", "cells"),
        (21, "DimensionSomeone elseSomebody", "header names none"),
        (
            41,
            "Read more on the dedicated Chief Happiness Officer and AI operating partner pages.",
            "names no role",
        ),
    ],
)
def test_damaged_seed_is_an_error_naming_the_line_and_writes_nothing(
    session: Session, line: int, replacement: str, message: str
) -> None:
    before = counts(session)
    damaged = _damaged(line, replacement).replace(
        "AI Operating Partner vs Fractional CAIO: Which", "A Damaged Copy: Which"
    )
    savepoint = session.begin_nested()
    with pytest.raises(SeedError) as caught:
        load_page(session, damaged, source="damaged.txt")
    savepoint.rollback()
    assert caught.value.line == line
    assert str(caught.value).startswith(f"damaged.txt:{line}: ")
    assert message in str(caught.value)
    assert counts(session) == before


def test_load_seeds_rolls_back_every_page_when_one_fails(session: Session, tmp_path: Path) -> None:
    good = SEED_TEXT.replace(
        "AI Operating Partner vs Fractional CAIO: Which", "Another Good Page: Which"
    )
    (tmp_path / "001_good.txt").write_text(good, encoding="utf-8")
    (tmp_path / "002_bad.txt").write_text(_damaged(5, "no date here"), encoding="utf-8")
    before = counts(session)
    with pytest.raises(SeedError, match=r"002_bad\.txt:5"):
        load_seeds(session, tmp_path)
    assert counts(session) == before


def test_a_page_with_three_subjects_splits_by_column_count() -> None:
    text = SEED_TEXT.replace(
        "Comparison Table",
        "Head of AI\n\nA full-time leader of AI work.\n\nComparison Table",
        1,
    ).replace(
        "DimensionAI operating partnerFractional CAIO",
        "DimensionAI operating partnerFractional CAIOHead of AI",
    )
    text = text.replace(
        "executive alignment\nTypical",
        "executive alignmentOwn the AI function full time\nTypical",
    )
    text = "\n".join(
        line + "Whatever the company needs"
        if line.startswith(("Typical", "Accountability", "Operating", "Implementation", "Best use"))
        else line
        for line in text.split("\n")
    )
    page = parse_page(text)
    table = next(b for b in page.blocks if type(b).__name__ == "PTable")
    assert table.subjects == ["AI operating partner", "Fractional CAIO", "Head of AI"]  # type: ignore[union-attr]
    assert table.rows[0] == (  # type: ignore[union-attr]
        "Primary job",
        [
            "Drive portfolio-level value creation through AI workflows",
            "Set AI strategy, governance, roadmap, and executive alignment",
            "Own the AI function full time",
        ],
    )
