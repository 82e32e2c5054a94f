"""``docs/development.md``'s "Adding a field" and "Adding a kind", followed in a copy of the tree: a
translated ``subtitle`` for articles and a kind of glossary terms are added by touching only
the files the two lists name (the migration written by ``make migration``), and then the
tests of every kind and field (``tests/structure/test_kinds.py``), of the layers, of the
migrations and of the studio's lists (the new kind has one) pass there, on the database this
suite runs on."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from api.core import kinds
from api.core.config import REPO_ROOT

DEVELOPMENT = (REPO_ROOT / "docs" / "development.md").read_text(encoding="utf-8")
COPIED = (
    *("api", "migrations", "seeds", "tests", "alembic.ini", "pyproject.toml", "Makefile"),
    *("requirements.lock", "requirements-dev.lock", "clients/typescript/package-lock.json"),
)


def _listed(title: str) -> list[str]:
    """The files a numbered list of docs/development.md names, one at the start of each item."""
    section = DEVELOPMENT.split(f"**{title}**", 1)[1].split("\n\n**", 1)[0]
    return re.findall(r"^\d+\. `([^`]+)`", section, flags=re.MULTILINE)


def _edit(tree: Path, path: str, after: str, added: str) -> None:
    """Adds ``added`` to ``path`` after the one place that reads ``after``."""
    file = tree / path
    text = file.read_text(encoding="utf-8")
    assert text.count(after) == 1, f"{path}: {after!r} is not in one place"
    file.write_text(text.replace(after, after + added), encoding="utf-8")


def _write(tree: Path, path: str, text: str) -> None:
    (tree / path).parent.mkdir(exist_ok=True)
    (tree / path).write_text(text, encoding="utf-8")


def _add_a_field(tree: Path) -> list[str]:
    """The list for a field, followed: the files it touched, in the list's order."""
    _edit(
        tree,
        "api/core/kinds.py",
        '        Field("reading_time_minutes", translated=_,    front_matter=True, feed=_),\n',
        '        Field("subtitle",             translated=True, front_matter=True, feed=_),\n',
    )
    models = "api/articles/models.py"
    _edit(
        tree,
        models,
        '    kicker: str = Field(default="", max_length=60)\n',
        "    subtitle: str = Field(\n"
        '        default="", max_length=200, sa_column_kwargs={"server_default": ""}\n'
        "    )\n",
    )
    _edit(
        tree,
        models,
        '    kicker: str = Field("", max_length=60)\n',
        '    subtitle: str = Field("", max_length=200)\n',
    )
    _edit(tree, models, "    kicker: str\n    category: str\n", "    subtitle: str\n")
    _edit(
        tree,
        "api/translations/models.py",
        "    kicker: str\n    summary: str\n",
        "    subtitle: str\n",
    )
    return ["api/core/kinds.py", models, "api/translations/models.py"]


TERM_MODELS = '''"""Glossary terms: a name and what it means."""

from datetime import datetime

from pydantic import ConfigDict
from sqlalchemy import Text
from sqlmodel import Field

from api.core.columns import Tracked
from api.core.fields import Moment
from api.core.readback import Writable
from api.core.slugs import SLUG_MAX, Name, Slug
from api.core.workflow import Status, Workflow
from api.labels.models import LabelPublic
from api.web.pagination import ListParams, sort_query


class Term(Workflow, Tracked, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=SLUG_MAX, unique=True, index=True)
    name: str = Field(max_length=200)
    definition: str = Field(default="", sa_type=Text)


class TermInput(Writable):
    model_config = ConfigDict(extra="forbid")

    slug: Slug | None = None
    name: Name
    definition: str = Field("", max_length=5_000)
    status: Status = Status.draft
    publish_at: Moment | None = None


class TermPublic(LabelPublic):  # a slug and a name, and more
    definition: str
    status: Status
    published_at: datetime | None


class TermListQuery(ListParams):
    sort: str | None = sort_query(("name",), "name")
    q: str | None = Field(None, min_length=1, max_length=200, description="Words in its name.")
'''

