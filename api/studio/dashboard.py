"""Folio Studio's home: what a person starts their day with. Their own drafts, what is
scheduled next, what was published lately, the documents that lack a translation in each
locale, and (for admins) the webhook deliveries that failed. A fixed number of statements
whatever the content (one a list; one a kind and locale for the translations missing)."""

from typing import Any

from sqlmodel import Session, col, func, select

from api.articles.models import Article
from api.core import kinds, locales
from api.core.workflow import Status, not_trashed
from api.models import TABLES
from api.people.models import User, UserRole
from api.translations.models import Translation
from api.webhooks.models import DeliveryStatus, Webhook, WebhookDelivery

SHOWN = 8  # items a list of the dashboard shows


def dashboard(session: Session, user: User) -> dict[str, Any]:
    """The home's lists for ``user``."""
    mine = session.exec(
        select(Article)
        .where(Article.owner_id == user.id, Article.status == Status.draft, not_trashed(Article))
        .order_by(col(Article.updated_at).desc())
        .limit(SHOWN)
    ).all()
    scheduled: list[tuple[str, Any]] = []
    for kind in kinds.WORKFLOW:
        table: Any = TABLES.of(kind)
        rows = session.exec(
            select(table)
            .where(table.status == Status.scheduled, not_trashed(table))
            .order_by(col(table.published_at))
            .limit(SHOWN)
        ).all()
        scheduled += [(kind.collection, row) for row in rows]
    scheduled.sort(key=lambda item: item[1].published_at)
    published = session.exec(
        select(Article)
        .where(Article.status == Status.published, not_trashed(Article))
        .order_by(col(Article.published_at).desc())
        .limit(SHOWN)
    ).all()
    missing = []
    for kind in kinds.TRANSLATABLE:
        table = TABLES.of(kind)
        for locale in locales.configured()[1:]:
            translated = select(Translation.resource_id).where(
                Translation.resource_type == kind.name, Translation.locale == locale
            )
            count = session.exec(
                select(func.count())
                .select_from(table)
                .where(not_trashed(table), col(table.id).not_in(translated))
            ).one()
            if count:
                missing.append({"kind": kind, "locale": locale, "count": count})
    failed: list[Any] = []
    if user.role == UserRole.admin:
        failed = list(
            session.exec(
                select(WebhookDelivery, Webhook)
                .join(Webhook, col(Webhook.id) == WebhookDelivery.webhook_id)
                .where(WebhookDelivery.status == DeliveryStatus.failed)
                .order_by(col(WebhookDelivery.id).desc())
                .limit(SHOWN)
            ).all()
        )
    return {
        "mine": mine,
        "scheduled": scheduled[:SHOWN],
        "published": published,
        "missing": missing,
        "failed": failed,
    }
