"""What the bytes of an upload are (read from them, never from the client), and renditions of
images, made with Pillow.

Pillow refuses images over ``FOLIO_MAX_IMAGE_PIXELS`` before decoding them (decompression
bombs), and ``verify`` refuses truncated files. SVG is XML, not an image Pillow reads: it is
parsed (no entities, no network) and refused if it can run anything (scripts, event handlers,
``javascript:``, foreign objects, outside references).
"""

import io
import math
import warnings
from dataclasses import dataclass

from lxml import etree
from PIL import Image, ImageOps, UnidentifiedImageError

SIZES = (64, 128, 256, 320, 480, 640, 800, 960, 1024, 1280, 1600, 1920, 2560, 3840)
SRCSET_WIDTHS = (320, 640, 960, 1280, 1920)
RASTER = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
RASTER["AVIF"] = "image/avif"
SVG = "image/svg+xml"
ENCODINGS = {"webp": ("WEBP", "image/webp"), "avif": ("AVIF", "image/avif")}
ENCODINGS |= {"jpeg": ("JPEG", "image/jpeg"), "png": ("PNG", "image/png")}
_SIGNATURES = {b"%PDF-": "application/pdf"}
_ORIENTATION = 0x0112  # the EXIF tag
_UNSAFE_SVG_TAGS = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}


class Refused(Exception):
    """Bytes Folio will not keep, and why."""


@dataclass(frozen=True)
class Sniffed:
    media_type: str
    width: int | None = None
    height: int | None = None
    color: str | None = None


def sniff(data: bytes, *, max_pixels: int) -> Sniffed:
    """What ``data`` is: an image (checked whole, with its size and dominant colour), a safe
    SVG, a PDF, or else ``application/octet-stream``. Raises ``Refused``."""
    head = data[:512].lstrip()
    if head.startswith((b"<?xml", b"<svg", b"<!DOCTYPE svg", b"<!--")) and b"<svg" in data[:4096]:
        return _svg(data)
    try:
        return _raster(data, max_pixels=max_pixels)
    except UnidentifiedImageError:
        pass
    for signature, media_type in _SIGNATURES.items():
        if data.startswith(signature):
            return Sniffed(media_type)
    return Sniffed("application/octet-stream")


def _open(data: bytes, *, max_pixels: int) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise Refused(f"the image is larger than {max_pixels:,} pixels") from exc
    width, height = image.size
    if width * height > max_pixels:
        raise Refused(f"the image is {width} by {height}, more than {max_pixels:,} pixels")
    return image


def _raster(data: bytes, *, max_pixels: int) -> Sniffed:
    image = _open(data, max_pixels=max_pixels)
    kind = image.format or ""
    if kind not in RASTER:
        raise Refused(f"{kind or 'this'} images are not kept: send PNG, JPEG, GIF, WebP or AVIF")
    try:
        image.verify()  # the whole file: a truncated or damaged one is refused here
        image = _open(data, max_pixels=max_pixels)
        image.draft("RGB", (64, 64))  # JPEG decodes small for the colour
        small = ImageOps.exif_transpose(image).convert("RGB").resize((1, 1), Image.Resampling.BOX)
    except (OSError, SyntaxError, ValueError) as exc:
        raise Refused(f"the {kind} file is damaged or truncated ({exc})") from exc
    red, green, blue = small.getpixel((0, 0))  # type: ignore[misc]
    header = _open(data, max_pixels=max_pixels)
    width, height = header.size
    if header.getexif().get(_ORIENTATION, 1) in (5, 6, 7, 8):  # turned a quarter: as shown
        width, height = height, width
    return Sniffed(RASTER[kind], width, height, f"#{red:02x}{green:02x}{blue:02x}")


def _svg(data: bytes) -> Sniffed:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise Refused(f"the SVG is not well-formed XML ({exc})") from exc
    if b"<!ENTITY" in data:
        raise Refused("the SVG declares entities")
    for element in root.iter():
        tag = etree.QName(element).localname.lower() if isinstance(element.tag, str) else ""
        if tag in _UNSAFE_SVG_TAGS:
            raise Refused(f"the SVG has a <{tag}> element: it could run code")
        for name, value in element.attrib.items():
            attribute = etree.QName(name).localname.lower()
            if attribute.startswith("on"):
                raise Refused(f"the SVG has an {attribute} handler: it could run code")
            if attribute == "href" and not value.strip().startswith("#"):
                raise Refused("the SVG refers outside itself (href): only #fragments are kept")
            if "javascript:" in value.replace(" ", "").lower():
                raise Refused("the SVG has a javascript: URL")
    width, height = _svg_size(root)
    return Sniffed(SVG, width, height)


def _svg_size(root: etree._Element) -> tuple[int | None, int | None]:
    def number(value: str | None) -> int | None:
        try:
            return round(float((value or "").removesuffix("px")))
        except ValueError:
            return None

    width, height = number(root.get("width")), number(root.get("height"))
    if (width is None or height is None) and root.get("viewBox"):
        parts = root.get("viewBox", "").replace(",", " ").split()
        if len(parts) == 4:
            width, height = number(parts[2]), number(parts[3])
    return width, height


def size_step(requested: int | None) -> int | None:
    """A requested size rounded up to one of ``SIZES`` (or the largest)."""
    if requested is None:
        return None
    return next((size for size in SIZES if size >= requested), SIZES[-1])


def quality_step(requested: int | None) -> int:
    return 80 if requested is None else max(10, min(100, math.ceil(requested / 10) * 10))


def render(
    data: bytes,
    *,
    width: int | None,
    height: int | None,
    fit: str,
    encoding: str,
    quality: int,
    max_pixels: int,
) -> bytes:
    """A rendition: oriented, scaled down to fit (or to cover and cropped), never up,
    re-encoded without metadata (no EXIF, no colour profile, no text chunks)."""
    image = ImageOps.exif_transpose(_open(data, max_pixels=max_pixels))
    box = (width or image.width, height or image.height)
    if fit == "cover" and width and height:
        target = (min(width, image.width), min(height, image.height))
        image = ImageOps.fit(image, target, Image.Resampling.LANCZOS)
    else:
        image = image.copy()
        image.thumbnail(box, Image.Resampling.LANCZOS)
    pillow_format, _ = ENCODINGS[encoding]
    if pillow_format == "JPEG" or (pillow_format != "PNG" and image.mode not in ("RGB", "RGBA")):
        image = image.convert("RGB" if pillow_format == "JPEG" else "RGBA")
    out = io.BytesIO()
    options: dict[str, object] = {"quality": quality} if pillow_format != "PNG" else {}
    image.save(out, format=pillow_format, **options)
    return out.getvalue()
