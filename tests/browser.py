"""A real browser for the studio's tests: Playwright driving Debian's Chromium (no browser
download, no route off loopback), with the pages' own Content-Security-Policy enforced and
every violation of it counted, and axe-core (pinned from npm) to check a page's accessibility.
"""

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import Page, expect, sync_playwright

from api.core.config import REPO_ROOT
from tests.helpers import CHROMIUM_FLAGS

# What a page is given to show what a step made (a preview redrawn, a list after a save)
# before an expectation fails: Playwright's 5 s are not enough when both cores run the other
# suites (a preview's image, drawn after a save and a debounce, took longer once).
expect.set_options(timeout=20_000)

AXE = REPO_ROOT / ".venv" / "js" / "node_modules" / "axe-core" / "axe.min.js"
# Each violation of a page's CSP, as the browser reports it (an event in the page, logged).
_WATCH_CSP = """document.addEventListener("securitypolicyviolation", (e) =>
  console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));"""


@dataclass
class Browser:
    page: Page
    violations: list[str] = field(default_factory=list)
    launched: Any = None

    def another(self) -> "Browser":
        """Another person at another computer: a page in a context of its own (no cookie
        shared), in the same browser, watched the same way."""
        return _watched(self.launched)


def _watched(launched: Any) -> Browser:
    context = launched.new_context()
    # Scripts given by the test run before the page's, whatever its CSP says.
    context.add_init_script(script=_WATCH_CSP)
    context.add_init_script(path=str(AXE))
    made = Browser(context.new_page(), launched=launched)
    made.page.on(
        "console",
        lambda message: (
            made.violations.append(message.text)
            if "Content Security Policy" in message.text or "CSP violation" in message.text
            else None
        ),
    )
    return made


def browser() -> Iterator[Browser]:
    """A fresh browser and page (for a fixture to yield)."""
    executable = shutil.which("chromium")
    assert executable, "Chromium is missing: `make test` installs Debian's chromium package"
    assert AXE.exists(), "axe-core is missing: `make install-dev` installs it"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable,
            args=[*CHROMIUM_FLAGS, "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"],
        )
        try:
            yield _watched(launched)
        finally:
            launched.close()


def accessible(page: Page) -> list[str]:
    """What axe-core finds wrong with the page as it is (WCAG 2.2 A and AA, best practices)."""
    found: list[str] = page.evaluate(
        "async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag22aa',"
        " 'best-practice']})).violations"
        ".map(v => `${v.id}: ${v.nodes.map(n => n.target).join(' ')}`)"
    )
    return found
