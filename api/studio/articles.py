"""Folio Studio's article pages: the list (search, filters, sort, keyset paging, a count),
a new article, the editor (its fields, the body as the editor's document, the workflow's
buttons as the person's role allows them, autosave under the ETag check), the preview beside
it, a preview link to share, and the history (two revisions side by side, restore one).

Each page calls the services a key's request calls, as the signed-in person (an ``Actor``
without a key): the same rules, revisions and audit trail. A form's problem is shown next to
the field it concerns, in words; a save from the editor's script answers JSON."""

import json
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Query, Request
from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic import Field as PydanticField
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, or_, select
from starlette.responses import JSONResponse, Response

from api import editing
from api.articles import as_markdown, body
from api.articles import service as articles
from api.articles.models import Article, ArticleInput, ArticleListQuery
from api.articles.prosemirror import from_doc, to_doc
from api.articles.render import render_html, render_text
from api.assets.models import Asset
from api.changes import service as change_feed
from api.comparisons.models import Comparison
from api.core import kinds, locales
from api.core.db import SessionDep
from api.core.errors import ArticleNotFound, FolioError, InvalidBody, StalePrecondition
from api.core.fields import MAX_ID
from api.core.workflow import not_trashed
from api.history import service as history
from api.labels.models import Author, Tag
from api.people.rules import Actor
from api.previews import service as previews
from api.previews.models import PreviewLinkCreate
from api.roles.models import Role
from api.studio import documents, forms, guard, media
from api.studio.pages import Person, Post, Posted, SignedIn, page, redirect
from api.trash import service as trash
from api.web.http import make_etag
from api.web.pagination import PageParams

router = APIRouter(prefix="/studio", include_in_schema=False)
Text = Annotated[str, Form(max_length=1000)]
SEO = ("meta_title", "meta_description", "canonical_url", "image")  # an article's seo
ArticleId = Annotated[int, Path(ge=1, le=MAX_ID)]
STATUSES = ("draft", "scheduled", "published")
SORTS = {
    "-updated_at": "Last edited",
    "-published_at": "Newest published",
    "title": "Title (A to Z)",
    "-created_at": "Newest created",
}
LIST_FIELDS = ("q", "status", "tag", "author", "sort", "cursor")
CHOICES = 200  # the authors and tags the list filters by
DONE = {
    **forms.DONE,
    "markdown": "Saved. You are editing the body as Markdown.",
    "rich": "Saved. You are editing the body in the rich editor.",
}
ACTIONS = (*forms.WORKFLOW, "markdown", "rich")
# Where a problem is shown.
FIELDS = ("title", "slug", "summary", "body", "publish_at", "kicker", "category",
          "reading_time_minutes", "author", "tags", "cover", *SEO)  # fmt: skip


def actor(person: SignedIn) -> Actor:
    return Actor(person.user, None)


def _may(person: SignedIn, article: Article | None = None) -> dict[str, bool]:
    """The workflow's buttons this person may use on ``article``: one they may not use is
    not shown (and the service refuses it anyway)."""
    can = set(actor(person).may())
    own = article is not None and article.owner_id == person.user.id
    return {
        "publish": "content.publish" in can or ("articles.publish-own" in can and own),
        "delete": "content.delete" in can,
        "restore": "content.restore" in can,
        "edit": "content.write" in can or own,
    }


def _find(session: Session, article_id: int) -> Article:
    article = session.exec(
        select(Article).where(Article.id == article_id, not_trashed(Article))
    ).first()
    if article is None:
        raise ArticleNotFound(f"No article {article_id}: it may have been moved to the trash.")
    return article


def _etag(session: Session, article: Article) -> str:
    room = editing.room("articles")
    return make_etag(editing.etag_body(room.kind.public(session, article)))


