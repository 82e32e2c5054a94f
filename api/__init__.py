"""Folio: a headless content API for articles, roles and comparisons of roles.

Layers, each importing only from the ones before it:

1. core modules: ``config``, ``clock``, ``db``, ``errors``, ``slugs``, ``urls``, ``refs``,
   ``pagination``, ``workflow``, ``markdown``, ``http``, ``cache``;
2. every domain's ``models`` (tables and schemas), which import only core modules and each
   other's models: ``authors``, ``tags``, ``roles``, ``comparisons``, ``articles``, ``auth``,
   ``history``, ``search``, ``events``, ``webhooks``, ``idempotency``;
3. what every write shares: ``search.index``, ``events.service``, ``history.service``, then
   ``editing`` (preconditions, merge patches, revisions, slugs, events, the commit) and
   ``labels`` (authors and tags);
4. services, in this order: ``auth``, ``authors``/``tags``, ``roles``, ``comparisons``,
   ``articles``, then ``schedule``, ``seed``, ``search``, ``trash``, ``changes``, ``feeds``,
   ``webhooks``, ``transfer``. A service reads any domain's tables but calls only the services
   of earlier domains;
5. routers (HTTP only) with ``routing`` and ``label_router``, then ``metrics``, ``main`` and
   ``cli``, which wire everything together.

A router never imports another router.
"""
