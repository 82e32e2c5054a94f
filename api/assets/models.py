"""Media assets: uploaded images and files, stored once per content (SHA-256), with what a
frontend needs to lay an image out; and which content uses which asset."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PydanticField
from sqlalchemy import BigInteger, Index, LargeBinary
from sqlmodel import Field, SQLModel

from api.core.columns import Tracked
from api.web.pagination import ListParams, fields_query, sort_query


class Asset(Tracked, table=True):
    __table_args__ = (Index("ix_asset_created_at_id", "created_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64, unique=True, index=True)
    media_type: str = Field(max_length=100)
    size: int = Field(sa_type=BigInteger)
    width: int | None = None
    height: int | None = None
    color: str | None = Field(default=None, max_length=7, description="Dominant colour.")
    alt: str = Field(default="", max_length=500)
    filename: str = Field(default="", max_length=255)


class AssetBlob(SQLModel, table=True):
    """Bytes kept in the database (FOLIO_MEDIA_STORAGE=database): originals, by their
    SHA-256, and renditions, by their SHA-256 and parameters."""

    __tablename__ = "asset_blob"

    name: str = Field(max_length=200, primary_key=True)
    data: bytes = Field(sa_type=LargeBinary)


class ArticleAsset(SQLModel, table=True):
    """An asset an article shows: its cover, or an image of its body."""

    __tablename__ = "article_asset"

    article_id: int = Field(foreign_key="article.id", primary_key=True, ondelete="CASCADE")
    asset_id: int = Field(foreign_key="asset.id", primary_key=True, index=True, ondelete="RESTRICT")


class AssetPublic(BaseModel):
    id: int
    url: str = PydanticField(description="The file (GET it with ?w=&format= for renditions).")
    media_type: str = PydanticField(description="Read from the bytes, never from the client.")
    size: int
    width: int | None
    height: int | None
    color: str | None = PydanticField(
        description="Dominant colour of the image, #rrggbb: paint it while the image loads."
    )
    alt: str
    filename: str
    sha256: str
    created_at: datetime
    updated_at: datetime
    version: int


class ImageAsset(BaseModel):
    """What a frontend needs to lay an uploaded image out: its size, its dominant colour (to
    paint while it loads), and renditions for ``srcset``."""

    id: int
    url: str
    media_type: str
    size: int = PydanticField(description="Bytes of the file.")
    width: int | None
    height: int | None
    alt: str = PydanticField(description="The asset's alternative text.")
    color: str | None = PydanticField(
        description="Dominant colour of the image, #rrggbb: paint it while the image loads."
    )
    srcset: str = PydanticField(description="WebP renditions for <img srcset>, by width.")


class AssetPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    alt: str | None = PydanticField(None, max_length=500)
    filename: str | None = PydanticField(None, max_length=255)


class AssetUploadQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    alt: str = PydanticField("", max_length=500, description="Alternative text of an image.")
    filename: str = PydanticField("", max_length=255, description="The file's name, to keep.")


ASSET_SORTS = ("created_at",)


class AssetListQuery(ListParams):
    sort: str | None = sort_query(ASSET_SORTS, "-created_at")
    fields: str | None = fields_query(AssetPublic)


FORMATS = ("webp", "avif", "jpeg", "png")
FITS = ("inside", "cover")


class RenditionQuery(BaseModel):
    """A rendition of an image: resized (never up), re-encoded, without its metadata. Sizes
    are rounded up to one of ``api.assets.images.SIZES``, so only so many exist."""

    model_config = ConfigDict(extra="forbid")

    w: int | None = PydanticField(None, ge=1, le=10_000, description="Width, at most.")
    h: int | None = PydanticField(None, ge=1, le=10_000, description="Height, at most.")
    fit: str = PydanticField("inside", pattern="^(inside|cover)$", description="inside or cover.")
    format: str | None = PydanticField(None, pattern="^(webp|avif|jpeg|png)$")
    q: int | None = PydanticField(None, ge=1, le=100, description="Quality, rounded to tens.")
