"""Social cards: a 1200x630 PNG of an article or a comparison, for Open Graph and X cards,
drawn with Pillow in DejaVu Sans (shipped in ``fonts/``, its licence beside it).

The same content always gives the same bytes (no time, no randomness in the file), so a card
has a strong ETag and is cached like any other representation.
"""

import io
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from api.articles.models import ArticlePublic
from api.comparisons.models import ComparisonPublic

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
INK = (15, 23, 42)
PAPER = (248, 250, 252)
ACCENT = (13, 148, 136)
MUTED = (71, 85, 105)
RULE = (203, 213, 225)
FONTS = Path(__file__).with_name("fonts")
Font = ImageFont.FreeTypeFont


@cache
def font(size: int, *, bold: bool = False) -> Font:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONTS / name), size)


def wrap(text: str, face: Font, width: float, lines: int) -> list[str]:
    """``text`` in at most ``lines`` lines no wider than ``width``; the last ends with "…" when
    the text does not fit. Written here: Pillow measures text but does not break lines."""
    words = text.split()
    out: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if face.getlength(candidate) <= width:
            current = candidate
            continue
        if current:
            out.append(current)
        current = word
        while face.getlength(current) > width:  # one word wider than the line: cut it
            cut = len(current)
            while cut > 1 and face.getlength(current[:cut] + "…") > width:
                cut -= 1
            out.append(current[:cut] + "…")
            current = ""
            break
    if current:
        out.append(current)
    if len(out) > lines:
        last = out[lines - 1]
        while last and face.getlength(last + "…") > width:
            last = last[:-1].rstrip()
        out = [*out[: lines - 1], last + "…"]
    return out


def fitted(text: str, width: float, lines: int, sizes: Sequence[int]) -> tuple[Font, list[str]]:
    """The largest of ``sizes`` at which ``text`` fits ``lines`` lines, and its lines."""
    for size in sizes:
        face = font(size, bold=True)
        wrapped = wrap(text, face, width, lines + 1)
        if len(wrapped) <= lines:
            return face, wrapped
    face = font(sizes[-1], bold=True)
    return face, wrap(text, face, width, lines)


def _canvas() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 16, HEIGHT), fill=ACCENT)
    return image, draw


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def _footer(draw: ImageDraw.ImageDraw, left: str, right: str) -> None:
    face = font(26)
    y = HEIGHT - MARGIN - 26
    draw.line((MARGIN, y - 28, WIDTH - MARGIN, y - 28), fill=RULE, width=2)
    draw.text((MARGIN, y), wrap(left, face, WIDTH * 0.6, 1)[0] if left else "", font=face,
              fill=MUTED)  # fmt: skip
    right = wrap(right, face, WIDTH * 0.3, 1)[0] if right else ""
    draw.text((WIDTH - MARGIN - face.getlength(right), y), right, font=face, fill=MUTED)


def article_card(article: ArticlePublic, *, site_name: str) -> bytes:
    """Kicker, title, author and date, in a clean typographic layout."""
    image, draw = _canvas()
    y = MARGIN
    kicker = (article.kicker or article.category).upper()
    if kicker:
        face = font(28, bold=True)
        draw.text((MARGIN, y), wrap(kicker, face, WIDTH - 2 * MARGIN, 1)[0], font=face,
                  fill=ACCENT)  # fmt: skip
        y += 56
    face, lines = fitted(article.title, WIDTH - 2 * MARGIN, 4, (68, 60, 52, 46, 40))
    step = int(face.size * 1.22)
    for line in lines:
        draw.text((MARGIN, y), line, font=face, fill=INK)
        y += step
    byline = [article.author.name] if article.author is not None else []
    if article.published_at is not None:
        byline.append(f"{article.published_at:%-d %B %Y}")
    _footer(draw, " · ".join(byline), site_name)
    return _png(image)


def comparison_card(comparison: ComparisonPublic, *, site_name: str) -> bytes:
    """The title and the first rows, each role a column: what the table says at a glance."""
    image, draw = _canvas()
    y = MARGIN
    face, lines = fitted(comparison.title, WIDTH - 2 * MARGIN, 2, (56, 50, 44, 40))
    for line in lines:
        draw.text((MARGIN, y), line, font=face, fill=INK)
        y += int(face.size * 1.22)
    y += 20
    subjects = comparison.subjects[:3]
    columns = len(subjects) + 1
    width = (WIDTH - 2 * MARGIN) / columns
    head = font(24, bold=True)
    cell = font(22)
    for index, subject in enumerate(subjects, start=1):
        name = wrap(subject.name, head, width - 16, 1)[0]
        draw.text((MARGIN + index * width, y), name, font=head, fill=ACCENT)
    label = wrap(comparison.dimension_label, head, width - 16, 1)[0]
    draw.text((MARGIN, y), label, font=head, fill=MUTED)
    y += 40
    bottom = HEIGHT - MARGIN - 60
    for row in comparison.rows:
        texts = [row.dimension] + [
            row.cells[s.slug].text if s.slug in row.cells else "—" for s in subjects
        ]
        wrapped = [
            wrap(text, head if i == 0 else cell, width - 16, 2) for i, text in enumerate(texts)
        ]
        height = 30 * max(len(w) for w in wrapped) + 18
        if y + height > bottom:
            break
        draw.line((MARGIN, y, WIDTH - MARGIN, y), fill=RULE, width=1)
        for i, column in enumerate(wrapped):
            for n, line in enumerate(column):
                draw.text((MARGIN + i * width, y + 9 + 30 * n), line,
                          font=head if i == 0 else cell, fill=INK)  # fmt: skip
        y += height
    more = len(comparison.rows)
    _footer(draw, f"{more} dimension{'s' if more != 1 else ''} compared", site_name)
    return _png(image)
