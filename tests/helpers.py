"""Small builders for test data, written through the services like real content."""

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any, cast

import httpx2 as httpx
import pytest
from sqlmodel import Session

from api.articles import service as articles_service
from api.articles.blocks import text_block
from api.articles.models import Article, ArticleInput
from api.core.workflow import Status
from api.labels.service import authors

_serial = count(1)


def make_article(
    session: Session,
    *,
    title: str | None = None,
    status: Status = Status.published,
    published_at: datetime | None = None,
    blocks: list[Any] | None = None,
    summary: str = "A summary.",
    **fields: Any,
) -> Article:
    """An article (flushed; the test commits), published an hour after the previous one."""
    n = next(_serial)
    title = title or f"Generated article {n}"
    authors.ensure(session, name="Test Author")
    defaults: dict[str, Any] = {
        "slug": f"generated-article-{n}",
        "category": "Test",
        "reading_time_minutes": 3,
        "author": "test-author",
    }
    data = ArticleInput(
        **{**defaults, **fields},
        title=title,
        status=status,
        publish_at=published_at or datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=n),
        summary=summary,
        body=blocks if blocks is not None else [text_block(f"Body of {title}.")],
    )
    return articles_service.create_article(session, data, key=None)


# The seed page's comparison table: dimension, then the two roles' cells.
EXPECTED_ROWS = [
    (
        "Primary job",
        "Drive portfolio-level value creation through AI workflows",
        "Set AI strategy, governance, roadmap, and executive alignment",
    ),
    (
        "Typical buyer",
        "PE firm, holding company, or multi-location operator",
        "Single company CEO, board, or executive team",
    ),
    (
        "Accountability",
        "EBITDA, revenue, cycle time, labor leverage, reusable playbooks",
        "AI governance, roadmap quality, prioritization, vendor direction",
    ),
    (
        "Operating cadence",
        "Weekly with operators and monthly with board or sponsor team",
        "Monthly or biweekly with executive stakeholders",
    ),
    (
        "Implementation ownership",
        "Owns deployment rhythm and cross-company reuse",
        "May advise implementation but often does not run daily execution",
    ),
    (
        "Best use case",
        "Portfolio with repeatable workflows across multiple companies",
        "Company that needs senior AI leadership without a full-time hire",
    ),
]


def body_of(response: Any) -> dict[str, Any]:
    """A JSON object answer, typed for the checker."""
    return cast(dict[str, Any], response.json())


def block(text: str, **fields: Any) -> dict[str, Any]:
    """A Portable Text block of plain text, as JSON (``style``, ``listItem``… in ``fields``)."""
    return {"_type": "block", "children": [{"_type": "span", "text": text}], **fields}


# The editor's link to a role (ProseMirror's mark, as the studio's Tiptap sends it).
ROLE_LINK = {"type": "link", "attrs": {"roleId": 2}}


