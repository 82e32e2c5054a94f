"""HTTP routes for authors."""

from api.authors.service import authors
from api.label_router import label_router

router = label_router(authors)
