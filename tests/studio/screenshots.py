"""The screenshots of the studio that ``docs/studio.md`` and the README show, taken from a
live server on a new SQLite database with the seed: ``make screenshots`` (run it after a
change to the studio's pages, and commit the pictures that change)."""

import os
import sys
import tempfile
from pathlib import Path

import httpx2 as httpx
from sqlmodel import Session

from api.core.config import REPO_ROOT
from tests.assets.images import png
from tests.browser import browser
from tests.conftest import running_server, seeded_database
from tests.helpers import make_person

PASSWORD = "correct horse battery staple"


def main(out: Path) -> None:
    os.environ.setdefault("DATABASE_URL", "sqlite://")
    with tempfile.TemporaryDirectory() as scratch, seeded_database(Path(scratch)) as db:
        with Session(db.engine) as session:
            _, key = make_person(session, "editor", password=PASSWORD)
        env = {"FOLIO_MEDIA_DIR": str(Path(scratch) / "media"), "FOLIO_RATE_LIMIT_ANONYMOUS": "off"}
        with running_server(db.url, Path(scratch) / "server.log", env) as base:
            httpx.post(
                f"{base}/v1/assets",
                headers=key,
                files={"file": ("chart.png", png(640, 400, (37, 99, 235)), "image/png")},
                data={"alt": "A blue chart"},
            ).raise_for_status()
            for made in browser():
                page = made.page
                page.set_viewport_size({"width": 1400, "height": 900})
                page.goto(f"{base}/studio")
                page.get_by_label("Email").fill("editor@example.org")
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                page.get_by_role("heading", name="Dashboard").wait_for()
                page.goto(f"{base}/studio/articles")
                page.get_by_role("heading", name="Articles").wait_for()
                page.screenshot(path=str(out / "studio-articles.png"))
                page.goto(f"{base}/studio/articles/1")
                page.get_by_role("textbox", name="Body").wait_for()
                page.wait_for_timeout(500)  # the preview's frame
                page.screenshot(path=str(out / "studio-editor.png"))
                page.goto(f"{base}/studio/media")
                page.screenshot(path=str(out / "studio-media.png"))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO_ROOT / "docs")