def paragraph_doc(*runs: str | tuple[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """A ProseMirror document of one paragraph: each run is plain text or (text, marks)."""
    content = [
        {"type": "text", "text": run}
        if isinstance(run, str)
        else {"type": "text", "text": run[0], "marks": run[1]}
        for run in runs
    ]
    return {"type": "doc", "content": [{"type": "paragraph", "content": content}]}


def linking(text: str, span: str, **target: Any) -> dict[str, Any]:
    """A Portable Text block of ``text`` whose ``span`` links to ``target`` (``href=``,
    ``role_id=`` or ``article_id=``), as JSON."""
    before, after = text.split(span, 1)
    children: list[dict[str, Any]] = [
        {"_type": "span", "text": before},
        {"_type": "span", "text": span, "marks": ["link1"]},
        {"_type": "span", "text": after},
    ]
    return {
        "_type": "block",
        "children": [c for c in children if c["text"]],
        "markDefs": [{"_type": "link", "_key": "link1", **target}],
    }


def staged_for_node(packages: str, files: dict[str, bytes]) -> Path:
    """``files`` (relative path → bytes) copied into a folder inside the virtualenv's
    ``packages`` folder (``js`` or ``ts``, where ``make install`` put the npm packages), so
    that Node and tsc resolve their imports there: a module is looked up from the importing
    file's folder upwards. The folder is named by the content and written whole, since both
    suites run at once."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name] + b"\0")
    folder = Path(sys.prefix) / packages / f"stage-{digest.hexdigest()[:16]}"
    if not folder.exists():
        partial = folder.with_name(f"{folder.name}.{os.getpid()}.part")
        shutil.rmtree(partial, ignore_errors=True)
        for name, content in files.items():
            (partial / name).parent.mkdir(parents=True, exist_ok=True)
            (partial / name).write_bytes(content)
        try:
            partial.rename(folder)
        except OSError:  # the other suite staged the same files first
            shutil.rmtree(partial, ignore_errors=True)
    return folder


# Root may not sandbox; the rest spare the suite's two cores what a test never uses (a
# software GPU, extensions, background fetches and updates): a seventh less of a test's CPU.
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--no-first-run",
)


def chromium(url: str, profile: Path, *what: str) -> str:
    """Debian's Chromium, headless, with every host name but loopback unresolvable (a machine
    without internet); what it prints (``--dump-dom``) or wrote (``--screenshot``)."""
    browser = shutil.which("chromium")
    assert browser, "Chromium is missing: `make test` installs Debian's chromium package"
    done = subprocess.run(
        [
            browser,
            "--headless",
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",  # both suites run a browser at once
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
            "--virtual-time-budget=20000",  # until the page's scripts have fetched and drawn
            "--window-size=1280,900",
            *what,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def public_listings(base: str) -> list[object]:
    """What a reader sees listed (the feed, the sitemap, the article list): an example that
    left something behind would change it."""
    with httpx.Client(base_url=base, timeout=10) as http:
        return [
            http.get("/v1/feeds/articles.json").json()["items"],
            http.get("/sitemap.xml").text,
            http.get("/v1/articles").json()["data"],
        ]


class Relay:
    """A TCP relay on loopback to ``target`` (a database), for outages: it listens once
    ``start`` is called; ``cut`` closes it and every connection (refused at once);
    ``black_hole`` makes it a dead network: it keeps every connection open and acknowledges
    what it is sent but forwards nothing, and leaves new connections silent; ``restore``
    forwards new connections again (the black-holed ones stay dead, as after a partition)."""

    def __init__(self, target: tuple[str, int], port: int) -> None:
        self.target, self.port = target, port
        self._server: socket.socket | None = None
        self._sockets: list[socket.socket] = []
        self._epoch = 0  # connections of an older epoch forward nothing
        self._holed = False

    def start(self) -> None:
        self._server = socket.create_server(("127.0.0.1", self.port), reuse_port=True)
        threading.Thread(target=self._accept, args=(self._server,), daemon=True).start()

    def black_hole(self) -> None:
        self._holed = True
        self._epoch += 1

    def restore(self) -> None:
        self._holed = False

    def cut(self) -> None:
        for sock in [self._server, *self._sockets]:
            if sock is not None:
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
        self._server, self._sockets = None, []

    def _accept(self, server: socket.socket) -> None:
        with suppress(OSError):
            while len(self._sockets) < 400:  # bounded: a test opens a few dozen
                client, _ = server.accept()
                self._sockets.append(client)
                if self._holed:
                    threading.Thread(
                        target=self._pipe, args=(client, None, -1), daemon=True
                    ).start()
                    continue
                upstream = socket.create_connection(self.target)
                self._sockets.append(upstream)
                for a, b in ((client, upstream), (upstream, client)):
                    threading.Thread(
                        target=self._pipe, args=(a, b, self._epoch), daemon=True
                    ).start()

    def _pipe(self, source: socket.socket, sink: socket.socket | None, epoch: int) -> None:
        with suppress(OSError):
            while data := source.recv(65536):
                if sink is not None and epoch == self._epoch:
                    sink.sendall(data)  # else: read, acknowledged and dropped
        if sink is not None and epoch == self._epoch:
            with suppress(OSError):
                sink.shutdown(socket.SHUT_WR)


# A write a test expects refused: the changes it sends, the status and the error's ``loc``.
Refusal = tuple[dict[str, Any], int, list[str]]


def refused_creations(
    path: str,
    refusals: list[Refusal],
    body: Callable[[dict[str, Any]], dict[str, Any]],
    state: Callable[[Session], object],
) -> Callable[..., None]:
    """A test, parametrized by ``refusals``: a POST to ``path`` of ``body(changes)`` with a
    write key is refused with the status as problem+json naming the ``loc`` (its start), and
    leaves the database as it was (``state(session)`` the same before and after)."""

    @pytest.mark.parametrize("refusal", refusals)
    def test(client: Any, keys: Any, session: Session, refusal: Refusal) -> None:
        changes, status, loc = refusal
        before = state(session)
        response = client.post(path, json=body(changes), headers=keys.auth("write"))
        assert response.status_code == status, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert [str(p) for p in response.json()["errors"][0]["loc"]][: len(loc)] == loc
        assert state(session) == before

    return cast(Callable[..., None], test)


def published_german_role(client: Any, headers: dict[str, str], definition: str) -> Any:
    """Fractional CAIO's German translation ("Teilzeit-CAIO"), put and published: the answer."""
    answer = client.put(
        "/v1/roles/fractional-caio/translations/de",
        json={"name": "Teilzeit-CAIO", "definition": definition, "status": "published"},
        headers=headers,
    )
    assert answer.status_code == 201, answer.text
    return answer


def key_in(engine: Any, name: str, scope: str) -> str:
    """The token of a new key of ``scope`` ("read", "write", "admin") in the database of
    ``engine`` (committed: a server on that database accepts it at once)."""
    from api.auth import service as auth_service
    from api.auth.models import KeyCreate, Scope

    with Session(engine) as session:
        made = auth_service.create_key(session, KeyCreate(name=name, scope=Scope(scope)))
        session.commit()
    return made.token


def version_of(session: Session, model: Any, row_id: int) -> int:
    """The version of a row as the database holds it now (the session's copy forgotten)."""
    session.expire_all()
    row = session.get(model, row_id)
    assert row is not None
    return int(row.version)


def scheduled_article(client: Any, headers: dict[str, str], title: str, due: datetime) -> Any:
    """A new article scheduled to publish itself at ``due``, through the API: its JSON."""
    answer = client.post(
        "/v1/articles",
        json={"title": title, "status": "scheduled", "publish_at": due.isoformat()},
        headers=headers,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def make_person(
    session: Session, role: str, *, email: str | None = None, password: str | None = None
) -> tuple[Any, dict[str, str]]:
    """A person of ``role`` (committed in the test's transaction) and the headers of a key of
    theirs with the most their role allows (admin scope for an admin, write for the others)."""
    from api.auth import service as auth_service
    from api.auth.models import KeyCreate, Scope
    from api.core import db
    from api.people import service as people_service
    from api.people.models import UserCreate, UserRole

    db.begin_write(session)
    data = UserCreate(email=email or f"{role}@example.org", name=role.title(), role=UserRole(role))
    user = people_service.create_user(session, data, password=password)
    session.commit()
    scope = Scope.admin if role == "admin" else Scope.write
    key = auth_service.create_key(
        session, KeyCreate(name=f"{role}-{user.id}", scope=scope, user_id=user.id)
    )
    return user, {"Authorization": f"Bearer {key.token}"}
