"""Purging the HTTP caches in front (``FOLIO_PURGE_URLS``) by surrogate key, from the worker."""
