"""Shareable previews: a link that shows one unpublished article to someone without a key."""
