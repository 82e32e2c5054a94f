"""Every table, imported in one place for Alembic, the tests and the seed loader."""

from pydantic import BaseModel
from sqlmodel import SQLModel

from api.articles.models import Article, ArticleComparison, ArticlePublic, ArticleRole, ArticleTag
from api.assets.models import ArticleAsset, Asset, AssetBlob
from api.audit.models import AuditEvent
from api.auth.models import ApiKey
from api.comparisons.models import (
    Comparison,
    ComparisonCell,
    ComparisonPublic,
    ComparisonRow,
    ComparisonSubject,
)
from api.core import kinds
from api.core.surrogates import ContentChange, Representation, RepresentationKey
from api.events.models import Event
from api.graphql.models import PersistedQuery
from api.history.models import Revision, SlugRedirect
from api.idempotency.models import IdempotencyRecord
from api.labels.models import Author, LabelPublic, Tag
from api.people.models import RecoveryCode, User, UserSession, UserToken
from api.previews.models import PreviewLink
from api.purge.models import PurgeCursor
from api.roles.models import Role, RolePublic
from api.search.models import SearchDocument
from api.translations.models import (
    ArticleTranslation,
    ComparisonTranslation,
    RoleTranslation,
    Translation,
    TranslationMeta,
)
from api.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery

metadata = SQLModel.metadata

# The table of every kind of content, by collection (refused at import if one is missing).
TABLES: kinds.Pieces[type[SQLModel]] = kinds.Pieces(
    "table",
    kinds.KINDS,
    {
        kinds.ARTICLE: Article,
        kinds.ROLE: Role,
        kinds.COMPARISON: Comparison,
        kinds.AUTHOR: Author,
        kinds.TAG: Tag,
    },
)
# What GET shows of one of each kind, and of a translation of each translatable kind: the
# shapes a result that may be any of them takes (a batch's).
PUBLIC: kinds.Pieces[type[BaseModel]] = kinds.Pieces(
    "public shape",
    kinds.KINDS,
    {
        kinds.ARTICLE: ArticlePublic,
        kinds.ROLE: RolePublic,
        kinds.COMPARISON: ComparisonPublic,
        kinds.AUTHOR: LabelPublic,
        kinds.TAG: LabelPublic,
    },
)
TRANSLATION_PUBLIC: kinds.Pieces[type[TranslationMeta]] = kinds.Pieces(
    "translation's public shape",
    kinds.TRANSLATABLE,
    {
        kinds.ARTICLE: ArticleTranslation,
        kinds.ROLE: RoleTranslation,
        kinds.COMPARISON: ComparisonTranslation,
    },
)

__all__ = [
    "PUBLIC",
    "TABLES",
    "TRANSLATION_PUBLIC",
    "ApiKey",
    "Article",
    "ArticleAsset",
    "ArticleComparison",
    "ArticleRole",
    "ArticleTag",
    "Asset",
    "AssetBlob",
    "AuditEvent",
    "Author",
    "Comparison",
    "ComparisonCell",
    "ComparisonRow",
    "ComparisonSubject",
    "ContentChange",
    "Event",
    "IdempotencyRecord",
    "PersistedQuery",
    "PreviewLink",
    "PurgeCursor",
    "RecoveryCode",
    "Representation",
    "RepresentationKey",
    "Revision",
    "Role",
    "SearchDocument",
    "SlugRedirect",
    "Tag",
    "Translation",
    "User",
    "UserSession",
    "UserToken",
    "Webhook",
    "WebhookAttempt",
    "WebhookDelivery",
    "metadata",
]
