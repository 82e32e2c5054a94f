# Generated from Folio's openapi.json by datamodel-code-generator (make openapi): do not edit.

from __future__ import annotations

from typing import Annotated, Any, Literal
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from typing_extensions import TypeAliasType


class Alternate(BaseModel):
    """
    The same resource in another locale (``hreflang``): only public ones, to readers.
    """

    locale: Annotated[str, Field(title="Locale")]
    slug: Annotated[str, Field(title="Slug")]
    url: Annotated[str, Field(title="Url")]


Author = TypeAliasType(
    "Author",
    Annotated[
        str,
        Field(
            max_length=120,
            pattern="^(?:[0-9]+-)*[0-9]*[a-z][a-z0-9]*(?:-[a-z0-9]+)*$",
            title="Author",
        ),
    ],
)
"""
An author's slug or id.
"""


Author1 = TypeAliasType("Author1", Annotated[int, Field(ge=1, le=2147483647, title="Author")])
"""
An author's slug or id.
"""


BodyMarkdown = TypeAliasType(
    "BodyMarkdown", Annotated[str, Field(max_length=200000, title="Body Markdown")]
)


Cover = TypeAliasType("Cover", Annotated[int, Field(ge=1, le=2147483647, title="Cover")])
"""
An asset (POST /v1/assets): the article's image.
"""


ReadingTimeMinutes = TypeAliasType(
    "ReadingTimeMinutes", Annotated[int, Field(ge=0, le=1000, title="Reading Time Minutes")]
)


Slug = TypeAliasType(
    "Slug",
    Annotated[
        str,
        Field(
            max_length=120,
            pattern="^(?:[0-9]+-)*[0-9]*[a-z][a-z0-9]*(?:-[a-z0-9]+)*$",
            title="Slug",
        ),
    ],
)
"""
Made from the title when left out.
"""


