"""An example on every schema of the OpenAPI document, from the seed page and what an editor
does next: real answers of a real server, made by ``python -m tests.examples`` (``make
openapi``) and kept in ``examples.json`` beside this file. A test checks that each example
still validates against its schema."""

import json
from functools import cache
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).with_name("examples.json")


@cache
def _examples() -> dict[str, Any]:
    if not EXAMPLES.exists():  # while tests.examples makes the file for the first time
        return {}
    loaded: dict[str, Any] = json.loads(EXAMPLES.read_text())
    return loaded


def attach(schemas: dict[str, Any]) -> None:
    """Each component schema gets its example (``examples``, as JSON Schema 2020-12 has it)."""
    for name, example in _examples().items():
        if name in schemas:
            schemas[name]["examples"] = [example]
