"""One comparison world per test module (see tests/compare/world.py)."""

from __future__ import annotations

import pytest

from tests.compare.world import CompareWorld, build_world
from tests.conftest import _transactional


@pytest.fixture(scope="module")
def world(app) -> CompareWorld:
    for database in _transactional(app):
        yield build_world(database, app)
