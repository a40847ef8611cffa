import pytest

from hakobou.testing.cast import Cast, make_cast

pytest_plugins = ["hakobou.testing.browser"]


@pytest.fixture
def cast(db) -> Cast:
    return make_cast()
