"""Distances read the same everywhere: 「約 1.0 km」, one decimal, never 約 0.0 km."""

import pytest

from lib.geo import format_distance


@pytest.mark.parametrize(
    ("metres", "text"),
    [
        (1000, "約 1.0 km"),
        (4321, "約 4.3 km"),
        (90, "約 0.1 km"),
        (0, "約 0.1 km"),
        (960, "約 1.0 km"),
    ],
)
def test_a_distance_is_written_in_kilometres_with_one_decimal(metres, text):
    assert format_distance(metres) == text
