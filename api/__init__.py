"""Folio: a headless content API for articles, roles and comparisons of roles.

Layers, each importing only from the ones before it:

1. core modules: ``config``, ``db``, ``errors``, ``http``, ``cache``, ``urls``, ``slugs``,
   ``pagination``;
2. every domain's ``models`` (tables and schemas), which import only core modules and each
   other's models: ``authors``, ``roles``, ``comparisons``, ``articles``;
3. services, in this order: ``authors``, ``roles``, ``comparisons``, ``articles``, then ``seed``.
   A service reads any domain's tables but calls only the services of earlier domains;
4. routers (HTTP only), then ``main`` and ``cli``, which wire everything together.

A router never imports another router.
"""
