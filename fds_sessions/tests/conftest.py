"""Fixtures of the FDS / P2K2 tests (the service tests here and the page tests in views/)."""

import pytest

from fds_sessions import services
from fds_sessions.tests.factories import GroupFactory, curriculum
from fds_sessions.tests.helpers import today


@pytest.fixture
def group(facilitator):
    return GroupFactory(facilitator=facilitator, name="Melati Patalan")


@pytest.fixture
def planned(group, facilitator):
    return services.session_plan(
        group=group, date=today(), module_session=curriculum(1)[0], by=facilitator
    )
