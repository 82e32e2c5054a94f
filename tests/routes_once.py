"""The routes' handlers built once per test process, not once per app.

FastAPI builds every included route again for each app that includes it (its dependant, its
parameters' and response's fields), on the app's first request. A server builds them once;
the suite makes an app for almost every test, and this rebuilding was a fifth of its CPU.
Here the first app's handlers serve every later app whose inclusion is the same (prefix,
dependencies, tags and the rest, compared as FastAPI's own dataclass compares them), but for
the app that provides dependency overrides: Folio never sets any (checked: an app that does
gets its own handlers, as FastAPI would build them).

FastAPI has no public way to share built routes between apps, hence this small patch of one
private method; ``install`` fails loudly if FastAPI's internals move, rather than letting the
suite silently slow down."""

import dataclasses
from typing import Any

from fastapi import routing

# By the route's id; each entry holds its route, so no other route can take that id.
_BUILT: dict[int, list[tuple[Any, Any, Any]]] = {}


def install() -> None:
    included = routing._IncludedRouter
    build = included._build_effective_context
    assert "dependency_overrides_provider" in {
        f.name for f in dataclasses.fields(routing._RouterIncludeContext)
    }, "FastAPI's inclusion context changed: tests/routes_once.py needs a look"

    def built_once(self: Any, route: Any) -> Any:
        context = self.include_context
        provider = context.dependency_overrides_provider
        if getattr(provider, "dependency_overrides", None):
            return build(self, route)
        key = dataclasses.replace(context, dependency_overrides_provider=None)
        same_route = _BUILT.setdefault(id(route), [])
        for held, seen, effective in same_route:
            if held is route and seen == key:
                return effective
        effective = build(self, route)
        same_route.append((route, key, effective))
        return effective

    included._build_effective_context = built_once  # type: ignore[method-assign]
