"""Writing Markdown safely: text escaped so it stays text, links that stay links."""

import re

# Hand-written: markdown-it-py parses but has no escaping helper. Escapes the characters that
# would start inline markup, and the ones that would start a block at the head of a line.
_INLINE = re.compile(r"([\\`*_\[\]<>|!#~])")
_BLOCK_START = re.compile(r"^(\s*)([-+=>]|\d+[.)])(?=\s|$)", re.MULTILINE)
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")  # "&amp;" would read as "&"
_URL_UNSAFE = str.maketrans({" ": "%20", "(": "\\(", ")": "\\)", "<": "%3C", ">": "%3E"})


def escape(text: str) -> str:
    escaped = _ENTITY.sub(r"\\&", _INLINE.sub(r"\\\1", text))
    return _BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def url(target: str) -> str:
    """A URL as a link destination: spaces and angle brackets encoded, parentheses escaped
    (read back as themselves)."""
    return target.translate(_URL_UNSAFE)


def link(text: str, target: str) -> str:
    return f"[{escape(text)}]({url(target)})"


def table(header: list[str], rows: list[list[str]]) -> str:
    """A GFM table; cells are Markdown already (escape them first)."""
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return "\n".join(lines)