def _json_wanted(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


# --- The list --------------------------------------------------------------------------------


@router.get("/articles")
def article_list(request: Request, session: SessionDep, person: Person) -> Response:
    """Every article not in the trash, drafts too: words, status, tag, author, sort, pages."""
    given = request.query_params
    asked = {name: given[name] for name in LIST_FIELDS if given.get(name)}
    error = None
    try:
        query = ArticleListQuery.model_validate({"sort": "-updated_at", **asked, "count": True})
    except ValidationError as exc:
        error = "; ".join(str(e["msg"]) for e in exc.errors())
        query, asked = ArticleListQuery(sort="-updated_at", count=True), {}
    found = articles.list_articles(session, query=query, preview=True)
    context = {
        **_frame(request, person),
        "page": found,
        "asked": asked,
        "error": error,
        "done": DONE.get(request.query_params.get("done", "")),
        "trashed": request.query_params.get("trashed"),
        "may": _may(person),
        "statuses": STATUSES,
        "sorts": SORTS,
        "authors": session.exec(select(Author).order_by(col(Author.name)).limit(CHOICES)).all(),
        "tags": session.exec(select(Tag).order_by(col(Tag.name)).limit(CHOICES)).all(),
        "link": lambda **changed: _list_link(asked, changed),
    }
    return page(request, "articles.html", context, status=422 if error else 200)


def _frame(request: Request, person: SignedIn) -> dict[str, Any]:
    """What every signed-in page's frame shows: the person, their navigation, the token."""
    return {"user": person.user, "csrf": guard.session_csrf(request), "section": "articles"}


def _list_link(asked: dict[str, str], changed: dict[str, str | None]) -> str:
    query = {k: v for k, v in {**asked, **changed}.items() if v}
    return "/studio/articles" + (f"?{urlencode(query)}" if query else "")


# --- A new article -----------------------------------------------------------------------------


@router.get("/articles/new")
def new_article(request: Request, person: Person) -> Response:
    return page(request, "article-new.html", {**_frame(request, person), "errors": {}})


@router.post("/articles")
def create_article(post: Post, title: Text = "") -> Response:
    session = post.session
    try:
        data = editing.parse(ArticleInput, {"title": title})
        editing.begin(session)
        row = editing.room("articles").create(session, data, key=post.actor)
        editing.commit(session)
    except IntegrityError as exc:
        session.rollback()
        raise editing.integrity_conflict(exc, "articles", "") from exc
    except FolioError as exc:
        session.rollback()
        context = {
            **_frame(post.request, post.person),
            "errors": forms.errors_of(exc, FIELDS),
            "title": title,
        }
        return page(post.request, "article-new.html", context, status=exc.status)
    return redirect(f"/studio/articles/{row.id}?done=created")


# --- The editor --------------------------------------------------------------------------------


@router.get("/articles/{article_id}")
def edit_article(
    request: Request, session: SessionDep, person: Person, article_id: ArticleId
) -> Response:
    article = _find(session, article_id)
    markdown = request.query_params.get("mode") == "markdown"
    context = _editor(request, session, person, article, markdown=markdown)
    context["done"] = DONE.get(request.query_params.get("done", ""))
    return page(request, "article.html", context)


def _editor(
    request: Request,
    session: Session,
    person: SignedIn,
    article: Article,
    *,
    sent: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    markdown: bool = False,
) -> dict[str, Any]:
    """The editor's page: the article as stored, or as ``sent`` when a save was refused (so
    nothing typed is lost), with the refusal's ``errors`` by field; its body in the rich
    editor, or as Markdown (``markdown``) when the body makes that trip unchanged."""
    document = articles.document(session, article)
    lost = as_markdown.lost(session, article.body)
    markdown = (markdown and not lost) or (sent or {}).get("body_markdown") is not None
    values: dict[str, Any] = {
        "title": document["title"],
        "slug": document["slug"],
        "summary": document["summary"],
        "publish_at": "",
        "kicker": document["kicker"],
        "category": document["category"],
        "reading_time_minutes": document["reading_time_minutes"] or "",
        "author": document["author"] or "",
        "tags": document["tags"],
        "cover": document["cover"],
        **{name: document["seo"].get(name) for name in SEO},
    }
    if markdown:
        values["body_markdown"] = as_markdown.to_markdown(session, article.body)
    else:
        doc = to_doc(article.body, image_src=image_src)
        values["body_doc"] = json.dumps(doc, separators=(",", ":"))
    values.update(
        {k: v for k, v in (sent or {}).items() if v is not None and (v or k != "body_doc")}
    )
    if isinstance(values["cover"], str):  # as a refused form chose it
        chosen = values["cover"]
        values["cover"] = (
            int(chosen)
            if chosen.isdigit()
            else None
            if chosen == media.NO_COVER
            else document["cover"]
        )
    return {
        "markdown": markdown,
        "markdown_lost": _listed(lost) if lost else "",
        **_frame(request, person),
        "article": article,
        "status": document["status"],
        "publish_at": article.published_at,
        "values": values,
        "errors": errors or {},
        "etag": _etag(session, article) if sent is None else sent.get("etag", ""),
        "changes_since": change_feed.position(session),
        "may": _may(person, article),
        "other_locales": locales.configured()[1:],
        "translated": documents.translated(session, kinds.ARTICLE, article.id or 0),
        "authors": session.exec(select(Author).order_by(col(Author.name)).limit(CHOICES)).all(),
        "tags": session.exec(select(Tag).order_by(col(Tag.name)).limit(CHOICES)).all(),
        "covers": media.cover_choices(session, values["cover"]),
    }


def image_src(asset_id: int) -> str:
    return f"/studio/media/{asset_id}/file?w=1024"


# A form's one-line field, and a web address: every field of the editor's form is bounded.
Line = Annotated[str, PydanticField(max_length=1000)]
Address = Annotated[str, PydanticField(max_length=2000)]


class EditorForm(BaseModel):
    """The article editor's form as a browser posts it: the article's fields, what the body
    is (the editor's document, or its Markdown), the button pressed, and two parts a form may
    lack (a page older than them): the other fields (``labels``), and the cover and the
    fields for search engines (``seo``), each kept as it is when its part is missing."""

    model_config = ConfigDict(extra="ignore")

    etag: Line = ""
    title: Line = ""
    slug: Line = ""
    summary: str = PydanticField("", max_length=5000)
    # The editor's document as JSON: the body's own limits (ArticleInput) are far below this.
    body_doc: str = PydanticField("", max_length=4_000_000)
    # The body in the Markdown mode (the API's limit for ``body_markdown``).
    body_markdown: str | None = PydanticField(None, max_length=200_000)
    action: Line = "save"
    publish_at: Line = ""
    zone: Line = ""
    labels: Line = ""
    kicker: Line = ""
    category: Line = ""
    reading_time: Line = ""
    author: Line = ""
    tags: list[Annotated[str, PydanticField(max_length=120)]] = PydanticField([], max_length=20)
    seo: Line = ""
    cover: Line = ""
    meta_title: Line = ""
    meta_description: Line = ""
    canonical_url: Address = ""
    image: Address = ""

    def sent(self) -> dict[str, Any]:
        """What the form says, by the editor's field names (a missing part left out)."""
        sent = self.model_dump(include={"title", "slug", "summary", "body_doc", "body_markdown",
                                        "publish_at", "etag"})  # fmt: skip
        if self.labels:
            sent |= self.model_dump(include={"kicker", "category", "author", "tags", "labels"})
            sent["reading_time_minutes"] = self.reading_time
        if self.seo:
            sent |= self.model_dump(include={"cover", "seo", *SEO})
        return sent


@router.post("/articles/{article_id}")
def save_article(
    post: Post, article_id: ArticleId, form: Annotated[EditorForm, Form()]
) -> Response:
    """Saves the editor's fields, and does what the button said: save, publish, unpublish,
    schedule (``publish_at`` in the editor's time zone, ``zone``, stored in UTC), or save
    and go on in the other mode of the body (``markdown``, ``rich``). Under the ETag the
    editor was opened with: a save over someone else's is refused (412)."""
    request, session = post.request, post.session
    sent = form.sent()
    action, etag = form.action, form.etag
    try:
        patch = _patch(session, sent, action, form.publish_at, form.zone)
        row = editing.room("articles").update(
            session, str(article_id), patch=patch, key=post.actor, if_match=etag or None
        )
    except FolioError as exc:
        session.rollback()
        return _refused(post, article_id, exc, sent)
    if _json_wanted(request):
        answer = {"etag": _etag(session, row), "version": row.version, "status": "Saved"}
        return JSONResponse(answer, headers={"Cache-Control": "no-store"})
    if action == "markdown" and (lost := as_markdown.lost(session, row.body)):
        words = f"Saved. Markdown cannot hold {_listed(lost)}: edit this body here."
        context = _editor(request, session, post.person, row, errors={"body": words})
        return page(request, "article.html", context)
    mode = "&mode=markdown" if action == "markdown" else ""
    return redirect(f"/studio/articles/{article_id}?done={action}{mode}")


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _patch(
    session: Session, sent: dict[str, Any], action: str, publish_at: str, zone: str
) -> dict[str, Any]:
    patch: dict[str, Any] = {"title": sent["title"], "summary": sent["summary"]}
    if sent["slug"].strip():
        patch["slug"] = sent["slug"].strip()
    blocks = body_sent(session, sent)
    if blocks is not None:
        patch["body"] = blocks
    if sent.get("labels"):
        minutes = str(sent["reading_time_minutes"]).strip()
        if minutes and not (minutes.isdigit() and len(minutes) < 6):
            raise InvalidBody.at(["body", "reading_time_minutes"], "a whole number of minutes")
        patch |= {
            "kicker": sent["kicker"],
            "category": sent["category"],
            "reading_time_minutes": int(minutes) if minutes else None,
            "author": sent["author"] or None,
            "tags": sent["tags"],
        }
    if sent.get("seo"):
        patch |= media.cover_sent(sent["cover"])
        patch["seo"] = {name: sent[name].strip() or None for name in SEO}
    if action not in ACTIONS:
        raise InvalidBody.at(["body", "action"], "save, publish, unpublish or schedule")
    return patch | forms.workflow(action, publish_at, zone)


def body_sent(session: Session, sent: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The body the editor sent: its Markdown, or its document (None when it sent neither:
    the body stays as it is)."""
    if sent["body_markdown"] is not None:
        try:
            return as_markdown.from_markdown(session, sent["body_markdown"])
        except InvalidBody as exc:  # the line it names is in the body's text
            raise exc.moved(["body", "body_markdown"], ["body", "body"]) from None
    try:
        doc = json.loads(sent["body_doc"]) if sent["body_doc"] else None
    except ValueError:
        raise InvalidBody.at(["body", "body"], "the body could not be read: reload") from None
    if doc is None:
        return None
    try:
        return from_doc(doc)
    except InvalidBody as exc:  # where in the document: in the article's body
        raise exc.moved(["body"], ["body", "body"]) from None


def _refused(post: Posted, article_id: int, exc: FolioError, sent: dict[str, Any]) -> Response:
    """A refused save: JSON for the editor's script (with the version saved meanwhile, on a
    conflict), else the editor again with what was typed and the problem by its field."""
    request, session = post.request, post.session
    errors = forms.errors_of(exc, FIELDS)
    if isinstance(exc, StalePrecondition):
        errors = {"form": "Someone else saved this article since you opened it."}
    if _json_wanted(request):
        answer: dict[str, Any] = {"title": exc.title, "detail": exc.detail, "errors": errors}
        if isinstance(exc, StalePrecondition):
            answer["theirs"] = _text_now(session, article_id)
        return JSONResponse(answer, status_code=exc.status, headers={"Cache-Control": "no-store"})
    article = _find(session, article_id)
    context = _editor(request, session, post.person, article, sent=sent, errors=errors)
    if isinstance(exc, StalePrecondition):
        context["theirs"] = _text_now(session, article_id)
    return page(request, "article.html", context, status=exc.status)


def _text_now(session: Session, article_id: int) -> str:
    """The article as saved now, as plain text (what a conflict shows beside the editor's)."""
    return render_text(articles.get_article(session, str(article_id), preview=True))


@router.post("/articles/{article_id}/delete")
def delete_article(post: Post, article_id: ArticleId, etag: Text = "") -> Response:
    editing.room("articles").delete(
        post.session, str(article_id), key=post.actor, if_match=etag or None
    )
    return redirect(f"/studio/articles?done=deleted&trashed={article_id}")


@router.post("/trash/articles/{article_id}/restore")
def restore_article(post: Post, article_id: ArticleId) -> Response:
    trash.restore(post.session, "articles", article_id, key=post.actor)
    return redirect(f"/studio/articles/{article_id}?done=back")


# --- What a link, an image or an embed chooses from ----------------------------------------------

FOUND = 20  # the answers of a search in the editor's dialogs, best first
Wanted = Annotated[str, Query(max_length=200)]


@router.get("/find/{what}")
def find_choices(
    session: SessionDep,
    person: Person,
    what: Literal["links", "images", "comparisons"],
    q: Wanted = "",
) -> JSONResponse:
    """The roles and articles a link may point at, the images (described) a body may show, or
    the comparisons it may embed, whose names hold ``q`` (any case): drafts too, never the
    trash; the most recently edited first when ``q`` is empty."""
    del person
    words = q.strip()
    if what == "links":
        roles = _named(session, Role, [Role.name], words, not_trashed(Role))
        pages = _named(session, Article, [Article.title], words, not_trashed(Article))
        found = [{"value": f"role:{r.id}", "label": r.name, "kind": "role"} for r in roles]
        found += [{"value": f"article:{a.id}", "label": a.title, "kind": "article"} for a in pages]
    elif what == "images":
        described = (col(Asset.media_type).startswith("image/"), Asset.alt != "")
        shown = _named(session, Asset, [Asset.alt, Asset.filename], words, *described)
        found = [{"value": str(a.id), "label": a.alt, "src": image_src(a.id or 0)} for a in shown]
    else:
        tables = _named(session, Comparison, [Comparison.title], words, not_trashed(Comparison))
        found = [{"value": str(c.id), "label": c.title} for c in tables]
    return JSONResponse({"found": found}, headers={"Cache-Control": "no-store"})


def _named(session: Session, model: Any, names: list[Any], words: str, *where: Any) -> list[Any]:
    """Rows of ``model`` one of whose ``names`` holds ``words`` (any case), the most recently
    edited first."""
    statement = select(model).where(*where)
    if words:
        statement = statement.where(or_(*(col(n).icontains(words, autoescape=True) for n in names)))
    order = (col(model.updated_at).desc(), col(model.id))
    return list(session.exec(statement.order_by(*order).limit(FOUND)))


# --- Preview -----------------------------------------------------------------------------------


@router.get("/articles/{article_id}/preview")
def preview_article(
    request: Request,
    session: SessionDep,
    person: Person,
    article_id: ArticleId,
    beside: Annotated[bool, Query()] = False,
) -> Response:
    """The article as the public API renders it (sanitized HTML): in the editor's frame
    (``beside``), or in a tab of its own, which follows the changes to show each new save."""
    del person
    shown = articles.get_article(session, str(article_id), preview=True)
    context: dict[str, Any] = {"article": shown, "html": render_html(shown), "beside": beside}
    if not beside:
        context["changes_since"] = change_feed.position(session)
    return page(request, "preview.html", context, framed_by_self=True)


@router.post("/articles/{article_id}/preview")
def live_preview(
    post: Post, article_id: ArticleId, form: Annotated[EditorForm, Form()]
) -> Response:
    """The article as the editor has it now, saved or not (a copy, never written), rendered
    as the public API would: what the preview beside the editor shows as the editor types."""
    session = post.session
    article = _find(session, article_id)
    shown = type(article)(**article.model_dump())
    shown.title, shown.summary = form.title or article.title, form.summary
    problem = None
    try:
        sent = {"body_doc": form.body_doc, "body_markdown": form.body_markdown}
        stored = body_sent(session, sent)
        if stored is not None:
            body.check(session, body.parse(stored))
            shown.body = stored
    except (FolioError, ValidationError) as exc:
        problem = exc.detail if isinstance(exc, FolioError) else "The body cannot be shown yet."
    public = articles.to_public(session, shown, preview=True)
    context = {"article": public, "html": render_html(public), "problem": problem, "beside": True}
    return page(post.request, "preview.html", context, framed_by_self=True)


@router.post("/articles/{article_id}/share")
def share_preview(post: Post, article_id: ArticleId) -> Response:
    """A signed preview link for someone without an account (it expires)."""
    article = _find(post.session, article_id)
    made = previews.create(post.session, article, PreviewLinkCreate(), key=post.actor)
    post.session.commit()
    context = {**_frame(post.request, post.person), "article": article, "link": made}
    return page(post.request, "shared.html", context)


# --- History -----------------------------------------------------------------------------------


@router.get("/articles/{article_id}/history")
def article_history(
    request: Request, session: SessionDep, person: Person, article_id: ArticleId
) -> Response:
    """The revisions, newest first, each with Compare (against the current one, or the one
    chosen) and Restore; two compared side by side, field by field."""
    article = _find(session, article_id)
    params = PageParams(limit=50, cursor=request.query_params.get("cursor") or None)
    revisions = history.list_revisions(
        session, "articles", article.id or 0, article.slug, params=params
    )
    compared = None
    numbers = [request.query_params.get(name, "") for name in ("from", "to")]
    if all(n.isdigit() and 0 < int(n) <= MAX_ID for n in numbers):
        compared = _compare(session, article, int(numbers[0]), int(numbers[1]))
    context = {
        **_frame(request, person),
        "document": {"id": article.id, "label": article.title, "version": article.version},
        "base": f"/studio/articles/{article.id}",
        "noun": "article",
        "revisions": revisions,
        "compared": compared,
        "may": _may(person, article),
    }
    return page(request, "history.html", context)


def _compare(session: Session, article: Article, before: int, after: int) -> dict[str, Any]:
    old = history.get_revision(session, "articles", article.id or 0, before).content
    new = history.get_revision(session, "articles", article.id or 0, after).content
    rows = []
    for name in sorted(old.keys() | new.keys()):
        if old.get(name) != new.get(name):
            rows.append((name, _shown(name, old.get(name)), _shown(name, new.get(name))))
    return {"from": before, "to": after, "rows": rows}


def _shown(name: str, value: Any) -> str:
    """A field of a revision as a writer reads it: the body as its text, block by block."""
    if name == "body" and isinstance(value, list):
        return "\n\n".join(_block_text(block) for block in value)
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, indent=1)


def _block_text(block: Any) -> str:
    if not isinstance(block, dict):
        return ""
    if block.get("_type") == "block":
        return "".join(str(span.get("text", "")) for span in block.get("children", []))
    if block.get("_type") == "code":
        return str(block.get("code", ""))
    if block.get("_type") == "image":
        return f"[image: {block.get('alt', '')}]"
    return f"[{block.get('_type')}]"


@router.post("/articles/{article_id}/history/{number}/restore")
def restore_revision(
    post: Post, article_id: ArticleId, number: Annotated[int, Path(ge=1, le=MAX_ID)]
) -> Response:
    editing.room("articles").restore(
        post.session, str(article_id), number, key=post.actor, if_match=None
    )
    return redirect(f"/studio/articles/{article_id}?done=restored")
