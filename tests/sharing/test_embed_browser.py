"""A comparison embedded as a publisher would embed it: a page on another origin holds the
iframe that oEmbed gives, and a real browser (headless Chromium, no route off loopback) draws
the table inside it."""

import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from PIL import Image

from tests.helpers import chromium

TABLE = "ai-operating-partner-vs-fractional-caio"
TEAL = (13, 148, 136)  # the column headers' colour in the embed page


@pytest.fixture
def publisher(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A loopback web server of the publisher's pages (another origin than Folio's)."""
    site = tmp_path / "site"
    site.mkdir()

    class Pages(SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(site), **kwargs)  # type: ignore[arg-type]

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", site
    finally:
        server.shutdown()
        server.server_close()


def _teal(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    """How many pixels inside ``box`` are (nearly) the headers' teal."""
    region = image.convert("RGB").crop(box)
    colours: list[tuple[int, Any]] = list(region.getcolors(maxcolors=1 << 20) or [])
    return sum(
        count
        for count, (r, g, b) in colours
        if abs(r - TEAL[0]) < 40 and abs(g - TEAL[1]) < 40 and abs(b - TEAL[2]) < 40
    )


def test_a_page_embedding_a_comparison_through_oembed_shows_the_table(
    live_server: str, publisher: tuple[str, Path], tmp_path: Path
) -> None:
    origin, site = publisher
    oembed = httpx.get(
        f"{live_server}/v1/oembed", params={"url": f"{live_server}/v1/comparisons/{TABLE}"}
    ).json()
    assert oembed["type"] == "rich"
    frame = (0, 80, oembed["width"], 80 + oembed["height"])
    page = (
        "<!doctype html><html><head><meta charset='utf-8'><style>body{margin:0;background:#fff}"
        "h1{height:80px;margin:0;font:20px sans-serif}</style></head><body>"
        f"<h1>A publisher's post</h1>{oembed['html']}</body></html>"
    )
    (site / "post.html").write_text(page)
    (site / "empty.html").write_text(page.replace(oembed["html"], ""))
    shots = {}
    for name in ("post", "empty"):
        out = tmp_path / f"{name}.png"
        chromium(f"{origin}/{name}.html", tmp_path / f"profile-{name}", f"--screenshot={out}")
        shots[name] = Image.open(out)
    # The table is drawn in the frame: its teal column headers, and a lot of ink.
    assert _teal(shots["post"], frame) > 200
    assert _teal(shots["empty"], frame) == 0
    inked = shots["post"].convert("L").crop(frame).point(lambda v: 255 if v < 128 else 0)
    assert inked.histogram()[255] > 2000
