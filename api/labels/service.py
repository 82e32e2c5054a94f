"""Labels: resources that are a slug and a name (authors, tags). One implementation serves
both, so they behave alike in every respect: reads, writes, If-Match, revisions, slugs, trash.
"""

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from sqlmodel import Session, SQLModel, col, select

from api import editing
from api.articles.models import Article, ArticleTag
from api.core import kinds
from api.core.errors import AuthorNotFound, NotFound, TagNotFound
from api.core.slugs import slugify
from api.core.urls import resource_url
from api.core.workflow import not_trashed, used_by
from api.labels.models import (
    LABEL_SORTS,
    Author,
    LabelInput,
    LabelListQuery,
    LabelPublic,
    Tag,
)
from api.web import pagination
from api.web.pagination import ListParams, Page, Sortable, keyset_page, map_page

Label = TypeVar("Label", bound=SQLModel)


class Labels(Generic[Label]):
    def __init__(
        self,
        model: type[Label],
        collection: str,
        missing: type[NotFound],
        used_by: Callable[[Session, int], list[str]],
    ) -> None:
        self.model = model
        self.collection = collection
        self.missing = missing
        self.used_by = used_by
        self.sortable = Sortable.on(model, LABEL_SORTS, default="name")
        self.finder = editing.Finder(model, collection, missing)
        self.kind = editing.Kind(
            collection,
            find=lambda session, ref, lock: self.find(session, ref, for_update=lock),
            public=lambda _session, label: self.to_public(label),
            document=lambda _session, label: self.document(label),
        )
        self.writes = editing.Writes(
            self.kind,
            LabelInput,
            model,
            apply=lambda session, label, data, _key: self._apply(session, label, data),
            # Refused while an article uses it.
            used_by=lambda session, label: used_by(session, label.id),  # type: ignore[attr-defined]
        )
        self.create, self.update = self.writes.create, self.writes.update

    def find(self, session: Session, ref: str, *, for_update: bool = False) -> Label:
        # Labels have no workflow: everything not in the trash is public.
        return self.finder.find(session, ref, preview=True, for_update=for_update)

    def to_public(self, label: Any) -> LabelPublic:
        return LabelPublic.model_validate(
            label, update={"url": resource_url(self.collection, label.slug)}
        )

    def reads(self) -> editing.Reads:
        """How readers read them: everything not in the trash is public, in one locale."""
        return editing.Reads(
            LabelPublic,
            LabelPublic,
            LabelListQuery,
            one=lambda session, ref, **_: self.get(session, ref),
            many=lambda session, *, query, **_: self.list(session, params=query),
        )

    def get(self, session: Session, ref: str) -> LabelPublic:
        return self.to_public(self.find(session, ref))

    def list(
        self, session: Session, *, params: ListParams, q: str | None = None
    ) -> Page[LabelPublic]:
        """A page of the labels, those whose name holds ``q`` (any case) when given."""
        statement = select(self.model).where(not_trashed(self.model))
        if q:
            named = col(self.model.name)  # type: ignore[attr-defined]
            statement = statement.where(named.icontains(q, autoescape=True))
        page = keyset_page(session, statement, sortable=self.sortable, params=params)
        return map_page(page, lambda rows: [self.to_public(row) for row in rows])

    def listing(self, session: Session, asked: dict[str, str]) -> Page[LabelPublic]:
        """``Room.listing``: the labels whose name holds ``q``, a page at ``cursor``."""
        narrowed = {name: value for name, value in asked.items() if name != "q"}
        params = editing.parse(
            LabelListQuery, {"limit": pagination.LIST_LIMIT, **narrowed, "count": True}
        )
        return self.list(session, params=params, q=asked.get("q", "")[:200] or None)

    def document(self, label: Any) -> dict[str, Any]:
        return {"slug": label.slug, **kinds.by_collection(self.collection).values(label)}

    def _apply(self, session: Session, label: Any, data: LabelInput) -> None:
        editing.take_slug(session, self.collection, label, data)
        kinds.by_collection(self.collection).assign(label, data)

    def public_many(
        self, _session: Session, rows: Sequence[Label], **_: Any
    ) -> Sequence[LabelPublic]:
        return [self.to_public(row) for row in rows]

    def ensure(self, session: Session, *, name: str) -> Label:
        """The label with this name's slug, created when missing (flushed, not committed)."""
        label = session.exec(
            select(self.model).where(self.model.slug == slugify(name))  # type: ignore[attr-defined]
        ).first()
        if label is None:
            label = self.create(session, LabelInput(name=name), key=None)
        return label


def _authors_used_by(session: Session, author_id: int) -> list[str]:
    slugs = session.exec(
        select(Article.slug).where(Article.author_id == author_id, not_trashed(Article))
    ).all()
    return [f"articles/{slug}" for slug in slugs]


def _tags_used_by(session: Session, tag_id: int) -> list[str]:
    link = ArticleTag
    where = col(link.tag_id) == tag_id
    return used_by(session, Article, "articles", link, link.article_id, where)


authors = Labels(Author, "authors", AuthorNotFound, _authors_used_by)
tags = Labels(Tag, "tags", TagNotFound, _tags_used_by)
for _kind, _labels in ((kinds.AUTHOR, authors), (kinds.TAG, tags)):
    editing.ROOMS.register(
        _kind,
        _labels.writes.room(
            _labels.reads(), _labels.public_many, _labels.missing, listing=_labels.listing
        ),
    )
