"""Quantities in any form: digits, words, approximate, relative, and before → after told in words."""

from __future__ import annotations

import pytest

from simulator.scoring.analysis import quantities
from simulator.scoring.lexicon import Lexicon, load_lexicon
from simulator.settings import PROJECT_ROOT


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return load_lexicon(PROJECT_ROOT / "rubrics")


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("p95 went from 1.8 s to 250 ms", ["1.8 s", "250 ms"]),  # digits with units
        ("we cut deploys from six hours to about forty seconds", ["six hours", "forty seconds"]),  # words
        ("roughly twenty a day down to three", ["twenty a day", "three"]),  # a rate, and a bare far end
        ("it cut the bill in half", ["in half"]),  # relative
        ("the job now takes a tenth of the time", ["a tenth"]),  # a fraction
        ("ninety percent of the requests hit the cache", ["ninety percent"]),  # a percentage in words
        ("reads got three times faster", ["three times"]),  # a multiple
        ("throughput doubled", ["doubled"]),
        ("it was 3x faster and cost 40% less", ["3x", "40%"]),
        ("a hundred and fifty thousand users signed up", ["a hundred and fifty thousand users"]),
        ("about 40k requests per minute", ["40k"]),
        ("we saved $5k a month", ["$5k"]),
        ("twenty-five engineers moved over", ["twenty-five engineers"]),
    ],
)
def test_each_form_is_a_quantity(lex: Lexicon, sentence: str, expected: list[str]) -> None:
    assert quantities(sentence.lower(), lex) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "one day the service crashed",  # "one" as a pronoun of time
        "in 2019 we moved to kubernetes",  # a year
        "version 2 of the api",
        "we had one engineer on it",
        "the team of five",
    ],
)
def test_words_that_are_not_quantities(lex: Lexicon, sentence: str) -> None:
    assert quantities(sentence, lex) == []
