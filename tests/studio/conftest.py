"""A person of each role, signed in to the studio through ``client``: ask for ``editor``,
``admin``, ``author`` or ``contributor`` (the person, made in the test's database)."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.people.models import User
from tests.studio.test_article_pages import as_person


@pytest.fixture
def editor(client: TestClient, session: Session) -> User:
    return as_person(client, session, "editor")


@pytest.fixture
def admin(client: TestClient, session: Session) -> User:
    return as_person(client, session, "admin")


@pytest.fixture
def author(client: TestClient, session: Session) -> User:
    return as_person(client, session, "author")


@pytest.fixture
def contributor(client: TestClient, session: Session) -> User:
    return as_person(client, session, "contributor")
