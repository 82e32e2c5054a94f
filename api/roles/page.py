"""A role's page with its comparisons whole, rows and cells included (after the comparisons' room,
whose tables it shows)."""

from sqlmodel import Session

from api.comparisons.models import RoleWithComparisons
from api.comparisons.output import load_comparisons
from api.roles import service as roles_service


def get_role_with_comparisons(
    session: Session,
    ref: str,
    *,
    preview: bool,
    locale: str | None = None,
    accept_language: str | None = None,
) -> RoleWithComparisons:
    """A role page whose comparisons come whole, rows and cells included."""
    role = roles_service.get_role(
        session, ref, preview=preview, locale=locale, accept_language=accept_language
    )
    tables = load_comparisons(session, [c.id for c in role.comparisons], preview=preview)
    whole = [tables[c.id] for c in role.comparisons]
    return RoleWithComparisons.model_validate({**role.model_dump(), "comparisons": whole})