Tags = TypeAliasType(
    "Tags",
    Annotated[
        str, Field(max_length=120, pattern="^(?:[0-9]+-)*[0-9]*[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
    ],
)


Author2 = TypeAliasType(
    "Author2",
    Annotated[
        str,
        Field(
            max_length=120,
            pattern="^(?:[0-9]+-)*[0-9]*[a-z][a-z0-9]*(?:-[a-z0-9]+)*$",
            title="Author",
        ),
    ],
)
"""
An author's slug or id.
"""


Author3 = TypeAliasType("Author3", Annotated[int, Field(ge=1, le=2147483647, title="Author")])
"""
An author's slug or id.
"""


Category = TypeAliasType("Category", Annotated[str, Field(max_length=60, title="Category")])


Kicker = TypeAliasType("Kicker", Annotated[str, Field(max_length=60, title="Kicker")])


Summary = TypeAliasType("Summary", Annotated[str, Field(max_length=5000, title="Summary")])


Tags11 = TypeAliasType(
    "Tags11",
    Annotated[
        str, Field(max_length=120, pattern="^(?:[0-9]+-)*[0-9]*[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
    ],
)


class ArticleRef(BaseModel):
    id: Annotated[int, Field(title="Id")]
    published_at: Annotated[AwareDatetime | None, Field(title="Published At")]
    slug: Annotated[str, Field(title="Slug")]
    title: Annotated[str, Field(title="Title")]
    url: Annotated[str, Field(title="Url")]


BodyMarkdown2 = TypeAliasType(
    "BodyMarkdown2", Annotated[str, Field(max_length=200000, title="Body Markdown")]
)
"""
Markdown; its tables stay tables.
"""


MetaDescription = TypeAliasType(
    "MetaDescription", Annotated[str, Field(max_length=500, title="Meta Description")]
)


MetaTitle = TypeAliasType("MetaTitle", Annotated[str, Field(max_length=300, title="Meta Title")])


Slug2 = TypeAliasType(
    "Slug2",
    Annotated[
        str,
        Field(
            max_length=120,
            pattern="^(?:[0-9]+-)*[0-9]*[a-z][a-z0-9]*(?:-[a-z0-9]+)*$",
            title="Slug",
        ),
    ],
)
"""
Made from the translated title (or name) when left out.
"""


Alt = TypeAliasType("Alt", Annotated[str, Field(max_length=500, title="Alt")])


Filename = TypeAliasType("Filename", Annotated[str, Field(max_length=255, title="Filename")])


class AssetPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    alt: Annotated[Alt | None, Field(title="Alt")] = None
    filename: Annotated[Filename | None, Field(title="Filename")] = None


class AssetPublic(BaseModel):
    alt: Annotated[str, Field(title="Alt")]
    color: Annotated[str | None, Field(title="Color")]
    """
    Dominant colour of the image, #rrggbb: paint it while the image loads.
    """
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    filename: Annotated[str, Field(title="Filename")]
    height: Annotated[int | None, Field(title="Height")]
    id: Annotated[int, Field(title="Id")]
    media_type: Annotated[str, Field(title="Media Type")]
    """
    Read from the bytes, never from the client.
    """
    sha256: Annotated[str, Field(title="Sha256")]
    size: Annotated[int, Field(title="Size")]
    updated_at: Annotated[AwareDatetime, Field(title="Updated At")]
    url: Annotated[str, Field(title="Url")]
    """
    The file (GET it with ?w=&format= for renditions).
    """
    version: Annotated[int, Field(title="Version")]
    width: Annotated[int | None, Field(title="Width")]


class AttemptPublic(BaseModel):
    duration_ms: Annotated[int, Field(title="Duration Ms")]
    error: Annotated[str | None, Field(title="Error")]
    number: Annotated[int, Field(title="Number")]
    started_at: Annotated[AwareDatetime, Field(title="Started At")]
    status_code: Annotated[int | None, Field(title="Status Code")]


class AuditActor(BaseModel):
    key_name: Annotated[str | None, Field(title="Key Name")]
    """
    The API key of the call, if one made it.
    """
    kind: Annotated[Literal["user", "key", "cli", "anonymous"], Field(title="Kind")]
    user_email: Annotated[str | None, Field(title="User Email")]
    user_id: Annotated[int | None, Field(title="User Id")]
    """
    The person, acting themselves or by their key.
    """


class AuditObject(BaseModel):
    id: Annotated[str, Field(title="Id")]
    type: Annotated[str, Field(title="Type")]
    """
    `articles`, `users`, `keys`, `webhooks`, `sessions`, …
    """


class AuthorRef(BaseModel):
    id: Annotated[int, Field(title="Id")]
    name: Annotated[str, Field(title="Name")]
    slug: Annotated[str, Field(title="Slug")]


IfMatch = TypeAliasType(
    "IfMatch", Annotated[str, Field(max_length=512, min_length=1, title="If Match")]
)
"""
The ETag of the version changed: the operation's `If-Match`.
"""


Locale = TypeAliasType("Locale", Annotated[str, Field(max_length=35, min_length=1, title="Locale")])
"""
With a locale, the operation writes `ref`'s translation into it, as `/v1/{collection}/{ref}/translations/{locale}` would: `replace` writes it whole (made when missing: 201), `patch` merges into it, `delete` deletes it. Articles, roles and comparisons only; not with `create`.
"""


Ref = TypeAliasType("Ref", Annotated[str, Field(max_length=120, min_length=1, title="Ref")])
"""
Id or slug of what `replace`, `patch` and `delete` change (a slug an earlier operation of the batch gave works too); not sent with `create`.
"""


class BatchOperation(BaseModel):
    """
    One write, as its own request would make it: the same body, the same If-Match.
    """

    model_config = ConfigDict(extra="forbid")
    body: Annotated[dict[str, Any] | None, Field(title="Body")] = None
    """
    What the collection's POST, PUT or PATCH takes; not sent with `delete`.
    """
    collection: Annotated[
        Literal["articles", "roles", "comparisons", "authors", "tags"], Field(title="Collection")
    ]
    if_match: Annotated[IfMatch | None, Field(title="If Match")] = None
    """
    The ETag of the version changed: the operation's `If-Match`.
    """
    locale: Annotated[Locale | None, Field(title="Locale")] = None
    """
    With a locale, the operation writes `ref`'s translation into it, as `/v1/{collection}/{ref}/translations/{locale}` would: `replace` writes it whole (made when missing: 201), `patch` merges into it, `delete` deletes it. Articles, roles and comparisons only; not with `create`.
    """
    op: Annotated[Literal["create", "replace", "patch", "delete"], Field(title="Op")]
    ref: Annotated[Ref | None, Field(title="Ref")] = None
    """
    Id or slug of what `replace`, `patch` and `delete` change (a slug an earlier operation of the batch gave works too); not sent with `create`.
    """


FieldKey = TypeAliasType(
    "FieldKey", Annotated[str, Field(pattern="^[A-Za-z0-9_-]{1,64}$", title="Key")]
)


class BreakBlock(BaseModel):
    """
    A thematic break (``---`` in Markdown).
    """

    model_config = ConfigDict(extra="forbid")
    field_key: Annotated[FieldKey | None, Field(alias="_key", title="Key")] = None
    field_type: Annotated[Literal["break"], Field(alias="_type", title="Type")]


Note = TypeAliasType("Note", Annotated[str, Field(max_length=2000, title="Note")])


SourceUrl = TypeAliasType(
    "SourceUrl",
    Annotated[
        str,
        Field(max_length=2000, pattern="^https?://[^\\x00-\\x20\\x7f-\\x9f]+$", title="Source Url"),
    ],
)


class CellInput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: Annotated[Note | None, Field(title="Note")] = None
    source_url: Annotated[SourceUrl | None, Field(title="Source Url")] = None
    text: Annotated[str, Field(max_length=5000, title="Text")]


class CellPublic(BaseModel):
    note: Annotated[str | None, Field(title="Note")] = None
    source_url: Annotated[str | None, Field(title="Source Url")] = None
    text: Annotated[str, Field(title="Text")]


class Change(BaseModel):
    changed_at: Annotated[AwareDatetime, Field(title="Changed At")]
    deleted: Annotated[bool, Field(title="Deleted")]
    """
    A tombstone: remove it from your copy.
    """
    id: Annotated[int, Field(title="Id")]
    locale: Annotated[str, Field(title="Locale")]
    """
    The locale that changed: the default (the resource itself) or one of its translations'; a translation's `resource` is the resource in that locale.
    """
    resource: Annotated[dict[str, Any] | None, Field(title="Resource")]
    """
    Its current public form; null if gone.
    """
    slug: Annotated[str, Field(title="Slug")]
    type: Annotated[str, Field(title="Type")]
    """
    The collection: articles, roles, comparisons, authors, tags.
    """
    url: Annotated[str, Field(title="Url")]
    version: Annotated[int, Field(title="Version")]


class ChangesPage(BaseModel):
    data: Annotated[list[Change], Field(title="Data")]
    links: Annotated[dict[str, str | None], Field(title="Links")]
    meta: Annotated[dict[str, Any], Field(title="Meta")]


Language = TypeAliasType(
    "Language", Annotated[str, Field(pattern="^[A-Za-z0-9_+.#-]{1,40}$", title="Language")]
)


class CodeBlock(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field_key: Annotated[FieldKey | None, Field(alias="_key", title="Key")] = None
    field_type: Annotated[Literal["code"], Field(alias="_type", title="Type")]
    code: Annotated[str, Field(max_length=100000, title="Code")]
    language: Annotated[Language | None, Field(title="Language")] = None


ComparisonId = TypeAliasType(
    "ComparisonId", Annotated[int, Field(ge=1, le=2147483647, title="Comparison Id")]
)
"""
The comparison (or ``comparison``).
"""


Slug4 = TypeAliasType(
    "Slug4",
    Annotated[
        str,
        Field(
            max_length=120,
            pattern="^(?:[0-9]+-)*[0-9]*[a-z][a-z0-9]*(?:-[a-z0-9]+)*$",
            title="Slug",
        ),
    ],
)
"""
Made from the title when left out.
"""


Subjects = TypeAliasType(
    "Subjects",
    Annotated[
        str, Field(max_length=120, pattern="^(?:[0-9]+-)*[0-9]*[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
    ],
)


Subjects1 = TypeAliasType("Subjects1", Annotated[int, Field(ge=1, le=2147483647)])


DimensionLabel = TypeAliasType(
    "DimensionLabel", Annotated[str, Field(max_length=100, min_length=1, title="Dimension Label")]
)


Subjects2 = TypeAliasType(
    "Subjects2",
    Annotated[
        str, Field(max_length=120, pattern="^(?:[0-9]+-)*[0-9]*[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
    ],
)


Subjects3 = TypeAliasType("Subjects3", Annotated[int, Field(ge=1, le=2147483647)])


class ComparisonRef(BaseModel):
    id: Annotated[int, Field(title="Id")]
    slug: Annotated[str, Field(title="Slug")]
    title: Annotated[str, Field(title="Title")]
    url: Annotated[str, Field(title="Url")]


DimensionLabel1 = TypeAliasType(
    "DimensionLabel1", Annotated[str, Field(max_length=100, title="Dimension Label")]
)


Slug6 = TypeAliasType(
    "Slug6",
    Annotated[
        str,
        Field(
            max_length=120,
            pattern="^(?:[0-9]+-)*[0-9]*[a-z][a-z0-9]*(?:-[a-z0-9]+)*$",
            title="Slug",
        ),
    ],
)
"""
Made from the translated title (or name) when left out.
"""


class FieldChange(BaseModel):
    after: Annotated[Any, Field(title="After")]
    before: Annotated[Any, Field(title="Before")]
    field: Annotated[str, Field(title="Field")]


class Health(BaseModel):
    status: Annotated[str, Field(title="Status")]


class ImageAsset(BaseModel):
    """
    What a frontend needs to lay an uploaded image out: its size, its dominant colour (to
    paint while it loads), and renditions for ``srcset``.
    """

    alt: Annotated[str, Field(title="Alt")]
    """
    The asset's alternative text.
    """
    color: Annotated[str | None, Field(title="Color")]
    """
    Dominant colour of the image, #rrggbb: paint it while the image loads.
    """
    height: Annotated[int | None, Field(title="Height")]
    id: Annotated[int, Field(title="Id")]
    media_type: Annotated[str, Field(title="Media Type")]
    size: Annotated[int, Field(title="Size")]
    """
    Bytes of the file.
    """
    srcset: Annotated[str, Field(title="Srcset")]
    """
    WebP renditions for <img srcset>, by width.
    """
    url: Annotated[str, Field(title="Url")]
    width: Annotated[int | None, Field(title="Width")]


AssetId = TypeAliasType("AssetId", Annotated[int, Field(ge=1, le=2147483647, title="Asset Id")])


Url = TypeAliasType(
    "Url",
    Annotated[
        str, Field(max_length=2000, pattern="^https?://[^\\x00-\\x20\\x7f-\\x9f]+$", title="Url")
    ],
)


class ImageBlockPublic(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field_key: Annotated[str, Field(alias="_key", title="Key")]
    field_type: Annotated[Literal["image"], Field(alias="_type", title="Type")]
    alt: Annotated[str, Field(title="Alt")]
    asset: ImageAsset | None
    caption: Annotated[str, Field(title="Caption")]
    credit: Annotated[str, Field(title="Credit")]
    url: Annotated[str, Field(title="Url")]
    """
    The image: the asset's file, or the URL it was given.
    """


class ImportResult(BaseModel):
    imported: Annotated[dict[str, int], Field(title="Imported")]


class InvitationAccept(BaseModel):
    model_config = ConfigDict(extra="forbid")
    password: Annotated[str, Field(max_length=256, min_length=1, title="Password")]
    """
    12 to 256 characters, any; refused when it is the email or a common one.
    """
    token: Annotated[str, Field(max_length=200, min_length=1, title="Token")]
    """
    From the link.
    """


ExpiresInDays = TypeAliasType(
    "ExpiresInDays", Annotated[int, Field(ge=1, le=3650, title="Expires In Days")]
)


UserId = TypeAliasType("UserId", Annotated[int, Field(ge=1, le=2147483647, title="User Id")])
"""
Whose key it is (an admin may make one for anyone); default: yours.
"""


Slug8 = TypeAliasType(
    "Slug8",
    Annotated[
        str,
        Field(
            max_length=120,
            pattern="^(?:[0-9]+-)*[0-9]*[a-z][a-z0-9]*(?:-[a-z0-9]+)*$",
            title="Slug",
        ),
    ],
)
"""
Made from the name when left out.
"""


class LabelInput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    created_at: Annotated[Any | None, Field(title="Created At")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    id: Annotated[Any | None, Field(title="Id")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    name: Annotated[
        str,
        Field(max_length=200, min_length=1, pattern="[^\\s\\x1c-\\x1f\\x85\\ufeff]", title="Name"),
    ]
    published_at: Annotated[Any | None, Field(title="Published At")] = None
    """
    Read-only (as publish_at when that is not sent): sent back as read, it is ignored.
    """
    slug: Annotated[Slug8 | None, Field(title="Slug")] = None
    """
    Made from the name when left out.
    """
    updated_at: Annotated[Any | None, Field(title="Updated At")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    url: Annotated[Any | None, Field(title="Url")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    version: Annotated[Any | None, Field(title="Version")] = None
    """
    Read-only (If-Match guards a write): sent back as read, it is ignored.
    """


class LabelPatch(BaseModel):
    """
    A JSON merge patch (RFC 7396): the fields to change, every one optional; null removes a field that may be empty.
    """

    model_config = ConfigDict(extra="forbid")
    created_at: Any = None
    id: Any = None
    name: Annotated[
        str | None,
        Field(max_length=200, min_length=1, pattern="[^\\s\\x1c-\\x1f\\x85\\ufeff]", title="Name"),
    ] = None
    published_at: Any = None
    slug: Annotated[Slug8 | None, Field(title="Slug")] = None
    """
    Made from the name when left out.
    """
    updated_at: Any = None
    url: Any = None
    version: Any = None


class LabelPublic(BaseModel):
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    id: Annotated[int, Field(title="Id")]
    name: Annotated[str, Field(title="Name")]
    slug: Annotated[str, Field(title="Slug")]
    updated_at: Annotated[AwareDatetime, Field(title="Updated At")]
    url: Annotated[str, Field(title="Url")]
    version: Annotated[int, Field(title="Version")]


ArticleId = TypeAliasType(
    "ArticleId", Annotated[int, Field(ge=1, le=2147483647, title="Article Id")]
)


Href = TypeAliasType(
    "Href",
    Annotated[
        str,
        Field(
            max_length=2000,
            pattern="^(?:(?:https?://|mailto:|#)[^\\x00-\\x20\\x7f-\\x9f]*|/(?:[^/\\\\\\x00-\\x20\\x7f-\\x9f][^\\x00-\\x20\\x7f-\\x9f]*)?)$",
            title="Href",
        ),
    ],
)


RoleId = TypeAliasType("RoleId", Annotated[int, Field(ge=1, le=2147483647, title="Role Id")])


Title = TypeAliasType("Title", Annotated[str, Field(max_length=300, title="Title")])


class ListLinks(BaseModel):
    next: Annotated[str | None, Field(title="Next")]
    prev: Annotated[str | None, Field(title="Prev")]
    self: Annotated[str, Field(title="Self")]


class ListMeta(BaseModel):
    limit: Annotated[int, Field(title="Limit")]
    next_cursor: Annotated[str | None, Field(title="Next Cursor")]
    prev_cursor: Annotated[str | None, Field(title="Prev Cursor")]
    total: Annotated[int | None, Field(title="Total")] = None


class OEmbed(BaseModel):
    """
    oEmbed 1.0 (oembed.com): `rich` (an iframe) for a comparison, `link` for an article.
    """

    model_config = ConfigDict(extra="allow")
    author_name: Annotated[str | None, Field(title="Author Name")] = None
    author_url: Annotated[str | None, Field(title="Author Url")] = None
    cache_age: Annotated[int, Field(title="Cache Age")]
    height: Annotated[int | None, Field(title="Height")] = None
    html: Annotated[str | None, Field(title="Html")] = None
    provider_name: Annotated[str, Field(title="Provider Name")]
    provider_url: Annotated[str, Field(title="Provider Url")]
    thumbnail_height: Annotated[int | None, Field(title="Thumbnail Height")] = None
    thumbnail_url: Annotated[str | None, Field(title="Thumbnail Url")] = None
    thumbnail_width: Annotated[int | None, Field(title="Thumbnail Width")] = None
    title: Annotated[str, Field(title="Title")]
    type: Annotated[Literal["rich", "link"], Field(title="Type")]
    version: Annotated[Literal["1.0"], Field(title="Version")]
    width: Annotated[int | None, Field(title="Width")] = None


class PasswordLink(BaseModel):
    expires_at: Annotated[AwareDatetime, Field(title="Expires At")]
    mailed: Annotated[bool, Field(title="Mailed")]
    """
    Whether it was mailed to the person (FOLIO_SMTP_URL).
    """
    url: Annotated[str, Field(title="Url")]
    """
    The single-use link; shown once.
    """


ExpiresInSeconds = TypeAliasType(
    "ExpiresInSeconds", Annotated[int, Field(ge=60, le=2592000, title="Expires In Seconds")]
)
"""
Lifetime; FOLIO_PREVIEW_TTL (an hour) when not sent.
"""


Locale1 = TypeAliasType("Locale1", Annotated[str, Field(max_length=35, title="Locale")])
"""
The locale it shows (its translation, drafts included): one of FOLIO_LOCALES; the default when not sent.
"""


class PreviewLinkCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    expires_in_seconds: Annotated[ExpiresInSeconds | None, Field(title="Expires In Seconds")] = None
    """
    Lifetime; FOLIO_PREVIEW_TTL (an hour) when not sent.
    """
    locale: Annotated[Locale1 | None, Field(title="Locale")] = None
    """
    The locale it shows (its translation, drafts included): one of FOLIO_LOCALES; the default when not sent.
    """


class PreviewLinkCreated(BaseModel):
    article_id: Annotated[int, Field(title="Article Id")]
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    created_by: Annotated[str | None, Field(title="Created By")]
    expires_at: Annotated[AwareDatetime, Field(title="Expires At")]
    id: Annotated[int, Field(title="Id")]
    locale: Annotated[str | None, Field(title="Locale")]
    revoked_at: Annotated[AwareDatetime | None, Field(title="Revoked At")]
    token: Annotated[str, Field(title="Token")]
    """
    Shown once: the `preview` query parameter.
    """
    url: Annotated[str, Field(title="Url")]
    """
    The article's URL with the token: share this.
    """


class PreviewLinkPublic(BaseModel):
    article_id: Annotated[int, Field(title="Article Id")]
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    created_by: Annotated[str | None, Field(title="Created By")]
    expires_at: Annotated[AwareDatetime, Field(title="Expires At")]
    id: Annotated[int, Field(title="Id")]
    locale: Annotated[str | None, Field(title="Locale")]
    revoked_at: Annotated[AwareDatetime | None, Field(title="Revoked At")]


class ProblemError(BaseModel):
    """
    One thing wrong with the request: where (``loc``: body, query, path or header, then
    the field names and list positions) and what.
    """

    loc: Annotated[list[str | int], Field(examples=[["body", "title"]], title="Loc")]
    msg: Annotated[str, Field(examples=["String should have at least 1 character"], title="Msg")]


Slug10 = TypeAliasType(
    "Slug10",
    Annotated[
        str,
        Field(
            max_length=120,
            pattern="^(?:[0-9]+-)*[0-9]*[a-z][a-z0-9]*(?:-[a-z0-9]+)*$",
            title="Slug",
        ),
    ],
)


class Reference(BaseModel):
    """
    A related resource as a document shows it: its ``id`` is what a write keeps.
    """

    model_config = ConfigDict(extra="allow")
    id: Annotated[int, Field(ge=1, le=2147483647, title="Id")]
    slug: Annotated[Slug10 | None, Field(title="Slug")] = None


ArticleId1 = TypeAliasType("ArticleId1", Annotated[int, Field(ge=1, le=2147483647)])


Articles = TypeAliasType(
    "Articles", Annotated[list[Reference], Field(max_length=50, title="Articles")]
)
"""
As a document shows it (its id is article_ids): accepted back.
"""


class RelatedBlock(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field_key: Annotated[FieldKey | None, Field(alias="_key", title="Key")] = None
    field_type: Annotated[Literal["related"], Field(alias="_type", title="Type")]
    article_ids: Annotated[list[ArticleId1] | None, Field(max_length=50, title="Article Ids")] = (
        None
    )
    articles: Annotated[Articles | None, Field(title="Articles")] = None
    """
    As a document shows it (its id is article_ids): accepted back.
    """


class RelatedBlockPublic(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field_key: Annotated[str, Field(alias="_key", title="Key")]
    field_type: Annotated[Literal["related"], Field(alias="_type", title="Type")]
    articles: Annotated[list[ArticleRef], Field(title="Articles")]


class RevisionDiff(BaseModel):
    changes: Annotated[list[FieldChange], Field(title="Changes")]
    from_number: Annotated[int, Field(title="From Number")]
    patch: Annotated[str, Field(title="Patch")]
    """
    A unified diff of the two contents as indented JSON.
    """
    to_number: Annotated[int, Field(title="To Number")]


class RevisionPublic(BaseModel):
    action: Annotated[str, Field(title="Action")]
    content: Annotated[dict[str, Any], Field(title="Content")]
    """
    The whole editable content at that version.
    """
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    key_name: Annotated[str | None, Field(title="Key Name")]
    """
    The API key that made it, if a key did.
    """
    number: Annotated[int, Field(title="Number")]
    url: Annotated[str, Field(title="Url")]
    user_id: Annotated[int | None, Field(title="User Id")]
    """
    The person who made it (themselves or by a key).
    """
    user_name: Annotated[str | None, Field(title="User Name")]


class RevisionSummary(BaseModel):
    action: Annotated[str, Field(title="Action")]
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    key_name: Annotated[str | None, Field(title="Key Name")]
    """
    The API key that made it, if a key did.
    """
    number: Annotated[int, Field(title="Number")]
    url: Annotated[str, Field(title="Url")]
    user_id: Annotated[int | None, Field(title="User Id")]
    """
    The person who made it (themselves or by a key).
    """
    user_name: Annotated[str | None, Field(title="User Name")]


RoleId1 = TypeAliasType("RoleId1", Annotated[int, Field(ge=1, le=2147483647, title="Role Id")])
"""
The role (or ``role``, as read).
"""


class RoleDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field_key: Annotated[FieldKey | None, Field(alias="_key", title="Key")] = None
    definition: Annotated[str, Field(max_length=20000, title="Definition")]
    role: Reference | None = None
    """
    As a document shows it (its id is role_id): accepted back.
    """
    role_id: Annotated[RoleId1 | None, Field(title="Role Id")] = None
    """
    The role (or ``role``, as read).
    """
    term: Annotated[str, Field(max_length=300, title="Term")]


class RoleDefinitionsBlock(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field_key: Annotated[FieldKey | None, Field(alias="_key", title="Key")] = None
    field_type: Annotated[Literal["role_definitions"], Field(alias="_type", title="Type")]
    items: Annotated[list[RoleDefinition], Field(max_length=50, min_length=1, title="Items")]


Alias = TypeAliasType(
    "Alias",
    Annotated[str, Field(max_length=200, min_length=1, pattern="[^\\s\\x1c-\\x1f\\x85\\ufeff]")],
)


Cover2 = TypeAliasType("Cover2", Annotated[int, Field(ge=1, le=2147483647, title="Cover")])
"""
An asset (POST /v1/assets): the role's image.
"""


Slug11 = TypeAliasType(
    "Slug11",
    Annotated[
        str,
        Field(
            max_length=120,
            pattern="^(?:[0-9]+-)*[0-9]*[a-z][a-z0-9]*(?:-[a-z0-9]+)*$",
            title="Slug",
        ),
    ],
)
"""
Made from the name when left out.
"""


Aliases = TypeAliasType("Aliases", Annotated[list[Alias], Field(max_length=20, title="Aliases")])


Definition = TypeAliasType(
    "Definition", Annotated[str, Field(max_length=20000, title="Definition")]
)


class RoleRef(BaseModel):
    id: Annotated[int, Field(title="Id")]
    name: Annotated[str, Field(title="Name")]
    slug: Annotated[str, Field(title="Slug")]
    url: Annotated[str, Field(title="Url")]


Slug13 = TypeAliasType(
    "Slug13",
    Annotated[
        str,
        Field(
            max_length=120,
            pattern="^(?:[0-9]+-)*[0-9]*[a-z][a-z0-9]*(?:-[a-z0-9]+)*$",
            title="Slug",
        ),
    ],
)
"""
Made from the translated title (or name) when left out.
"""


Aliases1Item = TypeAliasType(
    "Aliases1Item",
    Annotated[str, Field(max_length=200, min_length=1, pattern="[^\\s\\x1c-\\x1f\\x85\\ufeff]")],
)


Aliases1 = TypeAliasType(
    "Aliases1", Annotated[list[Aliases1Item], Field(max_length=20, title="Aliases")]
)


Cells = TypeAliasType("Cells", Annotated[str, Field(max_length=5000)])


Position = TypeAliasType("Position", Annotated[int, Field(ge=0, le=10000, title="Position")])
"""
Where to insert it; last by default.
"""


class RowCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cells: Annotated[dict[str, Cells | CellInput] | None, Field(max_length=20, title="Cells")] = (
        None
    )
    dimension: Annotated[
        str,
        Field(
            max_length=200, min_length=1, pattern="[^\\s\\x1c-\\x1f\\x85\\ufeff]", title="Dimension"
        ),
    ]
    position: Annotated[Position | None, Field(title="Position")] = None
    """
    Where to insert it; last by default.
    """


Id = TypeAliasType("Id", Annotated[int, Field(ge=1, le=2147483647, title="Id")])
"""
An existing row to keep (and keep its id).
"""


class RowInput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cells: Annotated[dict[str, Cells | CellInput] | None, Field(max_length=20, title="Cells")] = (
        None
    )
    """
    Keyed by subject role slug; a plain string is the cell's text.
    """
    dimension: Annotated[
        str,
        Field(
            max_length=200, min_length=1, pattern="[^\\s\\x1c-\\x1f\\x85\\ufeff]", title="Dimension"
        ),
    ]
    id: Annotated[Id | None, Field(title="Id")] = None
    """
    An existing row to keep (and keep its id).
    """
    position: Annotated[Any | None, Field(title="Position")] = None
    """
    Read-only (the order of rows is their position): sent back as read, it is ignored.
    """


Dimension = TypeAliasType(
    "Dimension",
    Annotated[
        str,
        Field(
            max_length=200, min_length=1, pattern="[^\\s\\x1c-\\x1f\\x85\\ufeff]", title="Dimension"
        ),
    ],
)


Position1 = TypeAliasType("Position1", Annotated[int, Field(ge=0, le=10000, title="Position")])
"""
Moves the row.
"""


class RowPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cells: Annotated[dict[str, Cells | CellInput | None] | None, Field(title="Cells")] = None
    dimension: Annotated[Dimension | None, Field(title="Dimension")] = None
    position: Annotated[Position1 | None, Field(title="Position")] = None
    """
    Moves the row.
    """


class RowPublic(BaseModel):
    cells: Annotated[dict[str, CellPublic], Field(title="Cells")]
    """
    One cell per subject, keyed by role slug.
    """
    dimension: Annotated[str, Field(title="Dimension")]
    id: Annotated[int, Field(title="Id")]
    position: Annotated[int, Field(title="Position")]


CellsAdditionalProperty = TypeAliasType(
    "CellsAdditionalProperty", Annotated[str, Field(max_length=2000)]
)


Dimension1 = TypeAliasType(
    "Dimension1", Annotated[str, Field(max_length=200, min_length=1, title="Dimension")]
)


class RowTranslation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cells: Annotated[
        dict[str, CellsAdditionalProperty] | None, Field(max_length=50, title="Cells")
    ] = None
    """
    Cell text by role slug (each a subject of the comparison).
    """
    dimension: Annotated[Dimension1 | None, Field(title="Dimension")] = None
    id: Annotated[int, Field(ge=1, le=2147483647, title="Id")]
    """
    The row (`rows[].id` of the comparison).
    """


class SearchHit(BaseModel):
    id: Annotated[int, Field(title="Id")]
    locale: Annotated[str, Field(title="Locale")]
    """
    The locale of the document that matched.
    """
    score: Annotated[float, Field(title="Score")]
    """
    Higher is more relevant.
    """
    slug: Annotated[str, Field(title="Slug")]
    snippet: Annotated[str, Field(title="Snippet")]
    """
    HTML-escaped text around the match, matches in <mark>.
    """
    title: Annotated[str, Field(title="Title")]
    type: Annotated[str, Field(title="Type")]
    url: Annotated[str, Field(title="Url")]


class Seo(BaseModel):
    """
    What search engines and link previews should show; each falls back to the article.
    """

    canonical_url: Annotated[str, Field(title="Canonical Url")]
    """
    The article's page on the site, unless set.
    """
    image: Annotated[str | None, Field(title="Image")]
    meta_description: Annotated[str, Field(title="Meta Description")]
    """
    The summary, unless set.
    """
    meta_title: Annotated[str, Field(title="Meta Title")]
    """
    The title, unless set.
    """


CanonicalUrl = TypeAliasType(
    "CanonicalUrl",
    Annotated[
        str,
        Field(
            max_length=2000, pattern="^https?://[^\\x00-\\x20\\x7f-\\x9f]+$", title="Canonical Url"
        ),
    ],
)


Image = TypeAliasType(
    "Image",
    Annotated[
        str, Field(max_length=2000, pattern="^https?://[^\\x00-\\x20\\x7f-\\x9f]+$", title="Image")
    ],
)


class SeoInput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    canonical_url: Annotated[CanonicalUrl | None, Field(title="Canonical Url")] = None
    image: Annotated[Image | None, Field(title="Image")] = None
    meta_description: Annotated[MetaDescription | None, Field(title="Meta Description")] = None
    meta_title: Annotated[MetaTitle | None, Field(title="Meta Title")] = None


class SessionsEnded(BaseModel):
    ended: Annotated[int, Field(title="Ended")]
    """
    How many live sessions ended.
    """


class SideBySide(BaseModel):
    """
    One dimension on which two roles are compared, and where the comparison is.
    """

    cells: Annotated[dict[str, CellPublic], Field(title="Cells")]
    """
    The two roles' cells, keyed by slug.
    """
    comparison: ComparisonRef
    dimension: Annotated[str, Field(title="Dimension")]
    row_id: Annotated[int, Field(title="Row Id")]


Id1 = TypeAliasType("Id1", Annotated[int, Field(ge=1, le=2147483647, title="Id")])


class SlugReference(BaseModel):
    """
    A related resource named by slug (a tag) as a document shows it: its ``slug`` counts.
    """

    model_config = ConfigDict(extra="allow")
    id: Annotated[Id1 | None, Field(title="Id")] = None
    slug: Annotated[
        str,
        Field(
            max_length=120,
            pattern="^(?:[0-9]+-)*[0-9]*[a-z][a-z0-9]*(?:-[a-z0-9]+)*$",
            title="Slug",
        ),
    ]


Mark = TypeAliasType("Mark", Annotated[str, Field(pattern="^[A-Za-z0-9_-]{1,64}$")])


class Span(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field_key: Annotated[FieldKey | None, Field(alias="_key", title="Key")] = None
    field_type: Annotated[Literal["span"], Field(alias="_type", title="Type")]
    marks: Annotated[list[Mark] | None, Field(max_length=20, title="Marks")] = None
    text: Annotated[str, Field(max_length=20000, title="Text")]


Position2 = TypeAliasType("Position2", Annotated[int, Field(ge=0, le=10000, title="Position")])
"""
Column to insert at; last by default.
"""


Role = TypeAliasType(
    "Role",
    Annotated[
        str,
        Field(
            max_length=120,
            pattern="^(?:[0-9]+-)*[0-9]*[a-z][a-z0-9]*(?:-[a-z0-9]+)*$",
            title="Role",
        ),
    ],
)


Role1 = TypeAliasType("Role1", Annotated[int, Field(ge=1, le=2147483647, title="Role")])


class SubjectCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    position: Annotated[Position2 | None, Field(title="Position")] = None
    """
    Column to insert at; last by default.
    """
    role: Annotated[Role | Role1, Field(title="Role")]


class TagRef(BaseModel):
    id: Annotated[int, Field(title="Id")]
    name: Annotated[str, Field(title="Name")]
    slug: Annotated[str, Field(title="Slug")]


Level = TypeAliasType("Level", Annotated[int, Field(ge=1, le=8, title="Level")])
"""
Nesting of a list item, from 1.
"""


class TranslationSummary(BaseModel):
    """
    One locale of a resource, in the list of its translations.
    """

    locale: Annotated[str, Field(title="Locale")]
    published_at: Annotated[AwareDatetime | None, Field(title="Published At")]
    slug: Annotated[str, Field(title="Slug")]
    status: Annotated[
        Literal["draft", "scheduled", "published", "archived"],
        Field(examples=["published"], title="Status"),
    ]
    updated_at: Annotated[AwareDatetime, Field(title="Updated At")]
    url: Annotated[str, Field(title="Url")]
    version: Annotated[int, Field(title="Version")]


class Translations(BaseModel):
    """
    Every translation of a resource, drafts included, by locale.
    """

    data: Annotated[list[TranslationSummary], Field(title="Data")]


class TrashItem(BaseModel):
    deleted_at: Annotated[AwareDatetime, Field(title="Deleted At")]
    id: Annotated[int, Field(title="Id")]
    slug: Annotated[str, Field(title="Slug")]
    title: Annotated[str, Field(title="Title")]
    type: Annotated[str, Field(title="Type")]
    url: Annotated[str, Field(title="Url")]


AuthorId = TypeAliasType("AuthorId", Annotated[int, Field(ge=1, le=2147483647, title="Author Id")])
"""
The author whose byline they sign.
"""


Name = TypeAliasType("Name", Annotated[str, Field(max_length=200, min_length=1, title="Name")])
"""
Shown in the audit trail, on revisions and in the studio.
"""


Event = TypeAliasType(
    "Event",
    Annotated[
        str,
        Field(
            pattern="^(article\\.created|article\\.published|article\\.updated|article\\.unpublished|article\\.deleted|role\\.created|role\\.published|role\\.updated|role\\.unpublished|role\\.deleted|comparison\\.created|comparison\\.published|comparison\\.updated|comparison\\.unpublished|comparison\\.deleted|author\\.created|author\\.published|author\\.updated|author\\.unpublished|author\\.deleted|tag\\.created|tag\\.published|tag\\.updated|tag\\.unpublished|tag\\.deleted)$"
        ),
    ],
)


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    description: Annotated[str | None, Field(max_length=500, title="Description")] = ""
    enabled: Annotated[bool | None, Field(title="Enabled")] = True
    events: Annotated[list[Event], Field(max_length=25, min_length=1, title="Events")]
    url: Annotated[
        str,
        Field(
            max_length=2000,
            pattern="^https?://[^\\x00-\\x20\\x7f-\\x9f/]+[^\\x00-\\x20\\x7f-\\x9f]*$",
            title="Url",
        ),
    ]


class WebhookCreated(BaseModel):
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    description: Annotated[str, Field(title="Description")]
    disabled_reason: Annotated[str | None, Field(title="Disabled Reason")]
    enabled: Annotated[bool, Field(title="Enabled")]
    events: Annotated[list[str], Field(title="Events")]
    failures_in_a_row: Annotated[int, Field(title="Failures In A Row")]
    id: Annotated[int, Field(title="Id")]
    secret: Annotated[str, Field(title="Secret")]
    """
    whsec_…: verify signatures with it. Shown once.
    """
    updated_at: Annotated[AwareDatetime, Field(title="Updated At")]
    url: Annotated[str, Field(title="Url")]
    version: Annotated[int, Field(title="Version")]


class WebhookPublic(BaseModel):
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    description: Annotated[str, Field(title="Description")]
    disabled_reason: Annotated[str | None, Field(title="Disabled Reason")]
    enabled: Annotated[bool, Field(title="Enabled")]
    events: Annotated[list[str], Field(title="Events")]
    failures_in_a_row: Annotated[int, Field(title="Failures In A Row")]
    id: Annotated[int, Field(title="Id")]
    updated_at: Annotated[AwareDatetime, Field(title="Updated At")]
    url: Annotated[str, Field(title="Url")]
    version: Annotated[int, Field(title="Version")]


class WebhookTestResult(BaseModel):
    """
    What a webhook's receiver answered a test delivery (``webhook.test``), sent once.
    """

    delivered: Annotated[bool, Field(title="Delivered")]
    """
    The receiver answered 2xx.
    """
    duration_ms: Annotated[int, Field(title="Duration Ms")]
    error: Annotated[str | None, Field(title="Error")]
    """
    What went wrong, when it did.
    """
    status_code: Annotated[int | None, Field(title="Status Code")]
    """
    Its status code, when it answered.
    """


Tags1 = TypeAliasType(
    "Tags1", Annotated[list[Tags11 | SlugReference], Field(max_length=20, title="Tags")]
)


class AuditEntry(BaseModel):
    action: Annotated[
        Literal[
            "sign-in",
            "sign-in-failed",
            "sign-out",
            "session-ended",
            "user-created",
            "user-changed",
            "user-disabled",
            "role-changed",
            "password-changed",
            "two-factor-changed",
            "key-created",
            "key-revoked",
            "create",
            "publish",
            "unpublish",
            "schedule",
            "delete",
            "restore",
            "purge",
            "webhook-changed",
        ],
        Field(title="Action"),
    ]
    actor: AuditActor
    address: Annotated[str | None, Field(title="Address")]
    """
    The client's address.
    """
    at: Annotated[AwareDatetime, Field(title="At")]
    detail: Annotated[dict[str, Any], Field(title="Detail")]
    """
    What changed (a role's before and after, …).
    """
    id: Annotated[int, Field(title="Id")]
    object: AuditObject | None
    request_id: Annotated[str | None, Field(title="Request Id")]
    """
    The X-Request-ID of the call that did it.
    """


class BatchInput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    operations: Annotated[
        list[BatchOperation], Field(max_length=100, min_length=1, title="Operations")
    ]


class ComparisonBlock(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field_key: Annotated[FieldKey | None, Field(alias="_key", title="Key")] = None
    field_type: Annotated[Literal["comparison"], Field(alias="_type", title="Type")]
    comparison: Reference | None = None
    """
    As a document shows it (its id is comparison_id): accepted back.
    """
    comparison_id: Annotated[ComparisonId | None, Field(title="Comparison Id")] = None
    """
    The comparison (or ``comparison``).
    """


class ComparisonInput(BaseModel):
    """
    A comparison as written by POST and PUT (and, after merging, PATCH).
    """

    model_config = ConfigDict(extra="forbid")
    created_at: Annotated[Any | None, Field(title="Created At")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    dimension_label: Annotated[
        str | None, Field(max_length=100, min_length=1, title="Dimension Label")
    ] = "Dimension"
    fallback: Annotated[Any | None, Field(title="Fallback")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    id: Annotated[Any | None, Field(title="Id")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    locale: Annotated[Any | None, Field(title="Locale")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    publish_at: Annotated[AwareDatetime | None, Field(title="Publish At")] = None
    published_at: Annotated[Any | None, Field(title="Published At")] = None
    """
    Read-only (as publish_at when that is not sent): sent back as read, it is ignored.
    """
    rows: Annotated[list[RowInput] | None, Field(max_length=200, title="Rows")] = None
    slug: Annotated[Slug4 | None, Field(title="Slug")] = None
    """
    Made from the title when left out.
    """
    status: Annotated[
        Literal["draft", "scheduled", "published", "archived"] | None,
        Field(examples=["published"], title="Status"),
    ] = "draft"
    subjects: Annotated[
        list[Subjects | Subjects1 | Reference], Field(max_length=20, min_length=1, title="Subjects")
    ]
    """
    Roles by slug or id, in column order.
    """
    title: Annotated[str, Field(max_length=300, min_length=1, title="Title")]
    translations: Annotated[Any | None, Field(title="Translations")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    updated_at: Annotated[Any | None, Field(title="Updated At")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    url: Annotated[Any | None, Field(title="Url")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    version: Annotated[Any | None, Field(title="Version")] = None
    """
    Read-only (If-Match guards a write): sent back as read, it is ignored.
    """


Rows = TypeAliasType("Rows", Annotated[list[RowInput], Field(max_length=200, title="Rows")])


class ComparisonPatch(BaseModel):
    """
    A JSON merge patch (RFC 7396): the fields to change, every one optional; null removes a field that may be empty.
    """

    model_config = ConfigDict(extra="forbid")
    created_at: Any = None
    dimension_label: DimensionLabel | None = None
    fallback: Any = None
    id: Any = None
    locale: Any = None
    publish_at: Annotated[AwareDatetime | None, Field(title="Publish At")] = None
    published_at: Any = None
    rows: Rows | None = None
    slug: Annotated[Slug4 | None, Field(title="Slug")] = None
    """
    Made from the title when left out.
    """
    status: Literal["draft", "scheduled", "published", "archived"] | None = None
    subjects: Annotated[
        list[Subjects2 | Subjects3 | Reference] | None,
        Field(max_length=20, min_length=1, title="Subjects"),
    ] = None
    """
    Roles by slug or id, in column order.
    """
    title: Annotated[str | None, Field(max_length=300, min_length=1, title="Title")] = None
    translations: Any = None
    updated_at: Any = None
    url: Any = None
    version: Any = None


class ComparisonTranslation(BaseModel):
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    dimension_label: Annotated[str | None, Field(title="Dimension Label")] = None
    id: Annotated[int, Field(title="Id")]
    locale: Annotated[str, Field(title="Locale")]
    published_at: Annotated[AwareDatetime | None, Field(title="Published At")]
    resource_id: Annotated[int, Field(title="Resource Id")]
    """
    The article, role or comparison.
    """
    rows: Annotated[list[RowTranslation], Field(title="Rows")]
    slug: Annotated[str, Field(title="Slug")]
    status: Annotated[
        Literal["draft", "scheduled", "published", "archived"],
        Field(examples=["published"], title="Status"),
    ]
    title: Annotated[str, Field(title="Title")]
    updated_at: Annotated[AwareDatetime, Field(title="Updated At")]
    url: Annotated[str, Field(title="Url")]
    """
    The resource in this locale.
    """
    version: Annotated[int, Field(title="Version")]


class ComparisonTranslationInput(BaseModel):
    """
    A comparison's words in a locale: title, dimension label, each row's dimension and
    cells (a row or cell left out shows the default locale's).
    """

    model_config = ConfigDict(extra="forbid")
    created_at: Annotated[Any | None, Field(title="Created At")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    dimension_label: Annotated[DimensionLabel1 | None, Field(title="Dimension Label")] = None
    id: Annotated[Any | None, Field(title="Id")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    locale: Annotated[Any | None, Field(title="Locale")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    publish_at: Annotated[AwareDatetime | None, Field(title="Publish At")] = None
    """
    When a scheduled translation becomes public; its date otherwise.
    """
    published_at: Annotated[Any | None, Field(title="Published At")] = None
    """
    Read-only (as publish_at when that is not sent): sent back as read, it is ignored.
    """
    resource_id: Annotated[Any | None, Field(title="Resource Id")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    rows: Annotated[list[RowTranslation] | None, Field(max_length=200, title="Rows")] = None
    slug: Annotated[Slug6 | None, Field(title="Slug")] = None
    """
    Made from the translated title (or name) when left out.
    """
    status: Annotated[
        Literal["draft", "scheduled", "published", "archived"] | None,
        Field(examples=["published"], title="Status"),
    ] = "draft"
    title: Annotated[str, Field(max_length=300, min_length=1, title="Title")]
    updated_at: Annotated[Any | None, Field(title="Updated At")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    url: Annotated[Any | None, Field(title="Url")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    version: Annotated[Any | None, Field(title="Version")] = None
    """
    Read-only (If-Match guards a write): sent back as read, it is ignored.
    """


Rows1 = TypeAliasType("Rows1", Annotated[list[RowTranslation], Field(max_length=200, title="Rows")])


class ComparisonTranslationPatch(BaseModel):
    """
    A JSON merge patch (RFC 7396): the fields to change, every one optional; null removes a field that may be empty.
    """

    model_config = ConfigDict(extra="forbid")
    created_at: Any = None
    dimension_label: Annotated[DimensionLabel1 | None, Field(title="Dimension Label")] = None
    id: Any = None
    locale: Any = None
    publish_at: Annotated[AwareDatetime | None, Field(title="Publish At")] = None
    """
    When a scheduled translation becomes public; its date otherwise.
    """
    published_at: Any = None
    resource_id: Any = None
    rows: Rows1 | None = None
    slug: Annotated[Slug6 | None, Field(title="Slug")] = None
    """
    Made from the translated title (or name) when left out.
    """
    status: Literal["draft", "scheduled", "published", "archived"] | None = None
    title: Annotated[str | None, Field(max_length=300, min_length=1, title="Title")] = None
    updated_at: Any = None
    url: Any = None
    version: Any = None


class DeliveryPublic(BaseModel):
    attempts: Annotated[list[AttemptPublic], Field(title="Attempts")]
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    delivered_at: Annotated[AwareDatetime | None, Field(title="Delivered At")]
    event_id: Annotated[int, Field(title="Event Id")]
    event_type: Annotated[str, Field(title="Event Type")]
    id: Annotated[int, Field(title="Id")]
    next_attempt_at: Annotated[AwareDatetime | None, Field(title="Next Attempt At")]
    status: Annotated[
        Literal["pending", "delivered", "failed"],
        Field(examples=["pending"], title="DeliveryStatus"),
    ]


class ImageBlock(BaseModel):
    """
    An image: an uploaded asset (``asset_id``) or one on the web (``url``).
    """

    model_config = ConfigDict(extra="forbid")
    field_key: Annotated[FieldKey | None, Field(alias="_key", title="Key")] = None
    field_type: Annotated[Literal["image"], Field(alias="_type", title="Type")]
    alt: Annotated[str | None, Field(max_length=500, title="Alt")] = ""
    asset: Reference | None = None
    """
    As a document shows it (its id is asset_id): accepted back.
    """
    asset_id: Annotated[AssetId | None, Field(title="Asset Id")] = None
    caption: Annotated[str | None, Field(max_length=1000, title="Caption")] = ""
    credit: Annotated[str | None, Field(max_length=300, title="Credit")] = ""
    url: Annotated[Url | None, Field(title="Url")] = None


class KeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    expires_in_days: Annotated[ExpiresInDays | None, Field(title="Expires In Days")] = None
    name: Annotated[
        str,
        Field(max_length=100, min_length=1, pattern="^[A-Za-z0-9][A-Za-z0-9 ._-]*$", title="Name"),
    ]
    scope: Annotated[Literal["read", "write", "admin"], Field(examples=["read"], title="Scope")]
    user_id: Annotated[UserId | None, Field(title="User Id")] = None
    """
    Whose key it is (an admin may make one for anyone); default: yours.
    """


class KeyCreated(BaseModel):
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    expires_at: Annotated[AwareDatetime | None, Field(title="Expires At")]
    id: Annotated[int, Field(title="Id")]
    name: Annotated[str, Field(title="Name")]
    prefix: Annotated[str, Field(title="Prefix")]
    """
    The start of the token, to recognise it; not a secret.
    """
    revoked_at: Annotated[AwareDatetime | None, Field(title="Revoked At")]
    scope: Annotated[Literal["read", "write", "admin"], Field(examples=["read"], title="Scope")]
    token: Annotated[str, Field(title="Token")]
    """
    The key itself. Shown once: only its hash is stored.
    """
    user_id: Annotated[int | None, Field(title="User Id")]
    """
    The person it belongs to; it never does more.
    """


class KeyPublic(BaseModel):
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    expires_at: Annotated[AwareDatetime | None, Field(title="Expires At")]
    id: Annotated[int, Field(title="Id")]
    name: Annotated[str, Field(title="Name")]
    prefix: Annotated[str, Field(title="Prefix")]
    """
    The start of the token, to recognise it; not a secret.
    """
    revoked_at: Annotated[AwareDatetime | None, Field(title="Revoked At")]
    scope: Annotated[Literal["read", "write", "admin"], Field(examples=["read"], title="Scope")]
    user_id: Annotated[int | None, Field(title="User Id")]
    """
    The person it belongs to; it never does more.
    """


class Link(BaseModel):
    """
    A ``link`` annotation as written: to a URL, a role or an article (exactly one).
    """

    model_config = ConfigDict(extra="forbid")
    field_key: Annotated[str, Field(alias="_key", pattern="^[A-Za-z0-9_-]{1,64}$", title="Key")]
    field_type: Annotated[Literal["link"], Field(alias="_type", title="Type")]
    article: Reference | None = None
    """
    As a document shows it (its id is article_id): accepted back.
    """
    article_id: Annotated[ArticleId | None, Field(title="Article Id")] = None
    href: Annotated[Href | None, Field(title="Href")] = None
    role: Reference | None = None
    """
    As a document shows it (its id is role_id): accepted back.
    """
    role_id: Annotated[RoleId | None, Field(title="Role Id")] = None
    title: Annotated[Title | None, Field(title="Title")] = None


class LinkPublic(BaseModel):
    """
    A ``link`` annotation as read: ``href`` always (the page on the site for a role or an
    article), with the role or the article it names.
    """

    model_config = ConfigDict(extra="forbid")
    field_key: Annotated[str, Field(alias="_key", title="Key")]
    field_type: Annotated[Literal["link"], Field(alias="_type", title="Type")]
    article: ArticleRef | None = None
    href: Annotated[str, Field(title="Href")]
    role: RoleRef | None = None
    title: Annotated[str | None, Field(title="Title")] = None


class ListEnvelopeAssetPublic(BaseModel):
    data: Annotated[list[AssetPublic], Field(title="Data")]
    links: ListLinks
    meta: ListMeta


class ListEnvelopeAuditEntry(BaseModel):
    data: Annotated[list[AuditEntry], Field(title="Data")]
    links: ListLinks
    meta: ListMeta


class ListEnvelopeDeliveryPublic(BaseModel):
    data: Annotated[list[DeliveryPublic], Field(title="Data")]
    links: ListLinks
    meta: ListMeta


class ListEnvelopeKeyPublic(BaseModel):
    data: Annotated[list[KeyPublic], Field(title="Data")]
    links: ListLinks
    meta: ListMeta


class ListEnvelopeLabelPublic(BaseModel):
    data: Annotated[list[LabelPublic], Field(title="Data")]
    links: ListLinks
    meta: ListMeta


class ListEnvelopePreviewLinkPublic(BaseModel):
    data: Annotated[list[PreviewLinkPublic], Field(title="Data")]
    links: ListLinks
    meta: ListMeta


class ListEnvelopeRevisionSummary(BaseModel):
    data: Annotated[list[RevisionSummary], Field(title="Data")]
    links: ListLinks
    meta: ListMeta


class ListEnvelopeRowPublic(BaseModel):
    data: Annotated[list[RowPublic], Field(title="Data")]
    links: ListLinks
    meta: ListMeta


class ListEnvelopeSearchHit(BaseModel):
    data: Annotated[list[SearchHit], Field(title="Data")]
    links: ListLinks
    meta: ListMeta


class ListEnvelopeTrashItem(BaseModel):
    data: Annotated[list[TrashItem], Field(title="Data")]
    links: ListLinks
    meta: ListMeta


class ListEnvelopeWebhookPublic(BaseModel):
    data: Annotated[list[WebhookPublic], Field(title="Data")]
    links: ListLinks
    meta: ListMeta


class Problem(BaseModel):
    """
    Every error: RFC 9457 problem details, as ``application/problem+json``.
    """

    detail: Annotated[str, Field(examples=["No article with id or slug 'nope'."], title="Detail")]
    errors: Annotated[list[ProblemError] | None, Field(title="Errors")] = None
    """
    Each invalid field, for 422 (and 400 where it can say).
    """
    instance: Annotated[str, Field(examples=["/v1/articles/nope"], title="Instance")]
    """
    The request's path.
    """
    operation: Annotated[int | None, Field(title="Operation")] = None
    """
    `POST /v1/batch` only: the index of the operation that failed (nothing of the batch was written).
    """
    status: Annotated[int, Field(examples=[404], title="Status")]
    title: Annotated[str, Field(examples=["Article not found"], title="Title")]
    type: Annotated[str, Field(examples=["urn:folio:problem:not-found"], title="Type")]
    """
    `urn:folio:problem:{code}`, one per kind of error (`about:blank` for errors of HTTP itself).
    """


class RoleComparison(BaseModel):
    dimensions: Annotated[list[SideBySide], Field(title="Dimensions")]
    roles: Annotated[list[RoleRef], Field(title="Roles")]


class RoleDefinitionPublic(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field_key: Annotated[str, Field(alias="_key", title="Key")]
    definition: Annotated[str, Field(title="Definition")]
    role: RoleRef
    term: Annotated[str, Field(title="Term")]


class RoleDefinitionsBlockPublic(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field_key: Annotated[str, Field(alias="_key", title="Key")]
    field_type: Annotated[Literal["role_definitions"], Field(alias="_type", title="Type")]
    items: Annotated[list[RoleDefinitionPublic], Field(title="Items")]


class RoleInput(BaseModel):
    """
    A role as written by POST and PUT (and, after merging, PATCH).
    """

    model_config = ConfigDict(extra="forbid")
    aliases: Annotated[list[Alias] | None, Field(max_length=20, title="Aliases")] = None
    articles: Annotated[Any | None, Field(title="Articles")] = None
    """
    Read-only (the articles that name the role): sent back as read, it is ignored.
    """
    comparisons: Annotated[Any | None, Field(title="Comparisons")] = None
    """
    Read-only (the comparisons of the role): sent back as read, it is ignored.
    """
    cover: Annotated[Cover2 | Reference | None, Field(title="Cover")] = None
    """
    An asset (POST /v1/assets): the role's image.
    """
    created_at: Annotated[Any | None, Field(title="Created At")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    definition: Annotated[str | None, Field(max_length=20000, title="Definition")] = ""
    fallback: Annotated[Any | None, Field(title="Fallback")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    id: Annotated[Any | None, Field(title="Id")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    locale: Annotated[Any | None, Field(title="Locale")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    name: Annotated[
        str,
        Field(max_length=200, min_length=1, pattern="[^\\s\\x1c-\\x1f\\x85\\ufeff]", title="Name"),
    ]
    publish_at: Annotated[AwareDatetime | None, Field(title="Publish At")] = None
    """
    When a scheduled role becomes public; the publication date otherwise.
    """
    published_at: Annotated[Any | None, Field(title="Published At")] = None
    """
    Read-only (as publish_at when that is not sent): sent back as read, it is ignored.
    """
    slug: Annotated[Slug11 | None, Field(title="Slug")] = None
    """
    Made from the name when left out.
    """
    status: Annotated[
        Literal["draft", "scheduled", "published", "archived"] | None,
        Field(examples=["published"], title="Status"),
    ] = "draft"
    translations: Annotated[Any | None, Field(title="Translations")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    updated_at: Annotated[Any | None, Field(title="Updated At")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    url: Annotated[Any | None, Field(title="Url")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    version: Annotated[Any | None, Field(title="Version")] = None
    """
    Read-only (If-Match guards a write): sent back as read, it is ignored.
    """


class RoleListItem(BaseModel):
    aliases: Annotated[list[str], Field(title="Aliases")]
    cover: ImageAsset | None
    """
    The role's image, an uploaded asset.
    """
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    definition: Annotated[str, Field(title="Definition")]
    fallback: Annotated[bool, Field(title="Fallback")]
    """
    Whether that is not the locale asked for.
    """
    id: Annotated[int, Field(title="Id")]
    locale: Annotated[str, Field(title="Locale")]
    """
    The locale of what is shown (FOLIO_LOCALES).
    """
    name: Annotated[str, Field(title="Name")]
    published_at: Annotated[AwareDatetime | None, Field(title="Published At")]
    slug: Annotated[str, Field(title="Slug")]
    status: Annotated[
        Literal["draft", "scheduled", "published", "archived"],
        Field(examples=["published"], title="Status"),
    ]
    translations: Annotated[list[Alternate], Field(title="Translations")]
    """
    The role in every other locale it has.
    """
    updated_at: Annotated[AwareDatetime, Field(title="Updated At")]
    url: Annotated[str, Field(title="Url")]
    version: Annotated[int, Field(title="Version")]


class RolePatch(BaseModel):
    """
    A JSON merge patch (RFC 7396): the fields to change, every one optional; null removes a field that may be empty.
    """

    model_config = ConfigDict(extra="forbid")
    aliases: Aliases | None = None
    articles: Any = None
    comparisons: Any = None
    cover: Annotated[Cover2 | Reference | None, Field(title="Cover")] = None
    """
    An asset (POST /v1/assets): the role's image.
    """
    created_at: Any = None
    definition: Definition | None = None
    fallback: Any = None
    id: Any = None
    locale: Any = None
    name: Annotated[
        str | None,
        Field(max_length=200, min_length=1, pattern="[^\\s\\x1c-\\x1f\\x85\\ufeff]", title="Name"),
    ] = None
    publish_at: Annotated[AwareDatetime | None, Field(title="Publish At")] = None
    """
    When a scheduled role becomes public; the publication date otherwise.
    """
    published_at: Any = None
    slug: Annotated[Slug11 | None, Field(title="Slug")] = None
    """
    Made from the name when left out.
    """
    status: Literal["draft", "scheduled", "published", "archived"] | None = None
    translations: Any = None
    updated_at: Any = None
    url: Any = None
    version: Any = None


class RolePublic(BaseModel):
    aliases: Annotated[list[str], Field(title="Aliases")]
    articles: Annotated[list[ArticleRef], Field(title="Articles")]
    """
    Published articles that mention it.
    """
    comparisons: Annotated[list[ComparisonRef], Field(title="Comparisons")]
    """
    Comparisons that have this role as a subject.
    """
    cover: ImageAsset | None
    """
    The role's image, an uploaded asset.
    """
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    definition: Annotated[str, Field(title="Definition")]
    fallback: Annotated[bool, Field(title="Fallback")]
    """
    Whether that is not the locale asked for.
    """
    id: Annotated[int, Field(title="Id")]
    locale: Annotated[str, Field(title="Locale")]
    """
    The locale of what is shown (FOLIO_LOCALES).
    """
    name: Annotated[str, Field(title="Name")]
    published_at: Annotated[AwareDatetime | None, Field(title="Published At")]
    slug: Annotated[str, Field(title="Slug")]
    status: Annotated[
        Literal["draft", "scheduled", "published", "archived"],
        Field(examples=["published"], title="Status"),
    ]
    translations: Annotated[list[Alternate], Field(title="Translations")]
    """
    The role in every other locale it has.
    """
    updated_at: Annotated[AwareDatetime, Field(title="Updated At")]
    url: Annotated[str, Field(title="Url")]
    version: Annotated[int, Field(title="Version")]


class RoleTranslation(BaseModel):
    aliases: Annotated[list[str], Field(title="Aliases")]
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    definition: Annotated[str, Field(title="Definition")]
    id: Annotated[int, Field(title="Id")]
    locale: Annotated[str, Field(title="Locale")]
    name: Annotated[str, Field(title="Name")]
    published_at: Annotated[AwareDatetime | None, Field(title="Published At")]
    resource_id: Annotated[int, Field(title="Resource Id")]
    """
    The article, role or comparison.
    """
    slug: Annotated[str, Field(title="Slug")]
    status: Annotated[
        Literal["draft", "scheduled", "published", "archived"],
        Field(examples=["published"], title="Status"),
    ]
    updated_at: Annotated[AwareDatetime, Field(title="Updated At")]
    url: Annotated[str, Field(title="Url")]
    """
    The resource in this locale.
    """
    version: Annotated[int, Field(title="Version")]


class RoleTranslationInput(BaseModel):
    """
    A role's words in a locale: its name, definition and other names.
    """

    model_config = ConfigDict(extra="forbid")
    aliases: Annotated[list[Alias] | None, Field(max_length=20, title="Aliases")] = None
    created_at: Annotated[Any | None, Field(title="Created At")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    definition: Annotated[str | None, Field(max_length=20000, title="Definition")] = ""
    id: Annotated[Any | None, Field(title="Id")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    locale: Annotated[Any | None, Field(title="Locale")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    name: Annotated[
        str,
        Field(max_length=200, min_length=1, pattern="[^\\s\\x1c-\\x1f\\x85\\ufeff]", title="Name"),
    ]
    publish_at: Annotated[AwareDatetime | None, Field(title="Publish At")] = None
    """
    When a scheduled translation becomes public; its date otherwise.
    """
    published_at: Annotated[Any | None, Field(title="Published At")] = None
    """
    Read-only (as publish_at when that is not sent): sent back as read, it is ignored.
    """
    resource_id: Annotated[Any | None, Field(title="Resource Id")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    slug: Annotated[Slug13 | None, Field(title="Slug")] = None
    """
    Made from the translated title (or name) when left out.
    """
    status: Annotated[
        Literal["draft", "scheduled", "published", "archived"] | None,
        Field(examples=["published"], title="Status"),
    ] = "draft"
    updated_at: Annotated[Any | None, Field(title="Updated At")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    url: Annotated[Any | None, Field(title="Url")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    version: Annotated[Any | None, Field(title="Version")] = None
    """
    Read-only (If-Match guards a write): sent back as read, it is ignored.
    """


class RoleTranslationPatch(BaseModel):
    """
    A JSON merge patch (RFC 7396): the fields to change, every one optional; null removes a field that may be empty.
    """

    model_config = ConfigDict(extra="forbid")
    aliases: Aliases1 | None = None
    created_at: Any = None
    definition: Definition | None = None
    id: Any = None
    locale: Any = None
    name: Annotated[
        str | None,
        Field(max_length=200, min_length=1, pattern="[^\\s\\x1c-\\x1f\\x85\\ufeff]", title="Name"),
    ] = None
    publish_at: Annotated[AwareDatetime | None, Field(title="Publish At")] = None
    """
    When a scheduled translation becomes public; its date otherwise.
    """
    published_at: Any = None
    resource_id: Any = None
    slug: Annotated[Slug13 | None, Field(title="Slug")] = None
    """
    Made from the translated title (or name) when left out.
    """
    status: Literal["draft", "scheduled", "published", "archived"] | None = None
    updated_at: Any = None
    url: Any = None
    version: Any = None


class TableCell(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field_key: Annotated[FieldKey | None, Field(alias="_key", title="Key")] = None
    children: Annotated[list[Span] | None, Field(max_length=200, title="Children")] = None
    markDefs: Annotated[list[Link] | None, Field(max_length=20, title="Markdefs")] = None


class TableCellPublic(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field_key: Annotated[FieldKey | None, Field(alias="_key", title="Key")] = None
    children: Annotated[list[Span] | None, Field(max_length=200, title="Children")] = None
    markDefs: Annotated[list[LinkPublic] | None, Field(title="Markdefs")] = None


class TableRow(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field_key: Annotated[FieldKey | None, Field(alias="_key", title="Key")] = None
    cells: Annotated[list[TableCell], Field(max_length=30, min_length=1, title="Cells")]


class TableRowPublic(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field_key: Annotated[str, Field(alias="_key", title="Key")]
    cells: Annotated[list[TableCellPublic], Field(title="Cells")]


class TextBlock(BaseModel):
    """
    A block of text as written.
    """

    model_config = ConfigDict(extra="forbid")
    field_key: Annotated[FieldKey | None, Field(alias="_key", title="Key")] = None
    field_type: Annotated[Literal["block"], Field(alias="_type", title="Type")]
    checked: Annotated[bool | None, Field(title="Checked")] = None
    """
    A task list item: done or not.
    """
    children: Annotated[list[Span], Field(max_length=1000, min_length=1, title="Children")]
    level: Annotated[Level | None, Field(title="Level")] = None
    """
    Nesting of a list item, from 1.
    """
    listItem: Annotated[Literal["bullet", "number"] | None, Field(title="Listitem")] = None
    markDefs: Annotated[list[Link] | None, Field(max_length=100, title="Markdefs")] = None
    style: Annotated[
        Literal["normal", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"] | None,
        Field(title="Style"),
    ] = "normal"


class TextBlockPublic(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field_key: Annotated[FieldKey | None, Field(alias="_key", title="Key")] = None
    field_type: Annotated[Literal["block"], Field(alias="_type", title="Type")]
    checked: Annotated[bool | None, Field(title="Checked")] = None
    """
    A task list item: done or not.
    """
    children: Annotated[list[Span], Field(max_length=1000, min_length=1, title="Children")]
    level: Annotated[Level | None, Field(title="Level")] = None
    """
    Nesting of a list item, from 1.
    """
    listItem: Annotated[Literal["bullet", "number"] | None, Field(title="Listitem")] = None
    markDefs: Annotated[list[LinkPublic] | None, Field(title="Markdefs")] = None
    style: Annotated[
        Literal["normal", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"] | None,
        Field(title="Style"),
    ] = "normal"


class UserCreate(BaseModel):
    """
    A person to invite: they choose their own password through the link the answer holds.
    """

    model_config = ConfigDict(extra="forbid")
    author_id: Annotated[AuthorId | None, Field(title="Author Id")] = None
    email: Annotated[str, Field(max_length=254, title="Email")]
    """
    Where the person is reached; unique whatever its case.
    """
    name: Annotated[str, Field(max_length=200, min_length=1, title="Name")]
    """
    Shown in the audit trail, on revisions and in the studio.
    """
    role: Annotated[
        Literal["contributor", "author", "editor", "admin"],
        Field(examples=["admin"], title="UserRole"),
    ]
    """
    What a person may do, each role including the ones before it.
    """


class UserInvited(BaseModel):
    author_id: Annotated[int | None, Field(title="Author Id")]
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    disabled: Annotated[bool, Field(title="Disabled")]
    email: Annotated[str, Field(title="Email")]
    id: Annotated[int, Field(title="Id")]
    invitation_expires_at: Annotated[AwareDatetime, Field(title="Invitation Expires At")]
    invitation_mailed: Annotated[bool, Field(title="Invitation Mailed")]
    """
    Whether it was mailed (FOLIO_SMTP_URL).
    """
    invitation_url: Annotated[str, Field(title="Invitation Url")]
    """
    A single-use link to choose a password; shown once, expires.
    """
    last_sign_in_at: Annotated[AwareDatetime | None, Field(title="Last Sign In At")]
    name: Annotated[str, Field(title="Name")]
    role: Annotated[
        Literal["contributor", "author", "editor", "admin"],
        Field(examples=["admin"], title="UserRole"),
    ]
    """
    What a person may do, each role including the ones before it.
    """
    two_factor: Annotated[bool, Field(title="Two Factor")]
    """
    Whether the person signs in with a second factor.
    """


class UserPatch(BaseModel):
    """
    What an admin changes of a person; a field left out stays as it is.
    """

    model_config = ConfigDict(extra="forbid")
    author_id: Annotated[AuthorId | None, Field(title="Author Id")] = None
    disabled: Annotated[bool | None, Field(title="Disabled")] = None
    name: Annotated[Name | None, Field(title="Name")] = None
    role: Literal["contributor", "author", "editor", "admin"] | None = None


class UserPublic(BaseModel):
    author_id: Annotated[int | None, Field(title="Author Id")]
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    disabled: Annotated[bool, Field(title="Disabled")]
    email: Annotated[str, Field(title="Email")]
    id: Annotated[int, Field(title="Id")]
    last_sign_in_at: Annotated[AwareDatetime | None, Field(title="Last Sign In At")]
    name: Annotated[str, Field(title="Name")]
    role: Annotated[
        Literal["contributor", "author", "editor", "admin"],
        Field(examples=["admin"], title="UserRole"),
    ]
    """
    What a person may do, each role including the ones before it.
    """
    two_factor: Annotated[bool, Field(title="Two Factor")]
    """
    Whether the person signs in with a second factor.
    """


class ComparisonListItem(BaseModel):
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    dimension_label: Annotated[str, Field(title="Dimension Label")]
    fallback: Annotated[bool, Field(title="Fallback")]
    id: Annotated[int, Field(title="Id")]
    locale: Annotated[str, Field(title="Locale")]
    published_at: Annotated[AwareDatetime | None, Field(title="Published At")]
    row_count: Annotated[int, Field(title="Row Count")]
    slug: Annotated[str, Field(title="Slug")]
    status: Annotated[
        Literal["draft", "scheduled", "published", "archived"],
        Field(examples=["published"], title="Status"),
    ]
    subjects: Annotated[list[RoleRef | RoleListItem], Field(title="Subjects")]
    title: Annotated[str, Field(title="Title")]
    translations: Annotated[list[Alternate], Field(title="Translations")]
    updated_at: Annotated[AwareDatetime, Field(title="Updated At")]
    url: Annotated[str, Field(title="Url")]
    version: Annotated[int, Field(title="Version")]


class ComparisonPublic(BaseModel):
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    dimension_label: Annotated[str, Field(title="Dimension Label")]
    fallback: Annotated[bool, Field(title="Fallback")]
    """
    Whether that is not the locale asked for.
    """
    id: Annotated[int, Field(title="Id")]
    locale: Annotated[str, Field(title="Locale")]
    """
    The locale of what is shown (FOLIO_LOCALES).
    """
    published_at: Annotated[AwareDatetime | None, Field(title="Published At")]
    rows: Annotated[list[RowPublic], Field(title="Rows")]
    """
    Dimensions, in row order.
    """
    slug: Annotated[str, Field(title="Slug")]
    status: Annotated[
        Literal["draft", "scheduled", "published", "archived"],
        Field(examples=["published"], title="Status"),
    ]
    subjects: Annotated[list[RoleRef | RoleListItem], Field(title="Subjects")]
    """
    The compared roles, in column order (whole with include=roles).
    """
    title: Annotated[str, Field(title="Title")]
    translations: Annotated[list[Alternate], Field(title="Translations")]
    """
    The comparison in every other locale it has.
    """
    updated_at: Annotated[AwareDatetime, Field(title="Updated At")]
    url: Annotated[str, Field(title="Url")]
    version: Annotated[int, Field(title="Version")]


class ListEnvelopeComparisonListItem(BaseModel):
    data: Annotated[list[ComparisonListItem], Field(title="Data")]
    links: ListLinks
    meta: ListMeta


class ListEnvelopeRoleListItem(BaseModel):
    data: Annotated[list[RoleListItem], Field(title="Data")]
    links: ListLinks
    meta: ListMeta


class ListEnvelopeUserPublic(BaseModel):
    data: Annotated[list[UserPublic], Field(title="Data")]
    links: ListLinks
    meta: ListMeta


class Me(BaseModel):
    key_name: Annotated[str | None, Field(title="Key Name")]
    """
    The API key of this call, if a key made it.
    """
    may: Annotated[list[str], Field(title="May")]
    """
    What the caller may do now, by ability name.
    """
    scope: Annotated[str | None, Field(title="Scope")]
    """
    That key's scope.
    """
    user: UserPublic | None
    """
    The person the caller acts for; null for a key made before people existed (the first admin claims it).
    """


class TableBlock(BaseModel):
    """
    A table that compares no roles (one that does is a comparison); the first row is its
    header.
    """

    model_config = ConfigDict(extra="forbid")
    field_key: Annotated[FieldKey | None, Field(alias="_key", title="Key")] = None
    field_type: Annotated[Literal["table"], Field(alias="_type", title="Type")]
    align: Annotated[
        list[Literal["left", "center", "right"] | None] | None, Field(max_length=30, title="Align")
    ] = None
    rows: Annotated[list[TableRow], Field(max_length=500, min_length=1, title="Rows")]


class TableBlockPublic(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field_key: Annotated[str, Field(alias="_key", title="Key")]
    field_type: Annotated[Literal["table"], Field(alias="_type", title="Type")]
    align: Annotated[list[Literal["left", "center", "right"] | None], Field(title="Align")]
    rows: Annotated[list[TableRowPublic], Field(title="Rows")]


class ArticleListItem(BaseModel):
    author: Annotated[AuthorRef | LabelPublic | None, Field(title="Author")]
    """
    Whole with include=author.
    """
    category: Annotated[str, Field(title="Category")]
    comparisons: Annotated[list[ComparisonRef | ComparisonPublic], Field(title="Comparisons")]
    """
    Whole (rows and cells) with include=comparisons.
    """
    cover: ImageAsset | None
    """
    The article's image, an uploaded asset.
    """
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    fallback: Annotated[bool, Field(title="Fallback")]
    """
    Whether that is not the locale asked for (it has no public translation).
    """
    id: Annotated[int, Field(title="Id")]
    kicker: Annotated[str, Field(title="Kicker")]
    locale: Annotated[str, Field(title="Locale")]
    """
    The locale of what is shown (FOLIO_LOCALES).
    """
    published_at: Annotated[AwareDatetime | None, Field(title="Published At")]
    reading_time_minutes: Annotated[int | None, Field(title="Reading Time Minutes")]
    roles: Annotated[list[RoleRef | RoleListItem], Field(title="Roles")]
    """
    Whole with include=roles.
    """
    seo: Seo
    slug: Annotated[str, Field(title="Slug")]
    status: Annotated[
        Literal["draft", "scheduled", "published", "archived"],
        Field(examples=["published"], title="Status"),
    ]
    summary: Annotated[str, Field(title="Summary")]
    tags: Annotated[list[TagRef | LabelPublic], Field(title="Tags")]
    """
    Whole with include=tags.
    """
    title: Annotated[str, Field(title="Title")]
    translations: Annotated[list[Alternate], Field(title="Translations")]
    """
    The article in every other locale it has (hreflang alternates).
    """
    updated_at: Annotated[AwareDatetime, Field(title="Updated At")]
    url: Annotated[str, Field(title="Url")]
    version: Annotated[int, Field(title="Version")]


class CalloutBlock(BaseModel):
    """
    A block set apart (a blockquote in Markdown): a ``title`` and its own blocks.
    """

    model_config = ConfigDict(extra="forbid")
    field_key: Annotated[FieldKey | None, Field(alias="_key", title="Key")] = None
    field_type: Annotated[Literal["callout"], Field(alias="_type", title="Type")]
    content: Annotated[
        list[
            Annotated[
                TextBlock | ImageBlock | CodeBlock | BreakBlock | TableBlock,
                Field(discriminator="field_type"),
            ]
        ]
        | None,
        Field(max_length=200, title="Content"),
    ] = None
    title: Annotated[str | None, Field(max_length=300, title="Title")] = ""


class CalloutBlockPublic(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field_key: Annotated[str, Field(alias="_key", title="Key")]
    field_type: Annotated[Literal["callout"], Field(alias="_type", title="Type")]
    content: Annotated[
        list[
            Annotated[
                TextBlockPublic | ImageBlockPublic | CodeBlock | BreakBlock | TableBlockPublic,
                Field(discriminator="field_type"),
            ]
        ],
        Field(title="Content"),
    ]
    title: Annotated[str, Field(title="Title")]


class ComparisonBlockPublic(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field_key: Annotated[str, Field(alias="_key", title="Key")]
    field_type: Annotated[Literal["comparison"], Field(alias="_type", title="Type")]
    comparison: ComparisonPublic


class ListEnvelopeArticleListItem(BaseModel):
    data: Annotated[list[ArticleListItem], Field(title="Data")]
    links: ListLinks
    meta: ListMeta


class ArticleInput(BaseModel):
    """
    An article as written by POST and PUT (and, after merging, PATCH).

    The body is either ``body`` (blocks, referring to roles, comparisons and articles by id)
    or ``body_markdown`` (GFM: a table whose header names roles becomes a comparison).
    """

    model_config = ConfigDict(extra="forbid")
    author: Annotated[Author | Author1 | Reference | None, Field(title="Author")] = None
    """
    An author's slug or id.
    """
    body: Annotated[
        list[
            Annotated[
                TextBlock
                | ImageBlock
                | CodeBlock
                | BreakBlock
                | TableBlock
                | CalloutBlock
                | RoleDefinitionsBlock
                | ComparisonBlock
                | RelatedBlock,
                Field(discriminator="field_type"),
            ]
        ]
        | None,
        Field(max_length=2000, title="Body"),
    ] = None
    """
    Portable Text: blocks in order.
    """
    body_markdown: Annotated[BodyMarkdown | None, Field(title="Body Markdown")] = None
    category: Annotated[str | None, Field(max_length=60, title="Category")] = ""
    comparisons: Annotated[Any | None, Field(title="Comparisons")] = None
    """
    Read-only (the comparisons the body embeds): sent back as read, it is ignored.
    """
    cover: Annotated[Cover | Reference | None, Field(title="Cover")] = None
    """
    An asset (POST /v1/assets): the article's image.
    """
    created_at: Annotated[Any | None, Field(title="Created At")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    fallback: Annotated[Any | None, Field(title="Fallback")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    id: Annotated[Any | None, Field(title="Id")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    kicker: Annotated[str | None, Field(max_length=60, title="Kicker")] = ""
    locale: Annotated[Any | None, Field(title="Locale")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    publish_at: Annotated[AwareDatetime | None, Field(title="Publish At")] = None
    """
    When a scheduled article becomes public; the publication date otherwise.
    """
    published_at: Annotated[Any | None, Field(title="Published At")] = None
    """
    Read-only (as publish_at when that is not sent): sent back as read, it is ignored.
    """
    reading_time_minutes: Annotated[
        ReadingTimeMinutes | None, Field(title="Reading Time Minutes")
    ] = None
    roles: Annotated[Any | None, Field(title="Roles")] = None
    """
    Read-only (the roles the body names): sent back as read, it is ignored.
    """
    seo: SeoInput | None = None
    slug: Annotated[Slug | None, Field(title="Slug")] = None
    """
    Made from the title when left out.
    """
    status: Annotated[
        Literal["draft", "scheduled", "published", "archived"] | None,
        Field(examples=["published"], title="Status"),
    ] = "draft"
    summary: Annotated[str | None, Field(max_length=5000, title="Summary")] = ""
    tags: Annotated[list[Tags | SlugReference] | None, Field(max_length=20, title="Tags")] = None
    title: Annotated[str, Field(max_length=300, min_length=1, title="Title")]
    translations: Annotated[Any | None, Field(title="Translations")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    updated_at: Annotated[Any | None, Field(title="Updated At")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    url: Annotated[Any | None, Field(title="Url")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    version: Annotated[Any | None, Field(title="Version")] = None
    """
    Read-only (If-Match guards a write): sent back as read, it is ignored.
    """


Body1 = TypeAliasType(
    "Body1",
    Annotated[
        list[
            Annotated[
                TextBlock
                | ImageBlock
                | CodeBlock
                | BreakBlock
                | TableBlock
                | CalloutBlock
                | RoleDefinitionsBlock
                | ComparisonBlock
                | RelatedBlock,
                Field(discriminator="field_type"),
            ]
        ],
        Field(max_length=2000, title="Body"),
    ],
)
"""
Portable Text: blocks in order.
"""


class ArticlePatch(BaseModel):
    """
    A JSON merge patch (RFC 7396): the fields to change, every one optional; null removes a field that may be empty.
    """

    model_config = ConfigDict(extra="forbid")
    author: Annotated[Author2 | Author3 | Reference | None, Field(title="Author")] = None
    """
    An author's slug or id.
    """
    body: Body1 | None = None
    body_markdown: Annotated[BodyMarkdown | None, Field(title="Body Markdown")] = None
    category: Category | None = None
    comparisons: Any = None
    cover: Annotated[Cover | Reference | None, Field(title="Cover")] = None
    """
    An asset (POST /v1/assets): the article's image.
    """
    created_at: Any = None
    fallback: Any = None
    id: Any = None
    kicker: Kicker | None = None
    locale: Any = None
    publish_at: Annotated[AwareDatetime | None, Field(title="Publish At")] = None
    """
    When a scheduled article becomes public; the publication date otherwise.
    """
    published_at: Any = None
    reading_time_minutes: Annotated[
        ReadingTimeMinutes | None, Field(title="Reading Time Minutes")
    ] = None
    roles: Any = None
    seo: SeoInput | None = None
    slug: Annotated[Slug | None, Field(title="Slug")] = None
    """
    Made from the title when left out.
    """
    status: Literal["draft", "scheduled", "published", "archived"] | None = None
    summary: Summary | None = None
    tags: Tags1 | None = None
    title: Annotated[str | None, Field(max_length=300, min_length=1, title="Title")] = None
    translations: Any = None
    updated_at: Any = None
    url: Any = None
    version: Any = None


class ArticlePublic(BaseModel):
    author: Annotated[AuthorRef | LabelPublic | None, Field(title="Author")]
    """
    Whole with include=author.
    """
    body: Annotated[
        list[
            Annotated[
                TextBlockPublic
                | ImageBlockPublic
                | CodeBlock
                | BreakBlock
                | TableBlockPublic
                | CalloutBlockPublic
                | RoleDefinitionsBlockPublic
                | ComparisonBlockPublic
                | RelatedBlockPublic,
                Field(discriminator="field_type"),
            ]
        ],
        Field(title="Body"),
    ]
    category: Annotated[str, Field(title="Category")]
    comparisons: Annotated[list[ComparisonRef | ComparisonPublic], Field(title="Comparisons")]
    """
    Whole (rows and cells) with include=comparisons.
    """
    cover: ImageAsset | None
    """
    The article's image, an uploaded asset.
    """
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    fallback: Annotated[bool, Field(title="Fallback")]
    """
    Whether that is not the locale asked for (it has no public translation).
    """
    id: Annotated[int, Field(title="Id")]
    kicker: Annotated[str, Field(title="Kicker")]
    locale: Annotated[str, Field(title="Locale")]
    """
    The locale of what is shown (FOLIO_LOCALES).
    """
    published_at: Annotated[AwareDatetime | None, Field(title="Published At")]
    reading_time_minutes: Annotated[int | None, Field(title="Reading Time Minutes")]
    roles: Annotated[list[RoleRef | RoleListItem], Field(title="Roles")]
    """
    Whole with include=roles.
    """
    seo: Seo
    slug: Annotated[str, Field(title="Slug")]
    status: Annotated[
        Literal["draft", "scheduled", "published", "archived"],
        Field(examples=["published"], title="Status"),
    ]
    summary: Annotated[str, Field(title="Summary")]
    tags: Annotated[list[TagRef | LabelPublic], Field(title="Tags")]
    """
    Whole with include=tags.
    """
    title: Annotated[str, Field(title="Title")]
    translations: Annotated[list[Alternate], Field(title="Translations")]
    """
    The article in every other locale it has (hreflang alternates).
    """
    updated_at: Annotated[AwareDatetime, Field(title="Updated At")]
    url: Annotated[str, Field(title="Url")]
    version: Annotated[int, Field(title="Version")]


class ArticleTranslation(BaseModel):
    body: Annotated[
        list[
            Annotated[
                TextBlockPublic
                | ImageBlockPublic
                | CodeBlock
                | BreakBlock
                | TableBlockPublic
                | CalloutBlockPublic
                | RoleDefinitionsBlockPublic
                | ComparisonBlockPublic
                | RelatedBlockPublic,
                Field(discriminator="field_type"),
            ]
        ],
        Field(title="Body"),
    ]
    """
    As an article's body reads (PUT takes it back as it is).
    """
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    id: Annotated[int, Field(title="Id")]
    kicker: Annotated[str, Field(title="Kicker")]
    locale: Annotated[str, Field(title="Locale")]
    meta_description: Annotated[str | None, Field(title="Meta Description")]
    meta_title: Annotated[str | None, Field(title="Meta Title")]
    published_at: Annotated[AwareDatetime | None, Field(title="Published At")]
    resource_id: Annotated[int, Field(title="Resource Id")]
    """
    The article, role or comparison.
    """
    slug: Annotated[str, Field(title="Slug")]
    status: Annotated[
        Literal["draft", "scheduled", "published", "archived"],
        Field(examples=["published"], title="Status"),
    ]
    summary: Annotated[str, Field(title="Summary")]
    title: Annotated[str, Field(title="Title")]
    updated_at: Annotated[AwareDatetime, Field(title="Updated At")]
    url: Annotated[str, Field(title="Url")]
    """
    The resource in this locale.
    """
    version: Annotated[int, Field(title="Version")]


class ArticleTranslationInput(BaseModel):
    """
    An article's words in a locale: title, kicker, summary, body and search-engine fields.
    """

    model_config = ConfigDict(extra="forbid")
    body: Annotated[
        list[
            Annotated[
                TextBlock
                | ImageBlock
                | CodeBlock
                | BreakBlock
                | TableBlock
                | CalloutBlock
                | RoleDefinitionsBlock
                | ComparisonBlock
                | RelatedBlock,
                Field(discriminator="field_type"),
            ]
        ]
        | None,
        Field(max_length=2000, title="Body"),
    ] = None
    """
    Portable Text: blocks in order.
    """
    body_markdown: Annotated[BodyMarkdown2 | None, Field(title="Body Markdown")] = None
    """
    Markdown; its tables stay tables.
    """
    created_at: Annotated[Any | None, Field(title="Created At")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    id: Annotated[Any | None, Field(title="Id")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    kicker: Annotated[str | None, Field(max_length=60, title="Kicker")] = ""
    locale: Annotated[Any | None, Field(title="Locale")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    meta_description: Annotated[MetaDescription | None, Field(title="Meta Description")] = None
    meta_title: Annotated[MetaTitle | None, Field(title="Meta Title")] = None
    publish_at: Annotated[AwareDatetime | None, Field(title="Publish At")] = None
    """
    When a scheduled translation becomes public; its date otherwise.
    """
    published_at: Annotated[Any | None, Field(title="Published At")] = None
    """
    Read-only (as publish_at when that is not sent): sent back as read, it is ignored.
    """
    resource_id: Annotated[Any | None, Field(title="Resource Id")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    slug: Annotated[Slug2 | None, Field(title="Slug")] = None
    """
    Made from the translated title (or name) when left out.
    """
    status: Annotated[
        Literal["draft", "scheduled", "published", "archived"] | None,
        Field(examples=["published"], title="Status"),
    ] = "draft"
    summary: Annotated[str | None, Field(max_length=5000, title="Summary")] = ""
    title: Annotated[str, Field(max_length=300, min_length=1, title="Title")]
    updated_at: Annotated[Any | None, Field(title="Updated At")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    url: Annotated[Any | None, Field(title="Url")] = None
    """
    Read-only: sent back as read, it is ignored.
    """
    version: Annotated[Any | None, Field(title="Version")] = None
    """
    Read-only (If-Match guards a write): sent back as read, it is ignored.
    """


Body5 = TypeAliasType(
    "Body5",
    Annotated[
        list[
            Annotated[
                TextBlock
                | ImageBlock
                | CodeBlock
                | BreakBlock
                | TableBlock
                | CalloutBlock
                | RoleDefinitionsBlock
                | ComparisonBlock
                | RelatedBlock,
                Field(discriminator="field_type"),
            ]
        ],
        Field(max_length=2000, title="Body"),
    ],
)
"""
Portable Text: blocks in order.
"""


class ArticleTranslationPatch(BaseModel):
    """
    A JSON merge patch (RFC 7396): the fields to change, every one optional; null removes a field that may be empty.
    """

    model_config = ConfigDict(extra="forbid")
    body: Body5 | None = None
    body_markdown: Annotated[BodyMarkdown2 | None, Field(title="Body Markdown")] = None
    """
    Markdown; its tables stay tables.
    """
    created_at: Any = None
    id: Any = None
    kicker: Kicker | None = None
    locale: Any = None
    meta_description: Annotated[MetaDescription | None, Field(title="Meta Description")] = None
    meta_title: Annotated[MetaTitle | None, Field(title="Meta Title")] = None
    publish_at: Annotated[AwareDatetime | None, Field(title="Publish At")] = None
    """
    When a scheduled translation becomes public; its date otherwise.
    """
    published_at: Any = None
    resource_id: Any = None
    slug: Annotated[Slug2 | None, Field(title="Slug")] = None
    """
    Made from the translated title (or name) when left out.
    """
    status: Literal["draft", "scheduled", "published", "archived"] | None = None
    summary: Summary | None = None
    title: Annotated[str | None, Field(max_length=300, min_length=1, title="Title")] = None
    updated_at: Any = None
    url: Any = None
    version: Any = None


class BatchResult(BaseModel):
    """
    What one operation did, as its own request would have answered.
    """

    collection: Annotated[
        Literal["articles", "roles", "comparisons", "authors", "tags"], Field(title="Collection")
    ]
    data: Annotated[
        ArticlePublic
        | RolePublic
        | ComparisonPublic
        | LabelPublic
        | ArticleTranslation
        | RoleTranslation
        | ComparisonTranslation
        | None,
        Field(title="Data"),
    ]
    """
    The resource (or the translation) as it is now; null after a delete.
    """
    etag: Annotated[str | None, Field(title="Etag")]
    """
    The new version's ETag (for the next If-Match); null after a delete.
    """
    id: Annotated[int, Field(title="Id")]
    """
    The resource's id (a translation's too).
    """
    index: Annotated[int, Field(title="Index")]
    """
    Its position in `operations`.
    """
    locale: Annotated[str | None, Field(title="Locale")] = None
    """
    The translation's locale, when one was written.
    """
    op: Annotated[Literal["create", "replace", "patch", "delete"], Field(title="Op")]
    slug: Annotated[str, Field(title="Slug")]
    """
    Its slug (a translation's own).
    """
    status: Annotated[int, Field(title="Status")]
    """
    201 created, 200 replaced or patched, 204 moved to the trash (a translation: deleted).
    """


class BatchResults(BaseModel):
    """
    Every operation applied, in order, in one transaction.
    """

    results: Annotated[list[BatchResult], Field(title="Results")]