TERM_SERVICE = '''"""Every query and rule about glossary terms."""

from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, select

from api import editing
from api.auth.models import ApiKey
from api.core import kinds
from api.core.clock import clock
from api.core.errors import NotFound
from api.core.workflow import readable, shown_fields
from api.terms.models import Term, TermInput, TermListQuery, TermPublic
from api.web import pagination
from api.web.pagination import Page, Sortable, keyset_page, map_page

COLLECTION = kinds.TERM.collection


class TermNotFound(NotFound):
    title = "Term not found"


def find_term(session: Session, ref: str, *, preview: bool, for_update: bool = False) -> Term:
    return editing.find(
        session, Term, COLLECTION, ref, preview=preview, missing=TermNotFound, for_update=for_update
    )


def public_many(session: Session, terms: Sequence[Term], **_: Any) -> list[TermPublic]:
    now = clock.now()
    return [
        TermPublic.model_validate(term, update=shown_fields(COLLECTION, term, now))
        for term in terms
    ]


def to_public(session: Session, term: Term) -> TermPublic:
    return public_many(session, [term])[0]


def list_terms(session: Session, *, query: TermListQuery, preview: bool) -> Page[TermPublic]:
    statement = select(Term).where(readable(Term, preview=preview))
    if query.q:
        statement = statement.where(col(Term.name).icontains(query.q, autoescape=True))
    sortable = Sortable.on(Term, ("name",), default="name")
    page = keyset_page(session, statement, sortable=sortable, params=query)
    return map_page(page, lambda terms: public_many(session, terms))


def _apply(session: Session, term: Term, data: TermInput, _key: ApiKey | None) -> None:
    editing.take_slug(session, COLLECTION, term, data)
    kinds.TERM.assign(term, data)
    editing.apply_workflow(term, data.status, data.publish_at)


KIND = editing.Kind(
    COLLECTION,
    find=lambda session, ref, lock: find_term(session, ref, preview=True, for_update=lock),
    public=to_public,
    document=lambda _session, term: {
        "slug": term.slug, **kinds.TERM.values(term), **editing.workflow_document(term)
    },
)
WRITES = editing.Writes(KIND, TermInput, Term, apply=_apply)
READS = editing.Reads(
    TermPublic,
    TermPublic,
    TermListQuery,
    one=lambda session, ref, *, preview, **_: to_public(
        session, find_term(session, ref, preview=preview)
    ),
    many=lambda session, *, query, preview, **_: list_terms(session, query=query, preview=preview),
)
editing.ROOMS.register(kinds.TERM, WRITES.room(READS, public_many, TermNotFound))
'''

TERM_ROUTER = '''"""HTTP routes for glossary terms."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from api.auth.dependencies import CurrentKey
from api.core import kinds
from api.core.db import SessionDep
from api.routing import content_routes
from api.terms import service
from api.terms.models import TermListQuery, TermPublic
from api.web.http import Ref, represent, represent_page
from api.web.pagination import ListEnvelope

router = APIRouter(prefix="/v1/terms", tags=["terms"])


@router.get("", response_model=ListEnvelope[TermPublic])
def list_terms(
    request: Request, session: SessionDep, key: CurrentKey, query: Annotated[TermListQuery, Query()]
) -> Response:
    page = service.list_terms(session, query=query, preview=key is not None)
    return represent_page(request, page, query, public=key is None)


@router.get("/{ref}", response_model=TermPublic)
def get_term(ref: Ref, request: Request, session: SessionDep, key: CurrentKey) -> Response:
    term = service.find_term(session, ref, preview=key is not None)
    return represent(request, service.to_public(session, term), public=key is None)


content_routes(router, kinds.TERM, TermPublic, "a glossary term")
'''


