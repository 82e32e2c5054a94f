"""A person of each role, signed in to the studio through ``client``: ask for ``editor``,
``admin``, ``author`` or ``contributor`` (the person, made in the test's database)."""

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.people.models import User
from tests.studio.test_article_pages import as_person


def _signed_in(role: str) -> Callable[..., User]:
    @pytest.fixture(name=role)
    def person(client: TestClient, session: Session) -> User:
        return as_person(client, session, role)

    return person


editor, admin, author, contributor = map(_signed_in, ("editor", "admin", "author", "contributor"))
