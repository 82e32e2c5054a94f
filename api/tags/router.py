"""HTTP routes for tags."""

from api.label_router import label_router
from api.tags.service import tags

router = label_router(tags)