def _add_a_kind(tree: Path) -> list[str]:
    """The list for a kind, followed: the files it touched, in the list's order."""
    _edit(
        tree,
        "api/core/kinds.py",
        "# In the order lists show them (the OpenAPI document's enums follow it).\n",
        "TERM = Kind(\n"
        '    "term", "terms", "name", workflow=True, translatable=False, searchable=False,\n'
        "    mapped=False, fields=(\n"
        '        Field("name", translated=_, front_matter=_, feed=_),\n'
        '        Field("definition", translated=_, front_matter=_, feed=_),\n'
        "    ),\n"
        ")\n",
    )
    _edit(
        tree,
        "api/core/kinds.py",
        "KINDS: tuple[Kind, ...] = (ARTICLE, ROLE, COMPARISON, AUTHOR, TAG",
        ", TERM",
    )
    _edit(
        tree,
        "api/core/kinds.py",
        'Collection = Literal["articles", "roles", "comparisons", "authors", "tags"',
        ', "terms"',
    )
    _write(tree, "api/terms/__init__.py", "")  # empty: the package
    _write(tree, "api/terms/models.py", TERM_MODELS)
    _write(tree, "api/terms/service.py", TERM_SERVICE)
    _write(tree, "api/terms/router.py", TERM_ROUTER)
    _edit(
        tree,
        "api/models.py",
        "from api.search.models import SearchDocument\n",
        "from api.terms.models import Term, TermPublic\n",
    )
    _edit(tree, "api/models.py", "        kinds.TAG: Tag,\n", "        kinds.TERM: Term,\n")
    _edit(
        tree,
        "api/models.py",
        "        kinds.TAG: LabelPublic,\n",
        "        kinds.TERM: TermPublic,\n",
    )
    _edit(
        tree,
        "api/main.py",
        "from api.roles import router as roles\n",
        "from api.terms import router as terms\n",
    )
    _edit(tree, "api/main.py", "        roles.router,\n", "        terms.router,\n")
    return [
        "api/core/kinds.py",
        "api/terms/models.py",
        "api/terms/service.py",
        "api/terms/router.py",
        "api/models.py",
        "api/main.py",
    ]


def _run(tree: Path, *command: str) -> str:
    done = subprocess.run(
        command,
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, (
        f"{' '.join(command)}:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    )
    return done.stdout


def test_the_readme_lists_are_enough_to_add_a_field_and_a_kind(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    for name in COPIED:
        source = REPO_ROOT / name
        if source.is_dir():
            # Not the editor's node_modules (a link into .venv, 80 MB): nothing here builds it.
            ignored = shutil.ignore_patterns("__pycache__", "node_modules")
            shutil.copytree(source, tree / name, ignore=ignored)
        else:
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, tree / name)
    before = set((tree / "migrations" / "versions").glob("*.py"))

    field_files, kind_files = _add_a_field(tree), _add_a_kind(tree)
    migration = "migrations/versions/"
    assert _listed("Adding a field") == [*field_files, migration]
    assert _listed("Adding a kind") == [*kind_files, migration]
    assert len(field_files) <= 3  # by hand; the migration is made
    assert len(kind_files) <= 6

    venv = REPO_ROOT / ".venv"
    _run(
        tree,
        "make",
        "-o",
        "install-dev",
        "migration",
        f"VENV={venv}",
        # Its own scratch database: the suites of both databases run this test at once.
        f"MIGRATION_DB={tmp_path / 'migration.db'}",
        "MESSAGE=subtitle and terms",
    )
    (made,) = set((tree / "migrations" / "versions").glob("*.py")) - before
    written = made.read_text(encoding="utf-8")
    assert "subtitle" in written
    assert '"term"' in written
    _run(tree, str(venv / "bin" / "ruff"), "format", "--check", str(made))
    assert _run(tree, sys.executable, "-c", "import api; print(api.__file__)").startswith(str(tree))
    ran = _run(
        tree,
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-rA",  # each test's outcome named, to see the new kind's cases among them
        "-p",
        "no:cacheprovider",
        "tests/structure/test_kinds.py",
        "tests/structure/test_layers.py",
        "tests/structure/test_migrations.py",
        "tests/studio/test_lists.py",  # the new kind's list in the studio, made from its room
        "-k",  # of the migrations: the one with rows in every table, and the models' match
        f"({CHOSEN}) and not ({' or '.join(f'[{name}]' for name in _others())})",
    )
    assert "PASSED tests/structure/test_kinds.py::test_every_kind_is_batched" in ran
    assert "_and_exported[term]" in ran
    assert "test_every_kind_has_a_list_with_search_count_and_pages[terms]" in ran


CHOSEN = (
    "not test_migrations and not test_lists or rows_in_every_table"
    " or models_and_migrations_agree or every_kind_has_a_list"
)


def _others() -> list[str]:
    """The cases of the kinds this test leaves alone, by their ids (each kind's name, and its
    collection in the studio's lists): the suite runs them itself. In the copy, the tests run
    for the field's kind (article) and the new one (term), and those of no kind."""
    untouched = [kind for kind in kinds.KINDS if kind.name != "article"]
    return [kind.name for kind in untouched] + [kind.collection for kind in kinds.KINDS]
