"""Every table, imported in one place for Alembic, the tests and the seed loader."""

from sqlmodel import SQLModel

from api.articles.models import Article, ArticleComparison, ArticleRole
from api.authors.models import Author
from api.comparisons.models import Comparison, ComparisonCell, ComparisonRow, ComparisonSubject
from api.roles.models import Role

metadata = SQLModel.metadata

__all__ = [
    "Article",
    "ArticleComparison",
    "ArticleRole",
    "Author",
    "Comparison",
    "ComparisonCell",
    "ComparisonRow",
    "ComparisonSubject",
    "Role",
    "metadata",
]
