"""The page layout of Folio's seed documents, parsed into blocks that still name things by text.

The layout, paragraph by paragraph (paragraphs are separated by one blank line)::

    {kicker}{category}{N} min read
    {title}
    {author}{Month D, YYYY}
    {summary}
    Role Definitions          then pairs of paragraphs: role name, definition
    Comparison Table          then one paragraph: a header line and one line per dimension
    {any heading}             then paragraphs
    Decision Rule             then a callout: its title, its text
    Read more on the dedicated {role} and {role} pages.
    Continue Reading          then one title per related article

The page was flattened from HTML, so the kicker and category run together, and so do the
author and date and the cells of each table line. They are split on what the layout guarantees
(a month name, the subject names, the column count), never on strings of one page.
Text that does not fit raises ``SeedError`` naming the line.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import combinations, pairwise

from api.core.errors import SeedError

ROLE_DEFINITIONS = "Role Definitions"
COMPARISON_TABLE = "Comparison Table"
DECISION_RULE = "Decision Rule"
CONTINUE_READING = "Continue Reading"
LAYOUT_HEADINGS = frozenset({ROLE_DEFINITIONS, COMPARISON_TABLE, DECISION_RULE, CONTINUE_READING})

_HEADER = re.compile(r"^(?P<label>.+?)(?P<minutes>\d+) min read$")
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_BYLINE = re.compile(rf"^(?P<author>.+?)(?P<date>(?:{_MONTHS}) \d{{1,2}}, \d{{4}})$")
_READ_MORE = re.compile(r"^Read more on the dedicated (?P<names>.+) pages?\.$")
_NAME_SEPARATORS = re.compile(r",\s+and\s+|\s+and\s+|,\s+")
# Where two flattened cells meet: a lowercase letter, digit or closing punctuation directly
# followed by an uppercase letter ("jobDrive", "playbooksAI").
_JOIN = re.compile(r"(?<=[a-z0-9.,;:)%\]])(?=[A-Z])")
_TERMINAL = (".", "!", "?", ":", ";", ",", '"', "'", ")")
MAX_HEADING = 120


@dataclass(frozen=True)
class Paragraph:
    line: int  # 1-based line of its first line
    text: str

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


@dataclass
class PHeading:
    text: str


@dataclass
class PParagraph:
    text: str


@dataclass
class PDefinitions:
    items: list[tuple[str, str]]


@dataclass
class PTable:
    label: str
    subjects: list[str]
    rows: list[tuple[str, list[str]]]
    line: int


@dataclass
class PCallout:
    title: str
    text: str


@dataclass
class PLinks:
    text: str
    names: list[str]
    line: int


@dataclass
class PRelated:
    titles: list[tuple[int, str]]


PBlock = PHeading | PParagraph | PDefinitions | PTable | PCallout | PLinks | PRelated


@dataclass
class ParsedPage:
    kicker: str
    category: str
    reading_time_minutes: int
    title: str
    author: str
    published_on: date
    summary: str
    blocks: list[PBlock] = field(default_factory=list)


def paragraphs(text: str) -> list[Paragraph]:
    result: list[Paragraph] = []
    current: list[str] = []
    start = 1
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line.rstrip())
        elif current:
            result.append(Paragraph(start, "\n".join(current)))
            current = []
    if current:
        result.append(Paragraph(start, "\n".join(current)))
    return result


def is_heading(text: str) -> bool:
    return "\n" not in text and len(text) <= MAX_HEADING and not text.endswith(_TERMINAL)


def split_kicker(label: str) -> tuple[str, str]:
    """'EliteComparison' -> ('Elite', 'Comparison'): split where one word runs into another."""
    joins = [m.start() for m in _JOIN.finditer(label)]
    if len(joins) > 1:
        raise ValueError(f"cannot tell the kicker from the category in {label!r}")
    if not joins:
        return "", label
    return label[: joins[0]], label[joins[0] :]


def split_subjects(header: str, names: list[str]) -> tuple[str, list[str]]:
    """The dimension label and the subjects whose names end the table's header line, in order."""
    by_length = sorted(names, key=len, reverse=True)
    subjects: list[str] = []
    rest = header
    while True:
        name = next((n for n in by_length if rest.endswith(n) and len(rest) > len(n)), None)
        if name is None:
            break
        subjects.insert(0, name)
        rest = rest[: -len(name)]
    if not subjects:
        raise ValueError("the header names none of the defined roles")
    return rest, subjects


