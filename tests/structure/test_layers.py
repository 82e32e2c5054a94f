"""The layering written in ``api/__init__.py`` holds: every module imports, belongs to a layer
(the first that names it), and imports nothing from a later layer (lazy imports inside
functions included); no router imports another router."""

import ast
import importlib
import pkgutil
from fnmatch import fnmatchcase

import pytest

import api

MODULES = sorted(
    info.name for info in pkgutil.walk_packages(api.__path__, "api.") if not info.ispkg
)
ROUTERS = "api.*.router"


def layer_of(module: str) -> int:
    """The first layer of ``api.LAYERS`` that names ``module``."""
    for index, (_, patterns) in enumerate(api.LAYERS):
        if any(fnmatchcase(module, pattern) for pattern in patterns):
            return index
    raise AssertionError(f"{module} is in no layer of api.LAYERS")


def imports_of(module: str) -> set[str]:
    """The modules of ``api`` that ``module`` imports, wherever in it the import is."""
    spec = importlib.util.find_spec(module)
    assert spec is not None
    assert spec.origin is not None
    with open(spec.origin, encoding="utf-8") as source:
        tree = ast.parse(source.read())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in MODULES else node.module)
    return {name for name in found if name in MODULES}


def test_every_module_imports_and_has_one_layer() -> None:
    assert len(MODULES) > 70
    for module in MODULES:
        importlib.import_module(module)
        layer_of(module)


@pytest.mark.parametrize("module", MODULES)
def test_no_module_imports_from_a_later_layer(module: str) -> None:
    own = layer_of(module)
    for imported in sorted(imports_of(module)):
        if imported == module:
            continue
        name, _ = api.LAYERS[layer_of(imported)]
        assert layer_of(imported) <= own, (
            f"{module} ({api.LAYERS[own][0]}) imports {imported} ({name})"
        )
        if fnmatchcase(module, ROUTERS):
            assert not fnmatchcase(imported, ROUTERS), f"{module} imports the router {imported}"


def test_the_check_sees_a_violation() -> None:
    """A later layer's module is refused: the test above could fail."""
    assert layer_of("api.core.db") < layer_of("api.articles.service") < layer_of("api.main")
    assert "api.core.clock" in imports_of("api.articles.service")
    assert "api.core.db" in imports_of("api.editing")  # "from api.core import db"


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of ``graph`` (module → the modules it imports), if it has one."""
    done: set[str] = set()
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done:
            return None
        path.append(module)
        for imported in sorted(graph.get(module, ())):
            found = visit(imported)
            if found:
                return found
        path.pop()
        done.add(module)
        return None

    for module in sorted(graph):
        found = visit(module)
        if found:
            return found
    return None


def test_no_module_imports_one_that_imports_it_back() -> None:
    """Directly or through others, lazy imports included."""
    graph = {m: imports_of(m) - {m} for m in MODULES}
    assert _cycle(graph) is None, " → ".join(_cycle(graph) or [])
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]  # it can fail


def test_no_module_is_over_600_lines() -> None:
    """A module that grows past it is split by job (as web/cache.py and the services were)."""
    for module in MODULES:
        spec = importlib.util.find_spec(module)
        assert spec is not None
        assert spec.origin is not None
        with open(spec.origin, encoding="utf-8") as source:
            lines = sum(1 for _ in source)
        assert lines <= 600, f"{module}: {lines} lines"
