import pytest
from django.core.exceptions import ImproperlyConfigured

from lib.env import Env


def test_it_reads_booleans_in_every_usual_spelling():
    env = Env({"A": "true", "B": "0", "C": "Yes", "D": "off"})
    assert [env.bool(n, default=False) for n in "ABCD"] == [True, False, True, False]


def test_it_uses_the_default_for_missing_or_blank_values():
    env = Env({"BLANK": "  "})
    assert env.bool("MISSING", default=True) is True
    assert env.int("BLANK", default=7) == 7
    assert env.list("MISSING", default=["x"]) == ["x"]


def test_it_fails_loudly_on_a_misspelt_boolean():
    with pytest.raises(ImproperlyConfigured, match="FLAG must be one of"):
        Env({"FLAG": "ture"}).bool("FLAG", default=False)


def test_it_fails_on_numbers_out_of_range_or_malformed():
    with pytest.raises(ImproperlyConfigured, match="at most 19"):
        Env({"ZOOM": "25"}).int("ZOOM", default=15, minimum=1, maximum=19)
    with pytest.raises(ImproperlyConfigured, match="must be a number"):
        Env({"LAT": "41,7"}).float("LAT", default=0.0)


def test_it_requires_a_value_without_default():
    with pytest.raises(ImproperlyConfigured, match="TOKEN must be set"):
        Env({}).str("TOKEN")


def test_it_checks_choices_and_patterns():
    with pytest.raises(ImproperlyConfigured, match="simulator, live"):
        Env({"MODE": "fake"}).choice("MODE", "simulator", ("simulator", "live"))
    with pytest.raises(ImproperlyConfigured, match="invalid format"):
        Env({"ID": "abc"}).str("ID", pattern=r"[0-9]+")


def test_it_splits_lists_on_commas_and_drops_blanks():
    assert Env({"HOSTS": "a.jp, b.jp,,"}).list("HOSTS") == ["a.jp", "b.jp"]
