import pytest

from hakobou.testing.cast import Cast, make_cast

pytest_plugins = ["hakobou.testing.browser", "hakobou.testing.line_simulator"]


@pytest.fixture
def cast(db) -> Cast:
    return make_cast()
