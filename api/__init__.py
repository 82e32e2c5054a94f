"""Folio: a headless content API for articles, roles and comparisons of roles.

The code is in layers; a module imports only from its own layer and the ones before it
(``LAYERS``, in order: a module is in the first layer that names it;
``tests/structure/test_layers.py`` checks every import):

- ``core``: settings, time, the database, errors, field types, slugs, URLs, the workflow;
- ``web``: HTTP details every route shares (representations, pagination, the response cache,
  metrics, rate limits, the OpenAPI document, the server's connection guards);
- ``models``: every domain's tables and schemas, which may import each other;
- ``writes``: what every write shares — the search index, the event log, revisions, the roles'
  rules and the audit trail, the write frame (``editing``), idempotency and reading translations;
- the services, one layer each, in this order: ``auth`` (keys, people, the audit trail),
  ``labels`` (authors and tags),
  ``assets`` (media), ``roles``, ``comparisons``, a role's page with its comparisons,
  ``articles``, then ``translations``,
  ``previews``, ``batch``, ``schedule``, ``seed``, ``search``, ``trash``, ``changes``,
  ``feeds``, ``sharing``, ``webhooks``, ``transfer``, ``warm``, ``purge``, replacing an
  asset's file where content shows it (``api.assets.replace``). A service reads any
  domain's tables but calls only the services before it;
- ``rooms``: the room of a kind added since (``api/<kind>/service.py``), after every service:
  it may call any of them, and none calls it (the trash, batch, search, exports and the rest
  reach it through the registry of kinds);
- ``graphql``: the GraphQL schema made from the registry of kinds, its limits and its persisted
  queries, calling the services as REST's routes do;
- ``routes``: HTTP only — each domain's router, its dependencies and ``routing``, and the
  studio's pages (``api.studio``: server-rendered HTML for people); a router never imports
  another router;
- ``app``: ``main`` and ``cli``, which wire everything together.
"""

LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("core", ("api.core.*",)),
    ("web", ("api.web.*",)),
    ("models", ("api.*.models", "api.models", "api.articles.blocks")),
    (
        "writes",
        (
            "api.search.query",
            "api.search.index",
            "api.events.service",
            "api.history.service",
            "api.people.passwords",
            "api.people.rules",
            "api.audit.record",
            "api.reads",
            "api.editing",
            "api.idempotency.service",
            "api.translations.reading",
        ),
    ),
    (
        "auth",
        (
            "api.auth.service",
            "api.people.mail",
            "api.people.service",
            "api.people.sessions",
            "api.audit.service",
        ),
    ),
    ("labels", ("api.labels.service",)),
    ("assets", ("api.assets.images", "api.assets.storage", "api.assets.service")),
    ("roles", ("api.roles.service",)),
    (
        "comparisons",
        (
            "api.comparisons.output",
            "api.comparisons.queries",
            "api.comparisons.service",
            "api.comparisons.rows",
            "api.comparisons.render",
        ),
    ),
    ("role pages", ("api.roles.page",)),
    (
        "articles",
        (
            "api.articles.prosemirror",
            "api.articles.markdown",
            "api.articles.body",
            "api.articles.output",
            "api.articles.queries",
            "api.articles.tables",
            "api.articles.service",
            "api.articles.page",
            "api.articles.render",
            "api.articles.as_markdown",
            "api.articles.jsonld",
        ),
    ),
    ("translations", ("api.translations.service",)),
    ("previews", ("api.previews.service",)),
    ("batch", ("api.batch.service",)),
    ("schedule", ("api.schedule",)),
    ("seed", ("api.seed",)),
    ("search", ("api.search.service",)),
    ("trash", ("api.trash.service",)),
    ("changes", ("api.changes.service", "api.changes.stream")),
    ("feeds", ("api.feeds.render",)),
    ("sharing", ("api.sharing.cards", "api.sharing.embed", "api.sharing.service")),
    ("webhooks", ("api.webhooks.targets", "api.webhooks.service", "api.webhooks.worker")),
    ("transfer", ("api.transfer.service", "api.transfer.export", "api.transfer.markdown")),
    ("warm", ("api.warm",)),
    ("purge", ("api.purge.service",)),
    ("replace media", ("api.assets.replace",)),
    ("rooms", ("api.*.service", "api.*.queries", "api.*.output")),
    (
        "graphql",
        (
            "api.graphql.types",
            "api.graphql.schema",
            "api.graphql.limits",
            "api.graphql.persisted",
            "api.graphql.graphiql",
        ),
    ),
    (
        "routes",
        (
            "api.auth.dependencies",
            "api.routing",
            "api.studio.guard",
            "api.studio.pages",
            "api.studio.forms",
            "api.studio.grid",
            "api.studio.documents",
            "api.studio.translations",
            "api.studio.dashboard",
            "api.studio.articles",
            "api.studio.media",
            "api.studio.lists",
            "api.studio.admin",
            "api.*.router",
        ),
    ),
    ("app", ("api.main", "api.cli")),
)
