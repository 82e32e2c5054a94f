"""Makes the client's generated parts again: ``models.py`` from Folio's ``openapi.json``
(datamodel-code-generator, as ``[tool.datamodel-codegen]`` in pyproject.toml says) and the
synchronous client from the asynchronous one (unasync). ``make openapi`` runs it; a test runs
it into a temporary folder and compares.

    python clients/python/generate.py [OUTPUT_PACKAGE_FOLDER]
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import unasync

HERE = Path(__file__).resolve().parent
PACKAGE = HERE / "src" / "folio_client"
# The asynchronous names and their synchronous twins (unasync changes async/await,
# AsyncIterator, __aenter__… by itself).
SYNC_NAMES = {
    "AsyncFolio": "Folio",
    "AsyncCollection": "Collection",
    "AsyncArticles": "Articles",
    "AsyncComparisons": "Comparisons",
    "AsyncClient": "Client",
    "aclose": "close",
    "asleep": "sleep",
}


def generate(out: Path) -> None:
    """Writes ``models.py`` and ``_sync/client.py`` into the package folder ``out``."""
    models = out / "models.py"
    subprocess.run(
        [Path(sys.executable).parent / "datamodel-codegen", "--output", str(models)],
        cwd=HERE,
        check=True,
    )
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "_async" / "client.py"
        source.parent.mkdir()
        shutil.copy(PACKAGE / "_async" / "client.py", source)
        unasync.unasync_files([str(source)], [unasync.Rule("/_async/", "/_sync/", SYNC_NAMES)])
        text = (Path(work) / "_sync" / "client.py").read_text()
    header = '"""Generated from ``_async/client.py`` by unasync (make openapi): do not edit.\n\n'
    (out / "_sync").mkdir(parents=True, exist_ok=True)
    (out / "_sync" / "client.py").write_text(header + text.removeprefix('"""'))
    # Laid out as the package's ruff settings say wherever ``out`` is (lines that lost
    # "async " and "await " too).
    ruff = Path(sys.executable).parent / "ruff"
    config = ["--config", str(HERE / "pyproject.toml")]
    outputs = [str(models), str(out / "_sync" / "client.py")]
    subprocess.run([ruff, "format", "--quiet", *config, *outputs], cwd=HERE, check=True)


if __name__ == "__main__":
    generate(Path(sys.argv[1]) if len(sys.argv) > 1 else PACKAGE)
