"""The asynchronous client (hand-written; ``_sync`` is generated from it)."""