def split_cells(line: str, count: int) -> list[str]:
    """Split a flattened table line into ``count`` cells at the points where words run together.

    When there are more such points than the columns need, the one way that leaves every cell
    starting with a capital and not ending inside an acronym wins; ties are an error.
    """
    joins = [m.start() for m in _JOIN.finditer(line)]
    if len(joins) < count - 1:
        raise ValueError(f"expected {count} cells, found at most {len(joins) + 1}")
    candidates = []
    for cut in combinations(joins, count - 1):
        bounds = [0, *cut, len(line)]
        cells = [line[a:b] for a, b in pairwise(bounds)]
        # A capitalised word right after a cut ("Drive", "Set") is the usual sign of a new cell;
        # an uppercase run ("PE", "AI") also starts cells, but less surely.
        score = sum(1 for c in cells[1:] if len(c) > 1 and c[1].islower())
        candidates.append((score, cells))
    best = max(score for score, _ in candidates)
    winners = [cells for score, cells in candidates if score == best]
    if len(winners) > 1:
        raise ValueError(f"ambiguous: {len(winners)} ways to split it into {count} cells")
    return winners[0]


def parse_page(text: str, *, source: str = "<page>") -> ParsedPage:
    paras = paragraphs(text)

    def fail(line: int, message: str) -> SeedError:
        return SeedError(source, line, message)

    if len(paras) < 4:
        raise fail(len(text.split("\n")), "a page needs a header, a title, a byline and a summary")
    header, title, byline, summary, *rest = paras
    for para in (header, title, byline):
        if "\n" in para.text:
            raise fail(para.line, "expected a single line")
    matched = _HEADER.match(header.text)
    if matched is None:
        raise fail(header.line, "expected '{kicker}{category}{N} min read'")
    try:
        kicker, category = split_kicker(matched["label"])
    except ValueError as exc:
        raise fail(header.line, str(exc)) from exc
    by = _BYLINE.match(byline.text)
    if by is None:
        raise fail(byline.line, "expected '{author}{Month D, YYYY}'")
    try:
        published_on = datetime.strptime(by["date"], "%B %d, %Y").date()
    except ValueError as exc:
        raise fail(byline.line, f"not a date: {by['date']!r}") from exc

    page = ParsedPage(
        kicker=kicker,
        category=category,
        reading_time_minutes=int(matched["minutes"]),
        title=title.text,
        author=by["author"].strip(),
        published_on=published_on,
        summary=summary.text,
    )
    defined: list[str] = []
    i = 0
    while i < len(rest):
        para = rest[i]
        i += 1
        if para.text == ROLE_DEFINITIONS:
            page.blocks.append(PHeading(para.text))
            items: list[tuple[str, str]] = []
            while (
                i + 1 < len(rest)
                and rest[i].text not in LAYOUT_HEADINGS
                and is_heading(rest[i].text)
            ):
                items.append((rest[i].text, rest[i + 1].text))
                i += 2
            if not items:
                raise fail(para.line, "Role Definitions needs name and definition paragraphs")
            defined.extend(name for name, _ in items)
            page.blocks.append(PDefinitions(items))
        elif para.text == COMPARISON_TABLE:
            page.blocks.append(PHeading(para.text))
            if i >= len(rest):
                raise fail(para.line, "Comparison Table needs a table")
            table = rest[i]
            i += 1
            page.blocks.append(_parse_table(table, defined, source))
        elif para.text == DECISION_RULE:
            page.blocks.append(PHeading(para.text))
            if i + 1 >= len(rest) or not is_heading(rest[i].text):
                raise fail(para.line, "Decision Rule needs a callout: a title, then its text")
            page.blocks.append(PCallout(rest[i].text, rest[i + 1].text))
            i += 2
        elif para.text == CONTINUE_READING:
            page.blocks.append(PHeading(para.text))
            page.blocks.append(PRelated([(p.line, p.text) for p in rest[i:]]))
            i = len(rest)
        elif (more := _READ_MORE.match(para.text)) is not None:
            names = [n for n in _NAME_SEPARATORS.split(more["names"]) if n]
            page.blocks.append(PLinks(para.text, names, para.line))
        elif is_heading(para.text):
            page.blocks.append(PHeading(para.text))
        else:
            page.blocks.append(PParagraph(para.text))
    return page


def _parse_table(table: Paragraph, defined: list[str], source: str) -> PTable:
    lines = table.lines
    if len(lines) < 2:
        raise SeedError(source, table.line, "a table needs a header line and at least one row")
    try:
        label, subjects = split_subjects(lines[0], defined)
    except ValueError as exc:
        raise SeedError(source, table.line, str(exc)) from exc
    rows: list[tuple[str, list[str]]] = []
    for offset, line in enumerate(lines[1:], start=1):
        try:
            dimension, *cells = split_cells(line, len(subjects) + 1)
        except ValueError as exc:
            raise SeedError(source, table.line + offset, str(exc)) from exc
        rows.append((dimension, cells))
    return PTable(label, subjects, rows, table.line)
