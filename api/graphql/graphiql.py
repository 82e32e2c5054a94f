"""GraphiQL, the in-browser IDE for GraphQL, at ``/graphql`` for a browser that asks for a
page: its script and stylesheet are served by Folio (built with the studio's, in
``api/studio/static``), never from a CDN, so it works with no internet and under a strict
Content-Security-Policy."""

from html import escape

from starlette.requests import Request

ASSETS = "/studio/static"
# What the page may load: its own script and stylesheet, GraphiQL's inline styles, and the
# fonts and pictures its stylesheet names (files beside it); it talks to this server only.
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline';"
    " font-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none';"
    " form-action 'none'; frame-ancestors 'none'"
)
FIRST_QUERY = """# Folio's content, read-only: Ctrl-Enter runs a query, the Docs pane lists every
# field. Drafts need a key: add {"Authorization": "Bearer …"} under Headers.
{
  article(id: 1) {
    title
    author { name }
    roles { name definition }
    comparisons {
      title
      rows { dimension cells { role text } }
    }
  }
}
"""


def wanted(request: Request) -> bool:
    """Whether a GET with no query is a browser's for the page (it accepts HTML)."""
    return "text/html" in request.headers.get("accept", "")


def page(endpoint: str) -> str:
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Folio GraphQL</title>
<link rel="stylesheet" href="{ASSETS}/vendor/graphiql.min.css">
<style>html, body, #graphiql {{ height: 100%; margin: 0; }}</style>
</head>
<body>
<main id="graphiql" data-endpoint="{escape(endpoint)}" data-query="{escape(FIRST_QUERY)}">
<p>GraphiQL needs JavaScript. Queries also go to {escape(endpoint)} by POST or GET.</p>
</main>
<script type="module" src="{ASSETS}/graphiql.js"></script>
</body>
</html>
"""
